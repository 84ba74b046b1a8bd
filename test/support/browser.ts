import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { Browser, LaunchOptions, chromium } from "playwright-core";

/**
 * A real Chromium for the widget and page tests, found without manual steps: CHROMIUM_PATH, then a
 * system Chromium (e.g. Debian's `chromium`), then the Chromium shipped inside the `@sparticuz/chromium`
 * npm package. Never skipped: if none can start, the tests fail saying what to do.
 */
const SYSTEM_CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
];

const ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

async function chromiumExecutable(): Promise<{ path: string; extraArgs: string[]; source: string }> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return { path: configured, extraArgs: [], source: "CHROMIUM_PATH" };
  const system = SYSTEM_CANDIDATES.find((p) => fs.existsSync(p));
  if (system) return { path: system, extraArgs: [], source: "system" };
  try {
    // @sparticuz/chromium is ESM-only and unpacks its binary on first use; ask a plain Node process.
    // Only its binary is used: its default flags turn off web security and site isolation, which
    // the CSP and framing tests must have on.
    const script =
      "import('@sparticuz/chromium').then(async ({ default: c }) => console.log(await c.executablePath()))";
    const found = execFileSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 120_000 }).trim();
    return { path: found, extraArgs: ["--no-zygote"], source: "@sparticuz/chromium" };
  } catch (e) {
    throw new Error(
      `No Chromium found for the browser tests. Install one (Debian: \`apt-get install chromium\`), set CHROMIUM_PATH, or run \`npm install\` so that @sparticuz/chromium is present. (${(e as Error).message})`,
      { cause: e },
    );
  }
}

/** Launches Chromium; `hostMap` maps host names (e.g. shop.akashi-demo.jp) to loopback. */
export async function launchChromium(hostMap: string[] = []): Promise<Browser> {
  const exe = await chromiumExecutable();
  const args = [...ARGS, ...exe.extraArgs];
  if (hostMap.length) args.push(`--host-resolver-rules=${hostMap.map((h) => `MAP ${h} 127.0.0.1`).join(", ")}`);
  const options: LaunchOptions = { executablePath: exe.path, args, headless: true, timeout: 60_000 };
  return chromium.launch(options);
}

/** Which Chromium runs, for benchmark reports. */
export async function describeChromium(browser: Browser): Promise<string> {
  const exe = await chromiumExecutable();
  return `${exe.path} (${exe.source}), Chromium ${browser.version()}`;
}
