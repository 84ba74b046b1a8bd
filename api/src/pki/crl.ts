import { wholeSeconds } from "./certificate-builder";
import { assertSignerMatches, issuerContext } from "./certificate-der";
import type { PackedCrlEntries } from "./crl-tbs";
export type { PackedCrlEntries };
import { buildCrlTbsOffThread } from "./crl-thread";
export { startCrlThread } from "./crl-thread";
import { REVOCATION_REASON_CODES, type RevocationReason } from "../domain/revocation-policy";
import { frameTailRoom, signatureAlgorithmIdentifier, signFramedTbs, type Signer } from "./signer";

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
  /** Must strictly increase from one CRL to the next of the same scope (the caller keeps the counter). */
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  /** Either a list, or (for large CRLs, straight from SQL) the packed form. */
  entries: CrlEntry[] | PackedCrlEntries;
  /**
   * STAT-1: when the CRL covers only part of the CA's certificates (one shard, or the legacy list next
   * to shards), its own URL: written as a critical Issuing Distribution Point with onlyContainsUserCerts.
   */
  idpUrl?: string | null;
  /** Build in the worker thread whatever the size (tests of that path). */
  forceThread?: boolean;
}

export function packCrlEntries(entries: CrlEntry[]): PackedCrlEntries {
  for (const e of entries) revocationReasonCode(e.reason);
  return {
    count: entries.length,
    combined: entries
      .map((e) => `${e.serialHex} ${Math.floor(wholeSeconds(e.revokedAt).getTime() / 1000)} ${e.reason}`)
      .join(","),
  };
}

/**
 * STAT-1: a v2 CRL (RFC 5280 5.1) in DER, signed through the issuer's Signer, with AKI, CRLNumber and,
 * for a partial CRL, an Issuing Distribution Point. REV-1: `unspecified` is written by leaving the
 * reasonCode out (pki/crl-tbs.ts). The TBS of a large CRL is built in a worker thread and the
 * signature is made in libuv's pool (LocalKeySigner), so neither runs on this event loop.
 */
export async function buildCrl(input: BuildCrlInput): Promise<Buffer> {
  const issuer = issuerContext(input.issuer.certDer);
  assertSignerMatches(issuer, input.issuer.signer.publicKeySpki);
  if (input.crlNumber < 0n || input.crlNumber >= 1n << 159n)
    throw new Error("CRLNumber must be 0 … 2^159-1 (RFC 5280 5.2.3)");
  if (!(input.nextUpdate.getTime() > input.thisUpdate.getTime()))
    throw new Error("nextUpdate must be after thisUpdate");
  const entries = Array.isArray(input.entries) ? packCrlEntries(input.entries) : input.entries;
  const tbs = await buildCrlTbsOffThread(
    {
      algorithmIdentifier: signatureAlgorithmIdentifier(input.issuer.signer.keyAlgorithm),
      issuerName: issuer.subjectName,
      issuerKeyId: issuer.keyId,
      issuerSpki: issuer.spki,
      crlNumber: input.crlNumber,
      thisUpdateMs: wholeSeconds(input.thisUpdate).getTime(),
      nextUpdateMs: wholeSeconds(input.nextUpdate).getTime(),
      idpUrl: input.idpUrl ?? null,
      entries,
      reasonCodes: REVOCATION_REASON_CODE,
      tailRoom: frameTailRoom(input.issuer.signer.keyAlgorithm),
    },
    input.forceThread ?? false,
  );
  // Issue 15.6: the one place CRLs are signed; the TBS has passed the lint where it was built.
  return signFramedTbs(input.issuer.signer, tbs);
}
