import { createPrivateKey, generateKeyPair as generateKeyPairCb, type KeyObject } from "node:crypto";
import { LocalKeySigner, type KeyAlgorithm, type Signer } from "./signer";

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A fresh key pair of the given type (RSA exponent 65537). */
export function generateKeyPair(keyAlgorithm: KeyAlgorithm): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, publicKey: KeyObject, privateKey: KeyObject) =>
      err ? reject(err) : resolve({ privateKey, publicKey });
    switch (keyAlgorithm) {
      case "ECDSA_P256":
        return generateKeyPairCb("ec", { namedCurve: "prime256v1" }, done);
      case "ECDSA_P384":
        return generateKeyPairCb("ec", { namedCurve: "secp384r1" }, done);
      case "RSA_2048":
      case "RSA_3072":
      case "RSA_4096":
        return generateKeyPairCb(
          "rsa",
          { modulusLength: Number(keyAlgorithm.slice(4)), publicExponent: 0x10001 },
          done,
        );
      default:
        return reject(new Error(`unknown key algorithm ${String(keyAlgorithm)}`));
    }
  });
}

function checkPassphrase(passphrase: string): void {
  if (typeof passphrase !== "string" || passphrase.length === 0)
    throw new Error("a non-empty passphrase is required for CA keys");
}

/** Encrypted PKCS #8 PEM ("ENCRYPTED PRIVATE KEY"), PBES2 with AES-256-CBC. */
export function exportEncryptedPrivateKeyPem(privateKey: KeyObject, passphrase: string): string {
  checkPassphrase(passphrase);
  return privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase }) as string;
}

/** Raised when an encrypted key cannot be opened: wrong passphrase, or not an encrypted key at all. */
export class KeyDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyDecryptionError";
  }
}

/** Opens an encrypted PKCS #8 PEM. Throws KeyDecryptionError on a wrong passphrase. */
export function decryptPrivateKeyPem(encryptedPem: string, passphrase: string): KeyObject {
  checkPassphrase(passphrase);
  if (!encryptedPem.includes("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
    throw new KeyDecryptionError("CA key must be an encrypted PKCS #8 PEM (BEGIN ENCRYPTED PRIVATE KEY)");
  }
  try {
    return createPrivateKey({ key: encryptedPem, format: "pem", passphrase });
  } catch (err) {
    throw new KeyDecryptionError(
      `cannot decrypt the CA private key: wrong passphrase or damaged key (${(err as Error).message})`,
    );
  }
}

/** A Signer over an encrypted PKCS #8 PEM. */
export function loadSigner(encryptedPem: string, passphrase: string): Signer {
  return new LocalKeySigner(decryptPrivateKeyPem(encryptedPem, passphrase));
}

/** Generates a key and returns both its Signer and its encrypted PEM for storage. */
export async function generateSigner(
  keyAlgorithm: KeyAlgorithm,
  passphrase: string,
): Promise<{ signer: Signer; encryptedKeyPem: string }> {
  const { privateKey } = await generateKeyPair(keyAlgorithm);
  return {
    signer: new LocalKeySigner(privateKey),
    encryptedKeyPem: exportEncryptedPrivateKeyPem(privateKey, passphrase),
  };
}
