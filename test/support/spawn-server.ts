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

/**
 * How long a start may take before a test calls it stuck. A first start runs initdb, every migration
 * and the demo data; on a shared machine with both cores busy and other suites starting servers of
 * their own, that has taken over a minute. Being slow is not the failure these tests look for.
 */
export const READY_TIMEOUT_MS = 240_000;

/**
 * Waits for the server's "Akashi is ready" line. If the process exits first, or the wait runs out,
 * the error carries what the server printed, so a failed start says why.
 */
export async function waitUntilReady(
  server: RunningServer,
  what = "ready",
  timeoutMs = READY_TIMEOUT_MS,
): Promise<void> {
  const start = Date.now();
  while (!server.stdout().includes("Akashi is ready")) {
    const exited = server.proc.exitCode !== null || server.proc.signalCode !== null;
    if (exited || Date.now() - start > timeoutMs) {
      const why = exited
        ? `the server exited (${server.proc.exitCode ?? server.proc.signalCode})`
        : `timed out after ${timeoutMs} ms`;
      throw new Error(
        `${why} waiting for ${what}\n--- stdout ---\n${tail(server.stdout())}\n--- stderr ---\n${tail(server.stderr())}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function tail(text: string): string {
  return text.length > 4000 ? `…${text.slice(-4000)}` : text;
}

/** PostgreSQL processes whose command line names this data directory. */
export function postgresProcessesFor(dataDir: string): string[] {
  const out = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.includes("postgres") && l.includes(dataDir));
}
