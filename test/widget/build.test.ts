/**
 * `npm run build:widget` (vite.config.mts): one self-contained ES module, content-hashed, with a manifest
 * carrying SRI and sizes; ≤ 7 KB gzip (issue 14); nothing in it writes HTML from data, touches cookies or
 * talks to another origin.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { SEAL_GZIP_BUDGET_BYTES } from "../bench/budget";

const root = path.resolve(__dirname, "../..");
const outDir = path.join(root, "dist/widget");

interface Manifest {
  file: string;
  sri: string;
  bytes: number;
  gzipBytes: number;
  brotliBytes: number;
}

let manifest: Manifest;
let code: string;

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, "node_modules/vite/bin/vite.js"), "build"], {
    cwd: root,
    stdio: "pipe",
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" },
  });
  manifest = JSON.parse(fs.readFileSync(path.join(outDir, "manifest.json"), "utf8")) as Manifest;
  code = fs.readFileSync(path.join(outDir, manifest.file), "utf8");
}, 120_000);

describe("widget build", () => {
  it("writes one content-hashed ES module and a manifest with SRI and sizes", () => {
    expect(manifest.file).toMatch(/^seal\.[A-Za-z0-9_-]{6,}\.js$/);
    const jsFiles = fs.readdirSync(outDir).filter((f) => f.endsWith(".js"));
    expect(jsFiles).toEqual([manifest.file]);
    const body = fs.readFileSync(path.join(outDir, manifest.file));
    expect(manifest.sri).toBe(`sha384-${createHash("sha384").update(body).digest("base64")}`);
    expect(manifest.bytes).toBe(body.length);
    expect(manifest.gzipBytes).toBe(gzipSync(body, { level: 9 }).length);
    expect(manifest.brotliBytes).toBeGreaterThan(0);
  });

  it("SEAL-2: the built badge link asks for strict-origin Referers and drops noreferrer", () => {
    expect(code).toContain("strict-origin");
    expect(code).toContain("setAttribute(`referrerpolicy`");
    expect(code).not.toContain("noreferrer");
  });

  it("stays within 7 KB gzip (issue 14)", () => {
    expect(SEAL_GZIP_BUDGET_BYTES).toBe(7 * 1024);
    expect(manifest.gzipBytes).toBeLessThanOrEqual(SEAL_GZIP_BUDGET_BYTES);
    // Also at the default level, as servers compress on the fly.
    expect(gzipSync(Buffer.from(code)).length).toBeLessThanOrEqual(SEAL_GZIP_BUDGET_BYTES);
  });

  it("is minified and self-contained (no imports, no framework, the element defined once)", () => {
    expect(code.split("\n").length).toBeLessThan(20);
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).not.toMatch(/\bfrom\s*["'`]/);
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toMatch(/litElementVersions|reactiveElementVersions/); // Lit is not bundled any more
    expect(code).toMatch(/customElements\.define\(`akashi-seal`/);
    expect(code).toContain("import.meta.url");
  });

  it("never writes HTML from data: no innerHTML, document.write or HTML parsing; text via textContent", () => {
    expect(code).not.toMatch(/document\.write/);
    expect(code).not.toMatch(/unsafeHTML|unsafe-html/i);
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|createContextualFragment|DOMParser/);
    expect(code).not.toMatch(/\beval\s*\(|new Function\s*\(/);
    expect(code).toContain("textContent");
  });

  it("touches no cookies or storage", () => {
    expect(code).not.toMatch(/cookie/i);
    expect(code).not.toMatch(/localStorage|sessionStorage|indexedDB/);
  });

  it("names no other origin: no absolute or protocol-relative URLs (the SVG namespace name is not fetched)", () => {
    expect(code.match(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`)]*/gi) ?? []).toEqual(["http://www.w3.org/2000/svg"]);
    expect(code).not.toMatch(/["'`(]\/\/[a-z0-9]/i);
    // The only endpoints are built from the script's own origin.
    expect(code).toMatch(/new URL\(import\.meta\.url\)\.origin/);
    expect(code).toContain("/graphql");
    expect(code).toContain("/verify/");
  });

  it("sends credential-less CORS GETs", () => {
    expect(code).toContain("credentials:`omit`");
    expect(code).toContain("method:`GET`");
  });
});

describe("widget sources", () => {
  const srcDir = path.join(root, "widget/src");
  const sources = fs.readdirSync(srcDir).filter((f) => f.endsWith(".ts"));

  it.each(sources)("%s renders data only as text", (f) => {
    const text = fs.readFileSync(path.join(srcDir, f), "utf8");
    expect(text).not.toMatch(/\.innerHTML|unsafeHTML|document\.write|document\.cookie|localStorage|window\.open/);
  });

  it("only the element module touches the DOM (the rest is pure and unit-tested)", () => {
    for (const f of sources.filter((s) => s !== "seal.ts")) {
      const text = fs
        .readFileSync(path.join(srcDir, f), "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, "");
      expect([f, /from "lit"|document\.|window\.|location\.|customElements|import\.meta/.test(text)]).toEqual([
        f,
        false,
      ]);
    }
  });
});
