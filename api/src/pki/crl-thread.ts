import path from "node:path";
import { Worker } from "node:worker_threads";
import { buildLintedCrlTbs, type CrlTbsInput } from "./crl-tbs";
import { LintError, type LintFailure } from "./lint";
import type { FramedTbs } from "./signer";

/**
 * Below this many entries a CRL is built on the calling thread: a few milliseconds, less than a hand-off.
 * Above it (DESIGN "Hot paths and scale": heavy work never runs on the request event loop) the
 * TBSCertList is built in one long-lived worker thread (every scope of a 110 k-entry CA, 220 k entries
 * in all, took 151 ms there from scratch and 36 ms when the thread remembers each scope's last list:
 * pki/crl-entries-memory.ts), during which
 * this process keeps answering HTTP requests (in-process tests, and any process that serves as well as
 * runs jobs).
 */
export const CRL_INLINE_MAX_ENTRIES = 2000;

/** The threshold in force; the benchmark raises it to measure the old, inline build in the same run. */
export const crlThreadPolicy = { inlineMaxEntries: CRL_INLINE_MAX_ENTRIES };

/**
 * The nice value the CRL worker thread gives itself. Linux keeps a nice value per thread, and
 * setpriority on "process 0" sets the calling thread's, so this thread alone yields the CPU to the
 * event loop answering requests whenever they compete, and still has the whole of an idle core. On
 * 2 cores it took a status GET's p99 during back-to-back 110 k-entry rebuilds from about ×1.9 of a
 * quiet run to about ×1.5 (test/bench/crl-scale.ts). Elsewhere the call would renice the whole
 * process, so it is made on Linux only. Not SCHED_IDLE, though it served more requests beside the
 * rebuilds in the bench: a thread of that policy gets no CPU at all on cores that stay busy, and a
 * CRL must still come out within seconds of a revocation (STAT-1) while its publishing transaction
 * holds the scope's counter row.
 */
export const CRL_THREAD_NICE = 10;

type Pending = { resolve: (tbs: FramedTbs) => void; reject: (e: Error) => void };

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

/**
 * The worker's entry point. Built code (dist) runs crl-worker.js; under ts-jest the sources are
 * TypeScript, so the worker first registers a minimal transpile-on-require hook (typescript is a dev
 * dependency, present wherever .ts sources are run).
 */
function startWorker(): Worker {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `crl-worker${ext}`);
  const w =
    ext === ".ts"
      ? new Worker(
          `const ts = require("typescript"); const fs = require("node:fs");
           require.extensions[".ts"] = (m, f) => m._compile(ts.transpileModule(fs.readFileSync(f, "utf8"),
             { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true } }).outputText, f);
           require(${JSON.stringify(file)});`,
          { eval: true },
        )
      : new Worker(file);
  w.unref(); // an idle CRL thread must not keep a finished process (a test, a CLI) alive
  type Answer = { id: number; frame?: Uint8Array; at: number; length: number; lint?: LintFailure[]; error?: string };
  w.on("message", (msg: Answer) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.frame)
      p.resolve({
        frame: Buffer.from(msg.frame.buffer, msg.frame.byteOffset, msg.frame.byteLength),
        at: msg.at,
        length: msg.length,
      });
    else if (msg.lint) p.reject(new LintError("CRL", msg.lint));
    else p.reject(new Error(`CRL worker: ${msg.error ?? "no answer"}`));
  });
  const fail = (e: Error) => {
    if (worker === w) worker = null;
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(e);
    }
  };
  w.on("error", fail);
  w.on("exit", (code) => fail(new Error(`CRL worker exited with code ${code}`)));
  return w;
}

/**
 * Starts the CRL thread before its first large CRL: a process that publishes CRLs (the primary) calls it
 * at start, so that the first publication does not wait for the thread to load its modules (0.4–0.6 s,
 * measured on the critical path of a mass revocation's last CRLs).
 */
export function startCrlThread(): void {
  worker ??= startWorker();
}

/** TBSCertList of a CRL, built and linted: on this thread when small, else in the CRL worker thread. */
export function buildCrlTbsOffThread(input: CrlTbsInput, forceThread = false): Promise<FramedTbs> {
  if (!forceThread && input.entries.count <= crlThreadPolicy.inlineMaxEntries) {
    return Promise.resolve().then(() => buildLintedCrlTbs(input).tbs);
  }
  worker ??= startWorker();
  const w = worker;
  const id = nextId++;
  return new Promise<FramedTbs>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref(); // while a build is under way the process waits for it
    w.postMessage({ id, input });
  }).finally(() => {
    if (pending.size === 0) w.unref();
  });
}

/** Stops the CRL worker thread (tests, shutdown); the next build starts a new one. */
export async function stopCrlThread(): Promise<void> {
  const w = worker;
  worker = null;
  if (w) await w.terminate();
}
