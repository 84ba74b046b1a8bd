import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { DerError, TAG, bitString, childrenOf, integerFromContent, readWhole, sequence } from "./der";

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

const hex = (h: string): Buffer => Buffer.from(h.replace(/ /g, ""), "hex");

/**
 * The AlgorithmIdentifiers of the subscriber keys this CA accepts, in DER (RFC 3279, RFC 5480): RSA
 * with NULL parameters, and ECDSA on P-256 and P-384 as named curves. Spelled out in bytes, apart
 * from the writer in der.ts, for the readers (this one and the certificate linter's fast path).
 */
export const KEY_ALGORITHMS: ReadonlyArray<
  { der: Buffer; type: "rsa" } | { der: Buffer; type: "ec"; crv: "P-256" | "P-384"; size: number }
> = [
  { der: hex("30 0d 06 09 2a 86 48 86 f7 0d 01 01 01 05 00"), type: "rsa" },
  { der: hex("30 13 06 07 2a 86 48 ce 3d 02 01 06 08 2a 86 48 ce 3d 03 01 07"), type: "ec", crv: "P-256", size: 32 },
  { der: hex("30 10 06 07 2a 86 48 ce 3d 02 01 06 05 2b 81 04 00 22"), type: "ec", crv: "P-384", size: 48 },
];

/** The JWK of an EC point or RSA key whose SPKI is exactly the DER a JWK of it encodes to; else null. */
function canonicalJwk(der: Buffer): JsonWebKey | null {
  try {
    const [algorithm, bits, ...rest] = childrenOf(readWhole(der, TAG.SEQUENCE));
    const known = KEY_ALGORITHMS.find((k) => k.der.equals(algorithm?.raw ?? Buffer.alloc(0)));
    if (rest.length > 0 || !known || bits?.tag !== TAG.BIT_STRING || bits.value[0] !== 0) return null;
    const key = bits.value.subarray(1); // no unused bits
    // Minimal lengths only: the input must be the one DER this key has.
    if (!sequence(known.der, bitString(key)).equals(der)) return null;
    if (known.type === "ec") {
      // The uncompressed point 04 || x || y.
      if (key.length !== 1 + 2 * known.size || key[0] !== 0x04) return null;
      const x = key.subarray(1, 1 + known.size);
      const y = key.subarray(1 + known.size);
      return { kty: "EC", crv: known.crv, x: x.toString("base64url"), y: y.toString("base64url") };
    }
    const [n, e, ...more] = childrenOf(readWhole(key, TAG.SEQUENCE));
    if (more.length > 0 || n?.tag !== TAG.INTEGER || e?.tag !== TAG.INTEGER) return null;
    const modulus = magnitude(n.value);
    const exponent = magnitude(e.value);
    if (!modulus || !exponent) return null;
    if (!sequence(integerFromContent(n.value), integerFromContent(e.value)).equals(key)) return null;
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
