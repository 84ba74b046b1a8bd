import { generateKeyPairSync } from "node:crypto";
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
