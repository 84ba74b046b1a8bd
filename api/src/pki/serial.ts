import { randomBytes } from "node:crypto";
import { integerContent } from "./der";

/**
 * Serial numbers travel as lower-case hex of the DER INTEGER content octets (two's complement,
 * minimal): exactly what the certificate, the CRL and an OCSP CertID carry, so they compare as strings.
 */

/** Canonical form of a serial given as hex (any case, optional colons/spaces, optional leading zeros). Throws if not a positive integer of at most 20 octets (RFC 5280 4.1.2.2). */
export function canonicalSerialHex(input: string): string {
  const cleaned = input.replace(/[\s:]/g, "").toLowerCase();
  if (!/^[0-9a-f]+$/.test(cleaned)) throw new Error(`serial number is not hex: ${JSON.stringify(input)}`);
  const value = BigInt("0x" + cleaned);
  if (value <= 0n) throw new Error("serial number must be positive");
  const content = integerContent(value);
  if (content.length > 20) throw new Error("serial number longer than 20 octets");
  return content.toString("hex");
}

/** Serial from the content octets of a DER INTEGER (as found in certificates, CRLs and OCSP requests). */
export function serialHexFromContent(content: Buffer | ArrayBuffer | Uint8Array): string {
  return Buffer.from(content instanceof ArrayBuffer ? new Uint8Array(content) : content).toString("hex");
}

/** 16 CSPRNG bytes with the top bit cleared (positive) and not zero, in canonical form. */
export function newSerialHex(): string {
  for (;;) {
    const bytes = randomBytes(16);
    bytes[0] &= 0x7f;
    const value = BigInt("0x" + bytes.toString("hex"));
    if (value !== 0n) return integerContent(value).toString("hex");
  }
}
