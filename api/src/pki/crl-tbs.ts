import { parsePackedEntries, writeEntries, type ReasonExtension } from "./crl-entry-writer";
import { explicit, integer, lengthFieldSize, sequence, writeLength, x509Time } from "./der";
import {
  authorityKeyIdentifier,
  crlNumber as crlNumberExtension,
  issuingDistributionPoint,
  reasonCode,
} from "./extensions";
import { assertCrlLints } from "./lint";
import { FRAME_HEAD_ROOM, type FramedTbs } from "./signer";

/**
 * The revoked entries of one CRL, packed as one string so that handing them to the CRL worker thread
 * (pki/crl-worker.ts) is one copy rather than a structured clone of 100 k objects on the request event
 * loop: "serial seconds reason" per entry (serial hex, revocation time in whole epoch seconds, REV-1
 * reason), comma-separated, as PostgreSQL aggregates them (status/crl.service.ts).
 */
export type PackedCrlEntries = { count: number; combined: string };

/** Everything the to-be-signed CRL needs, in plain data (structured-clonable: it crosses to the worker). */
export interface CrlTbsInput {
  algorithmIdentifier: Uint8Array;
  issuerName: Uint8Array;
  issuerKeyId: Uint8Array;
  /** The issuer's SubjectPublicKeyInfo (the lint checks the profile against it). */
  issuerSpki: Uint8Array;
  crlNumber: bigint;
  thisUpdateMs: number;
  nextUpdateMs: number;
  /** STAT-1: the CRL's own URL when it covers only part of the CA's certificates (a shard, or the legacy list). */
  idpUrl: string | null;
  entries: PackedCrlEntries;
  /** REV-1's reason → RFC 5280 code table (passed in, so the worker does not load the domain). */
  reasonCodes: Readonly<Record<string, number>>;
  /** Octets to leave free after the TBS for the signature algorithm and signature (signer.ts frameTailRoom). */
  tailRoom: number;
}

/**
 * TBSCertList (RFC 5280 5.1.2) in DER, framed in one buffer of its own with room for the signature
 * around it (the worker thread hands the buffer back without a copy, and the CRL is signed in it). REV-1: `unspecified` is written by leaving the reasonCode out, and then the entry has no
 * crlEntryExtensions at all; with no entries revokedCertificates is absent.
 */
export function buildCrlTbs(input: CrlTbsInput): FramedTbs {
  // crlEntryExtensions per reason, encoded once: SEQUENCE { reasonCode }; none for unspecified (REV-1).
  const reasons: ReasonExtension[] = Object.entries(input.reasonCodes).map(([name, code]) => ({
    name,
    der: code === 0 ? null : sequence(reasonCode(code)),
  }));
  const entries = parsePackedEntries(input.entries.combined, input.entries.count, reasons);
  const head = Buffer.concat([
    integer(1), // v2
    Buffer.from(input.algorithmIdentifier),
    Buffer.from(input.issuerName),
    x509Time(new Date(Math.floor(input.thisUpdateMs / 1000) * 1000)),
    x509Time(new Date(Math.floor(input.nextUpdateMs / 1000) * 1000)),
  ]);
  const extensions = explicit(
    0,
    sequence(
      authorityKeyIdentifier(Buffer.from(input.issuerKeyId)),
      crlNumberExtension(input.crlNumber),
      ...(input.idpUrl === null ? [] : [issuingDistributionPoint(input.idpUrl)]),
    ),
  );
  const list = entries.count ? 1 + lengthFieldSize(entries.totalLength) + entries.totalLength : 0;
  const inner = head.length + list + extensions.length;
  const length = 1 + lengthFieldSize(inner) + inner;
  const out = Buffer.allocUnsafeSlow(FRAME_HEAD_ROOM + length + input.tailRoom);
  out[FRAME_HEAD_ROOM] = 0x30;
  let at = writeLength(out, FRAME_HEAD_ROOM + 1, inner);
  at += head.copy(out, at);
  if (entries.count) {
    out[at++] = 0x30;
    at = writeLength(out, at, entries.totalLength);
    at = writeEntries(out, at, entries, reasons);
  }
  at += extensions.copy(out, at);
  if (at !== FRAME_HEAD_ROOM + length)
    throw new Error("CRL: the TBSCertList came out at another length than it was sized");
  return { frame: out, at: FRAME_HEAD_ROOM, length };
}

/**
 * The TBSCertList, built and then linted (issue 15.6: a TBS that breaks RFC 5280 section 5 is never
 * returned, so never signed). Both happen wherever the TBS is built: for a large CRL that is the CRL
 * worker thread, where the lint's walk over 100 k entries (about a tenth of a second) does not hold the
 * event loop that answers requests.
 */
export function buildLintedCrlTbs(input: CrlTbsInput): FramedTbs {
  const framed = buildCrlTbs(input);
  const tbs = framed.frame.subarray(framed.at, framed.at + framed.length);
  const issuer = {
    subjectName: Buffer.from(input.issuerName),
    spki: Buffer.from(input.issuerSpki),
    keyId: Buffer.from(input.issuerKeyId),
  };
  assertCrlLints(tbs, { issuer }, Buffer.from(input.algorithmIdentifier));
  return framed;
}
