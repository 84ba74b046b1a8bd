import { explicit, integer, integerFromContent, sequence, tlv, x509Time } from "./der";
import { authorityKeyIdentifier, crlNumber as crlNumberExtension, issuingDistributionPoint, reasonCode } from "./extensions";
import { canonicalSerialHex } from "./serial";

/**
 * The revoked entries of one CRL, packed as three strings so that handing them to the CRL worker
 * thread (pki/crl-worker.ts) is one copy each rather than a structured clone of 100 k objects on the
 * request event loop: comma-separated serial hex, revocation times in whole epoch seconds, and reasons.
 */
export interface PackedCrlEntries {
  count: number;
  serials: string;
  revokedAtSeconds: string;
  reasons: string;
}

/** Everything the to-be-signed CRL needs, in plain data (structured-clonable: it crosses to the worker). */
export interface CrlTbsInput {
  algorithmIdentifier: Uint8Array;
  issuerName: Uint8Array;
  issuerKeyId: Uint8Array;
  crlNumber: bigint;
  thisUpdateMs: number;
  nextUpdateMs: number;
  /** STAT-1: the CRL's own URL when it covers only part of the CA's certificates (a shard, or the legacy list). */
  idpUrl: string | null;
  entries: PackedCrlEntries;
  /** REV-1's reason → RFC 5280 code table (passed in, so the worker does not load the domain). */
  reasonCodes: Readonly<Record<string, number>>;
}

const split = (s: string): string[] => (s === "" ? [] : s.split(","));

/**
 * TBSCertList (RFC 5280 5.1.2) in DER. REV-1: `unspecified` is written by leaving the reasonCode out, and
 * then the entry has no crlEntryExtensions at all; with no entries revokedCertificates is absent.
 */
export function buildCrlTbs(input: CrlTbsInput): Buffer {
  const serials = split(input.entries.serials);
  const times = split(input.entries.revokedAtSeconds);
  const reasons = split(input.entries.reasons);
  if (serials.length !== input.entries.count || times.length !== serials.length || reasons.length !== serials.length) {
    throw new Error("CRL entries: serials, times and reasons differ in number");
  }
  const entries: Buffer[] = new Array(serials.length);
  for (let i = 0; i < serials.length; i++) {
    const code = input.reasonCodes[reasons[i]!];
    if (code === undefined) throw new Error(`revocation reason ${reasons[i]} is not allowed (REV-1)`);
    entries[i] = sequence(
      integerFromContent(Buffer.from(canonicalSerialHex(serials[i]!), "hex")),
      x509Time(new Date(Number(times[i]) * 1000)),
      ...(code === 0 ? [] : [sequence(reasonCode(code))]),
    );
  }
  const extensions = [
    authorityKeyIdentifier(Buffer.from(input.issuerKeyId)),
    crlNumberExtension(input.crlNumber),
    ...(input.idpUrl === null ? [] : [issuingDistributionPoint(input.idpUrl)]),
  ];
  return sequence(
    integer(1), // v2
    Buffer.from(input.algorithmIdentifier),
    Buffer.from(input.issuerName),
    x509Time(new Date(Math.floor(input.thisUpdateMs / 1000) * 1000)),
    x509Time(new Date(Math.floor(input.nextUpdateMs / 1000) * 1000)),
    ...(entries.length ? [tlv(0x30, Buffer.concat(entries))] : []),
    explicit(0, sequence(...extensions)),
  );
}
