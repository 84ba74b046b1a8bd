import { execFileSync } from "node:child_process";
import { readlinkSync } from "node:fs";
import os from "node:os";
import { parentPort } from "node:worker_threads";
import { buildLintedCrlTbs, type CrlTbsInput } from "./crl-tbs";
import { CRL_THREAD_NICE } from "./crl-thread";
import { LintError } from "./lint";

/**
 * The CRL worker thread (pki/crl-thread.ts starts it): builds and lints TBSCertLists off the event loop,
 * at a lower CPU priority than the thread answering requests (see CRL_THREAD_NICE).
 */
if (process.platform === "linux") {
  try {
    os.setPriority(CRL_THREAD_NICE);
  } catch {
    // Raising one's own nice value is always allowed; a sandbox that refuses it leaves the thread at the normal priority.
  }
  try {
    // SCHED_IDLE where it can be had (Node has no call for it; util-linux's chrt makes it, on this thread's
    // id): a thread of that policy runs only on a core nothing else wants, and gives it up the moment a
    // request's thread wakes, which a nice value alone does not make the scheduler do. Any user may move a
    // thread of their own to it. Without chrt, or where it is refused, the nice value above stands.
    const tid = readlinkSync("/proc/thread-self").split("/").pop() ?? "";
    if (/^\d+$/.test(tid)) execFileSync("chrt", ["--idle", "--pid", "0", tid], { stdio: "ignore", timeout: 10_000 });
  } catch {
    // Best effort, as above.
  }
}

const port = parentPort;
port?.on("message", (msg: { id: number; input: CrlTbsInput }) => {
  try {
    const tbs = buildLintedCrlTbs(msg.input);
    // A copy into a fresh ArrayBuffer of its own, so it can be transferred rather than copied back.
    const out = new Uint8Array(tbs.length);
    out.set(tbs);
    port.postMessage({ id: msg.id, tbs: out }, [out.buffer]);
  } catch (e) {
    // A lint refusal crosses back as its findings, so the caller gets the same LintError as inline.
    if (e instanceof LintError) port.postMessage({ id: msg.id, lint: e.failures });
    else port.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
