import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export const MAIN = path.resolve(__dirname, "../../dist/api/src/main.js");

export interface RunningServer {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** The lowest port the kernel hands out for outgoing connections (Linux; elsewhere the common default). */
function ephemeralLow(): number {
  try {
    const [low, high] = fs
      .readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low > 0 && high >= low) return low;
  } catch {
    // not Linux
  }
  return 32768;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * A port for a server a test starts, free now and outside the ephemeral range. A port the kernel
 * picked (listen on 0) can be handed out again as the local port of any outgoing connection before
 * the server binds it, and a spawned service binds only after initdb and its migrations: seconds in
 * which every suite's database clients open connections. Below the range, only another listener can
 * take it.
 */
export async function serverPort(): Promise<number> {
  const low = ephemeralLow();
  const from = Math.min(20_000, low - 1000);
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = randomInt(from, low);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port between ${from} and ${low}`);
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
