import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * RES-2 credentials: `ak_<publicId>_<secret>`. The public ID (12 characters) finds the row; the
 * secret (256 random bits) is stored only as its SHA-256 hash and compared in constant time.
 * A fast hash is right here: the secret has full entropy, so there is nothing to brute-force.
 */
const FORMAT = /^ak_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

export interface NewKeySecret {
  key: string;
  publicId: string;
  secretHash: Buffer;
}

export function generateKeySecret(): NewKeySecret {
  const idBytes = randomBytes(12);
  const publicId = Array.from(idBytes, (b) => ALPHABET[b % ALPHABET.length]).join("");
  const secret = randomBytes(32).toString("base64url");
  return { key: `ak_${publicId}_${secret}`, publicId, secretHash: hashSecret(secret) };
}

export function parseKey(key: string): { publicId: string; secret: string } | null {
  const m = FORMAT.exec(key);
  return m ? { publicId: m[1], secret: m[2] } : null;
}

function hashSecret(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const candidate = hashSecret(secret);
  return storedHash.length === candidate.length && timingSafeEqual(candidate, storedHash);
}
