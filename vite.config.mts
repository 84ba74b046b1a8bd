/**
 * Builds the `<akashi-seal>` widget (widget/src/seal.ts) into ONE minified, self-contained ES module:
 *   dist/widget/seal.<hash>.js      (immutable; the server also aliases it as /seal.js)
 *   dist/widget/manifest.json       { file, sri, bytes, gzipBytes, brotliBytes, parts }
 * `parts` is what each source module adds to the minified bundle (bytes before compression), so the cost
 * of every piece is visible when the budget is tight (`npm run bench` prints it).
 * Run with `npm run build:widget`. The server reads the manifest (api/src/seals/widget-assets.ts).
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const outDir = resolve(root, "dist/widget");

/** Bytes each source module contributes to the chunk, keyed by its path relative to the repository. */
function partsOf(modules: Record<string, { renderedLength: number }>): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const [id, m] of Object.entries(modules)) {
    const name = id.startsWith(root) ? id.slice(root.length) : id;
    parts[name.replace(/^.*node_modules\//, "node_modules/")] = m.renderedLength;
  }
  return parts;
}

/** After the bundle is written: SRI (sha384, base64) and sizes of the one entry chunk → manifest.json. */
function sealManifest(): Plugin {
  return {
    name: "akashi-seal-manifest",
    apply: "build",
    writeBundle(options, bundle) {
      const dir = options.dir ?? outDir;
      const entries = Object.values(bundle).filter((c) => c.type === "chunk" && c.isEntry);
      const chunks = Object.values(bundle).filter((c) => c.type === "chunk");
      if (entries.length !== 1 || chunks.length !== 1) {
        throw new Error(`akashi-seal: expected exactly one JS chunk, got ${chunks.map((c) => c.fileName).join(", ")}`);
      }
      const entry = entries[0];
      if (entry.type !== "chunk") throw new Error("akashi-seal: the entry is not a chunk");
      const file = entry.fileName;
      const body = readFileSync(join(dir, file));
      const manifest = {
        file,
        sri: `sha384-${createHash("sha384").update(body).digest("base64")}`,
        bytes: body.length,
        gzipBytes: gzipSync(body, { level: 9 }).length,
        brotliBytes: brotliCompressSync(body, {
          params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length },
        }).length,
        parts: partsOf(entry.modules),
      };
      writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    },
  };
}

export default defineConfig({
  root,
  publicDir: false,
  logLevel: "warn",
  plugins: [sealManifest()],
  build: {
    outDir,
    emptyOutDir: true,
    target: "es2022",
    copyPublicDir: false,
    reportCompressedSize: false,
    sourcemap: false,
    lib: {
      entry: resolve(root, "widget/src/seal.ts"),
      formats: ["es"],
      fileName: () => "seal.[hash].js",
    },
    rolldownOptions: {
      output: {
        minify: true,
        entryFileNames: "seal.[hash].js",
        codeSplitting: false,
      },
    },
  },
});
