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
