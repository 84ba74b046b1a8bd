import { ChildProcess, execFileSync, spawn } from "node:child_process";
import path from "node:path";

export const MAIN = path.resolve(__dirname, "../../dist/api/src/main.js");

export interface RunningServer {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts the built service (`npm start` runs the same file) as a child process. */
export function spawnServer(env: Record<string, string | undefined>, args: string[] = []): RunningServer {
  const clean = { ...process.env };
  delete clean.DATABASE_URL;
  const proc = spawn(process.execPath, [MAIN, ...args], {
    env: { ...clean, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return { proc, stdout: () => out, stderr: () => err, exited };
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** PostgreSQL processes whose command line names this data directory. */
export function postgresProcessesFor(dataDir: string): string[] {
  const out = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.includes("postgres") && l.includes(dataDir));
}
