/**
 * Builds the `<akashi-seal>` widget (widget/src/seal.ts) into ONE minified ES module with Lit bundled:
 *   dist/widget/seal.<hash>.js      (immutable; the server also aliases it as /seal.js)
 *   dist/widget/manifest.json       { file, sri, bytes, gzipBytes, brotliBytes }
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
      const file = entries[0].fileName;
      const body = readFileSync(join(dir, file));
      const manifest = {
        file,
        sri: `sha384-${createHash("sha384").update(body).digest("base64")}`,
        bytes: body.length,
        gzipBytes: gzipSync(body, { level: 9 }).length,
        brotliBytes: brotliCompressSync(body, {
          params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length },
        }).length,
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
  // Always Lit's production build, whatever NODE_ENV the caller has (jest runs with NODE_ENV=test, which
  // would otherwise select Lit's "development" export: dev-mode warnings, lit.dev URLs, +3 KB gzip).
  resolve: { conditions: ["module", "browser", "production"] },
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
