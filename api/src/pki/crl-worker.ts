import os from "node:os";
import { parentPort } from "node:worker_threads";
import { CrlEntriesMemory } from "./crl-entries-memory";
import type { CrlTbsInput } from "./crl-tbs";
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
const memory = new CrlEntriesMemory();
port?.on("message", (msg: { id: number; input: CrlTbsInput }) => {
  try {
    // The frame is a buffer of its own (buildCrlTbs), so it is handed over, not copied.
    const { frame, at, length } = memory.build(msg.input);
    port.postMessage({ id: msg.id, frame, at, length }, [frame.buffer as ArrayBuffer]);
  } catch (e) {
    // A lint refusal crosses back as its findings, so the caller gets the same LintError as inline.
    if (e instanceof LintError) port.postMessage({ id: msg.id, lint: e.failures });
    else port.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
