/**
 * Builds the API explorer (explorer/): GraphiQL, React and the Monaco editor workers from npm into static
 * files under dist/explorer/ — no CDN. The API serves them at /explorer (api/src/http/explorer-routes.ts).
 * Run by `npm run build` after the seal widget.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL("./explorer", import.meta.url));

export default defineConfig({
  root,
  base: "/explorer/",
  publicDir: false,
  logLevel: "warn",
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  build: {
    outDir: resolve(root, "../dist/explorer"),
    emptyOutDir: true,
    target: "es2022",
    assetsDir: "assets",
    reportCompressedSize: false,
    chunkSizeWarningLimit: 8000,
    sourcemap: false,
    rolldownOptions: {
      // React libraries mark modules "use client" (for server components); meaningless in a static bundle.
      onLog(level, log, handler) {
        if (log.code === "MODULE_LEVEL_DIRECTIVE") return;
        handler(level, log);
      },
    },
  },
  worker: { format: "es" },
});
