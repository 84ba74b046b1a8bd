import { createPublicKey, verify } from "node:crypto";
import {
  decryptPrivateKeyPem,
  exportEncryptedPrivateKeyPem,
  generateKeyPair,
  generateSigner,
  KeyDecryptionError,
  loadSigner,
} from "../../api/src/pki/keys";
import {
  KEY_ALGORITHMS,
  signatureAlgorithmIdentifier,
  signatureHash,
  type KeyAlgorithm,
} from "../../api/src/pki/signer";
import { opensslOk, openssl, TempDir } from "../support/openssl";

const dir = new TempDir();
afterAll(() => dir.remove());

describe("CA keys", () => {
  test.each(KEY_ALGORITHMS.map((k) => [k]))(
    "%s: encrypted PKCS #8 round trip; the Signer signs with the right hash and DER encoding",
    async (keyAlgorithm: KeyAlgorithm) => {
      const { signer, encryptedKeyPem } = await generateSigner(keyAlgorithm, "s3cret passphrase");
      expect(encryptedKeyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
      expect(signer.keyAlgorithm).toBe(keyAlgorithm);
      const loaded = loadSigner(encryptedKeyPem, "s3cret passphrase");
      expect(loaded.keyAlgorithm).toBe(keyAlgorithm);
      expect(loaded.publicKeySpki.equals(signer.publicKeySpki)).toBe(true);
      const data = Buffer.from("to be signed");
      const signature = await loaded.sign(data);
      const publicKey = createPublicKey({ key: loaded.publicKeySpki, format: "der", type: "spki" });
      expect(verify(signatureHash(keyAlgorithm), data, { key: publicKey, dsaEncoding: "der" }, signature)).toBe(true);
      if (keyAlgorithm.startsWith("ECDSA")) expect(signature[0]).toBe(0x30); // DER Ecdsa-Sig-Value, not r||s
      // openssl opens it with the passphrase and sees PBES2 + AES-256-CBC
      const keyPath = dir.file(`${keyAlgorithm}.key`, encryptedKeyPem);
      opensslOk(["pkey", "-in", keyPath, "-passin", "pass:s3cret passphrase", "-noout"]);
      expect(opensslOk(["asn1parse", "-in", keyPath])).toContain("aes-256-cbc");
    },
  );

  test("a wrong passphrase is a clear KeyDecryptionError", async () => {
    const { privateKey } = await generateKeyPair("ECDSA_P256");
    const pem = exportEncryptedPrivateKeyPem(privateKey, "right");
    expect(() => loadSigner(pem, "wrong")).toThrow(KeyDecryptionError);
    expect(() => loadSigner(pem, "wrong")).toThrow(/wrong passphrase/);
    expect(openssl(["pkey", "-in", dir.file("wrong.key", pem), "-passin", "pass:wrong", "-noout"]).status).not.toBe(0);
  });

  test("unencrypted keys and empty passphrases are refused", async () => {
    const { privateKey } = await generateKeyPair("ECDSA_P256");
    const plain = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    expect(() => decryptPrivateKeyPem(plain, "x")).toThrow(KeyDecryptionError);
    expect(() => exportEncryptedPrivateKeyPem(privateKey, "")).toThrow(/passphrase/);
  });

  test("signature AlgorithmIdentifiers: ECDSA without parameters, RSA with NULL (RFC 5758, RFC 4055)", () => {
    expect(signatureAlgorithmIdentifier("ECDSA_P256").toString("hex")).toBe("300a06082a8648ce3d040302");
    expect(signatureAlgorithmIdentifier("ECDSA_P384").toString("hex")).toBe("300a06082a8648ce3d040303");
    for (const k of ["RSA_2048", "RSA_3072", "RSA_4096"] as const) {
      expect(signatureAlgorithmIdentifier(k).toString("hex")).toBe("300d06092a864886f70d01010b0500");
    }
  });
});
