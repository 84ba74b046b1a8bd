import { parentPort } from "node:worker_threads";
import { buildCrlTbs, type CrlTbsInput } from "./crl-tbs";

/** The CRL worker thread (pki/crl-thread.ts starts it): builds TBSCertLists off the event loop. */
parentPort?.on("message", (msg: { id: number; input: CrlTbsInput }) => {
  try {
    const tbs = buildCrlTbs(msg.input);
    // A copy into a fresh ArrayBuffer of its own, so it can be transferred rather than copied back.
    const out = new Uint8Array(tbs.length);
    out.set(tbs);
    parentPort!.postMessage({ id: msg.id, tbs: out }, [out.buffer]);
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
