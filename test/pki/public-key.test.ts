import { type KeyObject, createPublicKey, generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import {
  TAG,
  bitString,
  childrenOf,
  derNull,
  integerFromContent,
  oid,
  readWhole,
  sequence,
} from "../../api/src/pki/der";
import { publicKeyFromSpki } from "../../api/src/pki/public-key";

/** Issue 11: an approval reads the subscriber's key three times; OpenSSL decodes it once. */
const spki = () =>
  generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ type: "spki", format: "der" });

test("issue 11: the same key bytes, even in another buffer, give the one decoded key", () => {
  const der = spki();
  const first = publicKeyFromSpki(der);
  expect(publicKeyFromSpki(Buffer.from(der))).toBe(first);
  expect(publicKeyFromSpki(new Uint8Array(der))).toBe(first);
  expect(first.export({ type: "spki", format: "der" }).equals(der)).toBe(true);
  expect(publicKeyFromSpki(spki())).not.toBe(first);
});

test("issue 11: bytes that are not a key are refused every time, and nothing is kept for them", () => {
  const bad = Buffer.from("3003020100", "hex");
  expect(() => publicKeyFromSpki(bad)).toThrow();
  expect(() => publicKeyFromSpki(bad)).toThrow();
});

test("issue 11: the oldest keys are let go once 512 are kept, so the cache cannot grow without bound", () => {
  const oldest = spki();
  const kept = publicKeyFromSpki(oldest);
  for (let i = 0; i < 512; i++) publicKeyFromSpki(spki());
  expect(publicKeyFromSpki(oldest)).not.toBe(kept);
});

type KeyAnswer = { spki: string; details: unknown; type: string | undefined } | "throws";

/** What a key made by `make` says of itself (its SPKI and details), or that making it throws. */
function keyAnswer(make: () => KeyObject): KeyAnswer {
  try {
    const key = make();
    return {
      spki: key.export({ type: "spki", format: "der" }).toString("hex"),
      details: key.asymmetricKeyDetails,
      type: key.asymmetricKeyType,
    };
  } catch {
    return "throws";
  }
}

/** The DER decoder's own answer for `der`. */
const openssl = (der: Buffer): KeyAnswer => keyAnswer(() => createPublicKey({ key: der, format: "der", type: "spki" }));

/** The CA's import of `der`. */
const ours = (der: Buffer): KeyAnswer => keyAnswer(() => publicKeyFromSpki(der));

const KEYS: Array<() => Buffer> = [
  () => generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ type: "spki", format: "der" }),
  () => generateKeyPairSync("ec", { namedCurve: "secp384r1" }).publicKey.export({ type: "spki", format: "der" }),
  () => generateKeyPairSync("ec", { namedCurve: "secp521r1" }).publicKey.export({ type: "spki", format: "der" }),
  () => generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" }),
  () =>
    generateKeyPairSync("rsa", { modulusLength: 3072, publicExponent: 3 }).publicKey.export({
      type: "spki",
      format: "der",
    }),
  () => generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "der" }),
];

test("issue 11: every key the CA accepts decodes, by its numbers, to the key OpenSSL's DER decoder gives", () => {
  for (const make of KEYS) {
    const der = make();
    const answer = ours(der);
    expect(answer).not.toBe("throws");
    expect(answer).toEqual(openssl(der));
  }
});

test("issue 11: a changed byte, a point off its curve, a non-minimal integer or length: accepted or refused exactly as the DER decoder does", () => {
  const keys = KEYS.slice(0, 5).map((make) => make());
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: keys.length - 1 }),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      (k, at, flip) => {
        const der = Buffer.from(keys[k]);
        der[at % der.length] ^= flip;
        expect(ours(der)).toEqual(openssl(der));
      },
    ),
    { numRuns: 400 },
  );
  // RSA: the modulus with a superfluous leading zero octet, and its lengths adjusted (not DER, but BER).
  const rsa = keys[3];
  const bits = childrenOf(readWhole(rsa, TAG.SEQUENCE))[1];
  const [n, e] = childrenOf(readWhole(bits.value.subarray(1), TAG.SEQUENCE));
  const padded = sequence(
    sequence(oid("1.2.840.113549.1.1.1"), derNull()),
    bitString(sequence(integerFromContent(Buffer.concat([Buffer.from([0]), n.value])), e.raw)),
  );
  expect(ours(padded)).toEqual(openssl(padded));
  // EC: a P-256 point whose y is replaced by x (off the curve).
  const ec = Buffer.from(keys[0]);
  ec.copy(ec, 59, 27, 59);
  expect(ours(ec)).toBe("throws");
  expect(openssl(ec)).toBe("throws");
});
