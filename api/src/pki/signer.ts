import { createPublicKey, sign as cryptoSign, type KeyObject } from "node:crypto";
import { bitString, derNull, lengthFieldSize, oid, sequence, writeLength } from "./der";

/** The key types the CA issues under and accepts in CSRs (APP-10). */
export type KeyAlgorithm = "ECDSA_P256" | "ECDSA_P384" | "RSA_2048" | "RSA_3072" | "RSA_4096";
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ["ECDSA_P256", "ECDSA_P384", "RSA_2048", "RSA_3072", "RSA_4096"];

/**
 * Every signature the CA makes (certificates, CRLs, OCSP responses) goes through this interface,
 * so that an HSM or a cloud KMS can replace the local key without touching the rest.
 * `sign` returns the signature exactly as it goes into the BIT STRING: DER `Ecdsa-Sig-Value` for ECDSA,
 * PKCS #1 v1.5 for RSA, over the hash named by `signatureAlgorithmIdentifier(keyAlgorithm)`.
 */
export interface Signer {
  readonly keyAlgorithm: KeyAlgorithm;
  /** DER SubjectPublicKeyInfo of the signing key. */
  readonly publicKeySpki: Buffer;
  sign(data: Buffer): Promise<Buffer>;
}

/** SHA-384 for P-384, SHA-256 otherwise (RSA of any size, P-256). */
export function signatureHash(keyAlgorithm: KeyAlgorithm): "sha256" | "sha384" {
  return keyAlgorithm === "ECDSA_P384" ? "sha384" : "sha256";
}

const OID_ECDSA_SHA256 = "1.2.840.10045.4.3.2";
const OID_ECDSA_SHA384 = "1.2.840.10045.4.3.3";
const OID_RSA_SHA256 = "1.2.840.113549.1.1.11";

const algorithmIdentifiers: Record<KeyAlgorithm, Buffer> = {
  // RFC 5758 3.2: ECDSA identifiers carry no parameters; RFC 4055 5: RSA ones carry NULL.
  ECDSA_P256: sequence(oid(OID_ECDSA_SHA256)),
  ECDSA_P384: sequence(oid(OID_ECDSA_SHA384)),
  RSA_2048: sequence(oid(OID_RSA_SHA256), derNull()),
  RSA_3072: sequence(oid(OID_RSA_SHA256), derNull()),
  RSA_4096: sequence(oid(OID_RSA_SHA256), derNull()),
};

/** DER AlgorithmIdentifier of the signatures a key of this type makes (the same bytes go into the TBS and the outer structure). */
export function signatureAlgorithmIdentifier(keyAlgorithm: KeyAlgorithm): Buffer {
  return algorithmIdentifiers[keyAlgorithm];
}

/** Which KeyAlgorithm a node key is, or undefined for anything the CA does not use. */
export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "ec") {
    if (details.namedCurve === "prime256v1") return "ECDSA_P256";
    if (details.namedCurve === "secp384r1") return "ECDSA_P384";
    return undefined;
  }
  if (key.asymmetricKeyType === "rsa") {
    if (details.modulusLength === 2048) return "RSA_2048";
    if (details.modulusLength === 3072) return "RSA_3072";
    if (details.modulusLength === 4096) return "RSA_4096";
  }
  return undefined;
}

/** A Signer over a private key held in this process. */
export class LocalKeySigner implements Signer {
  readonly keyAlgorithm: KeyAlgorithm;
  readonly publicKeySpki: Buffer;
  private readonly hash: "sha256" | "sha384";

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.type !== "private") throw new Error("LocalKeySigner needs a private key");
    const algorithm = keyAlgorithmOf(privateKey);
    if (!algorithm) throw new Error(`unsupported CA key type: ${privateKey.asymmetricKeyType}`);
    this.keyAlgorithm = algorithm;
    this.hash = signatureHash(algorithm);
    this.publicKeySpki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  }

  sign(data: Buffer): Promise<Buffer> {
    // The callback form runs in libuv's thread pool and keeps the event loop free.
    return new Promise((resolve, reject) => {
      cryptoSign(this.hash, data, { key: this.privateKey, dsaEncoding: "der" }, (err, signature) =>
        err ? reject(err) : resolve(signature),
      );
    });
  }
}

/** SEQUENCE { tbs, signatureAlgorithm, BIT STRING signature }: the shape of certificates, CRLs and CSRs. */
export async function signToBeSigned(signer: Signer, tbs: Buffer, ...trailing: Buffer[]): Promise<Buffer> {
  const signature = await signer.sign(tbs);
  return sequence(tbs, signatureAlgorithmIdentifier(signer.keyAlgorithm), bitString(signature), ...trailing);
}

/**
 * A to-be-signed structure written into a larger buffer, with {@link FRAME_HEAD_ROOM} octets free before
 * it and {@link frameTailRoom} after it: a large one (a CRL of 100 k entries) is then signed where it
 * lies instead of being copied into a new buffer of the same size on the event loop.
 */
export interface FramedTbs {
  frame: Buffer;
  at: number;
  length: number;
}

/** The outer SEQUENCE's tag and its length field: 0x84 and four octets at most (below 4 GiB). */
export const FRAME_HEAD_ROOM = 6;

/** The longest signature of each key type: DER Ecdsa-Sig-Value with both integers at full size, or the RSA modulus. */
const MAX_SIGNATURE_LENGTH: Record<KeyAlgorithm, number> = {
  ECDSA_P256: 72,
  ECDSA_P384: 104,
  RSA_2048: 256,
  RSA_3072: 384,
  RSA_4096: 512,
};

/** Room after a framed TBS for the signature algorithm and the BIT STRING of the longest signature. */
export function frameTailRoom(keyAlgorithm: KeyAlgorithm): number {
  const bits = 1 + MAX_SIGNATURE_LENGTH[keyAlgorithm];
  return algorithmIdentifiers[keyAlgorithm].length + 1 + lengthFieldSize(bits) + bits;
}

/**
 * {@link signToBeSigned} for a framed TBS: the signed structure is the frame's own octets around the TBS.
 * A signature longer than the room left (a signer that does not keep to its key type's DER) is copied
 * the ordinary way.
 */
export async function signFramedTbs(signer: Signer, framed: FramedTbs): Promise<Buffer> {
  const { frame, at, length } = framed;
  const tbs = frame.subarray(at, at + length);
  const signature = await signer.sign(tbs);
  const tail = Buffer.concat([signatureAlgorithmIdentifier(signer.keyAlgorithm), bitString(signature)]);
  const inner = length + tail.length;
  const start = at - 1 - lengthFieldSize(inner);
  const end = at + length + tail.length;
  if (start < 0 || end > frame.length) return sequence(tbs, tail);
  frame[start] = 0x30;
  writeLength(frame, start + 1, inner);
  tail.copy(frame, at + length);
  return frame.subarray(start, end);
}
