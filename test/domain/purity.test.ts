import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";

const dir = join(__dirname, "../../api/src/domain");
const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));

describe("domain purity", () => {
  test("the domain has files to check, and the import scan finds imports", () => {
    expect(files).toEqual(expect.arrayContaining(["index.ts", "jst.ts", "terms.ts", "calendar.ts"]));
    const calendar = readFileSync(join(dir, "calendar.ts"), "utf8");
    expect(
      [...calendar.matchAll(/^\s*(?:import|export)\b[^;("']*?\bfrom\s*["']([^"']+)["']/gm)].map((m) => m[1]),
    ).toEqual(["@holiday-jp/holiday_jp", "./jst"]);
  });

  // Pure tables as libraries: Japanese holidays, the Public Suffix List (APP-12) and IDNA mappings.
  const TABLES = ["@holiday-jp/holiday_jp", "tldts", "tr46"];

  test.each(files)("%s imports only sibling domain files, node built-ins and the pure tables", (file) => {
    const source = readFileSync(join(dir, file), "utf8");
    const patterns = [
      /^\s*(?:import|export)\b[^;("']*?\bfrom\s*["']([^"']+)["']/gm,
      /^\s*import\s*["']([^"']+)["']/gm,
      /\brequire\(\s*["']([^"']+)["']\s*\)/g,
      /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    ];
    const specifiers = patterns.flatMap((re) => [...source.matchAll(re)].map((m) => m[1]));
    for (const s of specifiers) {
      const allowed = /^\.\/[\w-]+$/.test(s) || TABLES.includes(s) || builtinModules.includes(s.replace(/^node:/, ""));
      expect({ file, import: s, allowed }).toEqual({ file, import: s, allowed: true });
    }
  });

  test.each(files.filter((f) => f !== "clock.ts"))("%s never reads the real time", (file) => {
    const source = readFileSync(join(dir, file), "utf8");
    expect(source).not.toMatch(/new Date\(\s*\)|Date\.now\(/);
  });
});
