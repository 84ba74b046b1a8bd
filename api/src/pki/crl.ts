import { wholeSeconds } from "./certificate-builder";
import { assertSignerMatches, issuerContext } from "./certificate-der";
import { explicit, integer, integerFromContent, sequence, x509Time } from "./der";
import { authorityKeyIdentifier, crlNumber as crlNumberExtension, reasonCode } from "./extensions";
import { assertCrlLints } from "./lint";
import { canonicalSerialHex } from "./serial";
import { REVOCATION_REASON_CODES, type RevocationReason } from "../domain/revocation-policy";
import { signatureAlgorithmIdentifier, signToBeSigned, type Signer } from "./signer";

// REV-1: the reasons and their RFC 5280 codes are the domain's (one list); the CA writes them.
export type { RevocationReason };
export const REVOCATION_REASON_CODE = REVOCATION_REASON_CODES;

export function revocationReasonCode(reason: RevocationReason): number {
  const code = REVOCATION_REASON_CODE[reason];
  if (code === undefined) throw new Error(`revocation reason ${String(reason)} is not allowed (REV-1)`);
  return code;
}

export interface CrlEntry {
  serialHex: string;
  revokedAt: Date;
  reason: RevocationReason;
}

export interface BuildCrlInput {
  issuer: { certDer: Buffer; signer: Signer };
  /** Must strictly increase from one CRL to the next (the caller keeps the counter). */
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: CrlEntry[];
}

/**
 * STAT-1: a v2 CRL (RFC 5280 5.1) in DER, signed through the issuer's Signer, with AKI and CRLNumber.
 * REV-1: `unspecified` is written by leaving the reasonCode out, and then the entry has no
 * crlEntryExtensions at all; with no entries the revokedCertificates field is absent.
 */
export async function buildCrl(input: BuildCrlInput): Promise<Buffer> {
  const issuer = issuerContext(input.issuer.certDer);
  assertSignerMatches(issuer, input.issuer.signer.publicKeySpki);
  if (input.crlNumber < 0n || input.crlNumber >= 1n << 159n) throw new Error("CRLNumber must be 0 … 2^159-1 (RFC 5280 5.2.3)");
  if (!(input.nextUpdate.getTime() > input.thisUpdate.getTime())) throw new Error("nextUpdate must be after thisUpdate");
  const entries = input.entries.map((e) => {
    const code = revocationReasonCode(e.reason);
    return sequence(
      integerFromContent(Buffer.from(canonicalSerialHex(e.serialHex), "hex")),
      x509Time(wholeSeconds(e.revokedAt)),
      ...(code === 0 ? [] : [sequence(reasonCode(code))]),
    );
  });
  const tbs = sequence(
    integer(1), // v2
    signatureAlgorithmIdentifier(input.issuer.signer.keyAlgorithm),
    issuer.subjectName,
    x509Time(wholeSeconds(input.thisUpdate)),
    x509Time(wholeSeconds(input.nextUpdate)),
    ...(entries.length ? [sequence(...entries)] : []),
    explicit(0, sequence(authorityKeyIdentifier(issuer.keyId), crlNumberExtension(input.crlNumber))),
  );
  // Issue 15.6: the one place CRLs are signed; a TBS that breaks RFC 5280 section 5 is never signed.
  assertCrlLints(tbs, { issuer: { subjectName: issuer.subjectName, spki: issuer.spki, keyId: issuer.keyId } }, signatureAlgorithmIdentifier(input.issuer.signer.keyAlgorithm));
  return signToBeSigned(input.issuer.signer, tbs);
}
