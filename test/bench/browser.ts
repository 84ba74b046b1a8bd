import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { Browser, LaunchOptions, chromium } from "playwright-core";

/**
 * Chromium for the seal render benchmark, found as test/support/browser.ts finds it (that file is outside
 * tsconfig.build.json, so the few lines are repeated here): CHROMIUM_PATH, then a system Chromium, then the
 * one inside the `@sparticuz/chromium` npm package (asked through a child `node -e`, as it is ESM-only).
 */
const SYSTEM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

const ARGS = [
  "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
];

export async function chromiumExecutable(): Promise<{ path: string; extraArgs: string[]; source: string }> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return { path: configured, extraArgs: [], source: "CHROMIUM_PATH" };
  const system = SYSTEM_CANDIDATES.find((p) => fs.existsSync(p));
  if (system) return { path: system, extraArgs: [], source: "system" };
  try {
    const script = "import('@sparticuz/chromium').then(async ({ default: c }) => console.log(JSON.stringify({ path: await c.executablePath(), args: c.args })))";
    const found = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 60_000 })) as { path: string; args: string[] };
    return { path: found.path, extraArgs: found.args.filter((a) => !a.startsWith("--headless") && !a.startsWith("--single-process")), source: "@sparticuz/chromium" };
  } catch (e) {
    throw new Error(`No Chromium found for the seal render benchmark. Install one (Debian: \`apt-get install chromium\`), set CHROMIUM_PATH, or run \`npm install\` so that @sparticuz/chromium is present. (${(e as Error).message})`);
  }
}

/** Launches headless Chromium; `hostMap` names resolve to 127.0.0.1. */
export async function launchChromium(hostMap: string[]): Promise<{ browser: Browser; description: string }> {
  const exe = await chromiumExecutable();
  const args = [...ARGS, ...exe.extraArgs];
  if (hostMap.length) args.push(`--host-resolver-rules=${hostMap.map((h) => `MAP ${h} 127.0.0.1`).join(", ")}`);
  const options: LaunchOptions = { executablePath: exe.path, args, headless: true, timeout: 60_000 };
  const browser = await chromium.launch(options);
  return { browser, description: `${exe.path} (${exe.source}), Chromium ${browser.version()}` };
}
