import { createPublicKey, type KeyObject } from "node:crypto";

/** Keys kept: a few hundred cover the approvals in flight; an entry is about a kilobyte. */
const LIMIT = 512;
const keys = new Map<string, KeyObject>();

/**
 * The public key of a DER SubjectPublicKeyInfo, decoded once. OpenSSL 3's decoder takes about half a
 * millisecond per key, and an approval reads the subscriber's key three times: the CSR's self-signature,
 * the key usage the certificate gets, and the pre-signing linter's key check. A KeyObject cannot be
 * changed, so one can be shared. Throws as `createPublicKey` does; a key that fails is not kept.
 */
export function publicKeyFromSpki(spki: Uint8Array): KeyObject {
  const id = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString("base64");
  const known = keys.get(id);
  if (known) {
    keys.delete(id); // most recently used last, so the oldest is dropped first
    keys.set(id, known);
    return known;
  }
  const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  keys.set(id, key);
  if (keys.size > LIMIT) {
    const oldest = keys.keys().next();
    if (!oldest.done) keys.delete(oldest.value);
  }
  return key;
}
