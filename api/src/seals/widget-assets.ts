import fs from "node:fs";
import path from "node:path";

/** The built `<akashi-seal>` script (vite.config.mts writes it and its manifest to dist/widget/). */
export interface WidgetAssets {
  /** Content-hashed file name, e.g. `seal.3f9a1c.js`, served immutable. */
  file: string;
  /** Subresource Integrity of that file. */
  sri: string;
  body: Buffer;
}

/** dist/widget/, from the compiled server (dist/api/src/seals) and from TypeScript sources alike. */
const WIDGET_DIR = path.resolve(__dirname, __filename.endsWith(".ts") ? "../../../dist/widget" : "../../../widget");

/** Reads the built widget; null when it has not been built (the seal routes then say how to build it). */
export function loadWidgetAssets(dir = WIDGET_DIR): WidgetAssets | null {
  const manifestPath = path.join(dir, "manifest.json");
  if (!fs.existsSync(manifestPath)) return null;
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as { file: string; sri: string };
  return { file: manifest.file, sri: manifest.sri, body: fs.readFileSync(path.join(dir, manifest.file)) };
}
