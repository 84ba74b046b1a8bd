import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { DerError, TAG, bitString, childrenOf, derNull, integerFromContent, oid, readWhole, sequence } from "./der";

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
  const der = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength);
  const id = der.toString("base64");
  const known = keys.get(id);
  if (known) {
    keys.delete(id); // most recently used last, so the oldest is dropped first
    keys.set(id, known);
    return known;
  }
  const key = decode(Buffer.from(der));
  keys.set(id, key);
  if (keys.size > LIMIT) {
    const oldest = keys.keys().next();
    if (!oldest.done) keys.delete(oldest.value);
  }
  return key;
}

/**
 * The keys this CA accepts, in their one DER form, are imported as JWK: OpenSSL 3 builds them from
 * their numbers without its decoder search (issue 11, measured alone: EC P-256 111 → 53 µs, RSA 2048
 * 114 → 5 µs). Anything else, and a JWK import that fails (a point off its curve), is decoded from
 * DER, so what is accepted and what is thrown stay OpenSSL's.
 */
function decode(der: Buffer): KeyObject {
  const jwk = canonicalJwk(der);
  if (jwk) {
    try {
      return createPublicKey({ key: jwk, format: "jwk" });
    } catch {
      // fall through: the DER decoder says why
    }
  }
  return createPublicKey({ key: der, format: "der", type: "spki" });
}

/** SubjectPublicKeyInfo up to the uncompressed point's 0x04, for the curves the CA accepts (RFC 5480). */
const EC_PREFIXES = [
  { crv: "P-256", size: 32, prefix: Buffer.from("3059301306072a8648ce3d020106082a8648ce3d03010703420004", "hex") },
  { crv: "P-384", size: 48, prefix: Buffer.from("3076301006072a8648ce3d020106052b8104002203620004", "hex") },
] as const;

const RSA_ALGORITHM = sequence(oid("1.2.840.113549.1.1.1"), derNull());

/** The JWK of an EC point or RSA key whose SPKI is exactly the DER a JWK of it encodes to; else null. */
function canonicalJwk(der: Buffer): JsonWebKey | null {
  for (const { crv, size, prefix } of EC_PREFIXES) {
    if (der.length === prefix.length + 2 * size && der.subarray(0, prefix.length).equals(prefix)) {
      const point = der.subarray(prefix.length);
      return {
        kty: "EC",
        crv,
        x: point.subarray(0, size).toString("base64url"),
        y: point.subarray(size).toString("base64url"),
      };
    }
  }
  try {
    const [algorithm, bits, ...rest] = childrenOf(readWhole(der, TAG.SEQUENCE));
    if (rest.length > 0 || !algorithm?.raw.equals(RSA_ALGORITHM) || bits?.tag !== TAG.BIT_STRING) return null;
    if (bits.value[0] !== 0) return null; // unused bits
    const [n, e, ...more] = childrenOf(readWhole(bits.value.subarray(1), TAG.SEQUENCE));
    if (more.length > 0 || n?.tag !== TAG.INTEGER || e?.tag !== TAG.INTEGER) return null;
    const modulus = magnitude(n.value);
    const exponent = magnitude(e.value);
    if (!modulus || !exponent) return null;
    // Minimal lengths only: the input must be the one DER this key has.
    const again = sequence(
      RSA_ALGORITHM,
      bitString(sequence(integerFromContent(n.value), integerFromContent(e.value))),
    );
    if (!again.equals(der)) return null;
    return { kty: "RSA", n: modulus.toString("base64url"), e: exponent.toString("base64url") };
  } catch (e) {
    if (e instanceof DerError) return null; // not DER at all: the decoder refuses it
    throw e;
  }
}

/**
 * The magnitude of a positive INTEGER's content in its one DER form (a zero octet only before a high
 * bit); null for zero, a negative number, or a superfluous leading octet.
 */
function magnitude(content: Buffer): Buffer | null {
  if (content.length === 0 || content[0] & 0x80) return null;
  if (content[0] !== 0) return content;
  return content.length > 1 && content[1] & 0x80 ? content.subarray(1) : null;
}
