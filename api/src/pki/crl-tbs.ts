import { explicit, integer, integerFromContent, sequence, tlv, x509Time } from "./der";
import {
  authorityKeyIdentifier,
  crlNumber as crlNumberExtension,
  issuingDistributionPoint,
  reasonCode,
} from "./extensions";
import { assertCrlLints } from "./lint";
import { canonicalSerialHex } from "./serial";

const split = (s: string): string[] => (s === "" ? [] : s.split(","));

/**
 * The revoked entries of one CRL, packed as strings so that handing them to the CRL worker thread
 * (pki/crl-worker.ts) is one copy rather than a structured clone of 100 k objects on the request
 * event loop: comma-separated serial hex, revocation times in whole epoch seconds, and reasons.
 */
export type PackedCrlEntries =
  | { count: number; serials: string; revokedAtSeconds: string; reasons: string }
  /** As PostgreSQL aggregates them (status/crl.service.ts): "serial seconds reason" per entry, comma-separated. */
  | { count: number; combined: string };

function unpack(entries: PackedCrlEntries): { serials: string[]; times: string[]; reasons: string[] } {
  if (!("combined" in entries))
    return { serials: split(entries.serials), times: split(entries.revokedAtSeconds), reasons: split(entries.reasons) };
  const items = split(entries.combined);
  const serials = new Array<string>(items.length);
  const times = new Array<string>(items.length);
  const reasons = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) {
    const parts = items[i].split(" ");
    if (parts.length !== 3) throw new Error("CRL entries: malformed packed entry");
    serials[i] = parts[0]!;
    times[i] = parts[1]!;
    reasons[i] = parts[2]!;
  }
  return { serials, times, reasons };
}

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
}

/** Serials are stored canonical (minimal positive INTEGER content); anything else goes the long way. */
const CANONICAL_SERIAL = /^(?:0[1-9a-f]|[1-7][0-9a-f]|00[89a-f][0-9a-f])(?:[0-9a-f]{2}){0,19}$/;

const pad2 = (n: number) => (n < 10 ? "0" : "") + n;

/**
 * One revokedCertificates entry, written straight into one buffer: at 100 k entries the generic
 * builders (a Buffer.concat per TLV, the reasonCode extension's OID parsed every time) cost ~10 s;
 * this writes the same DER (test/pki/crl.test.ts compares it with the generic builders') at a fraction.
 */
function entryDer(serialHex: string, seconds: number, reasonExt: Buffer | null): Buffer {
  const serial = Buffer.from(CANONICAL_SERIAL.test(serialHex) ? serialHex : canonicalSerialHex(serialHex), "hex");
  const date = new Date(seconds * 1000);
  const year = date.getUTCFullYear();
  let time: Buffer;
  if (year >= 1950 && year <= 2049) {
    time = Buffer.allocUnsafe(15);
    time[0] = 0x17; // UTCTime
    time[1] = 13;
    time.write(
      pad2(year % 100) +
        pad2(date.getUTCMonth() + 1) +
        pad2(date.getUTCDate()) +
        pad2(date.getUTCHours()) +
        pad2(date.getUTCMinutes()) +
        pad2(date.getUTCSeconds()) +
        "Z",
      2,
      "ascii",
    );
  } else {
    time = x509Time(date);
  }
  const inner = 2 + serial.length + time.length + (reasonExt?.length ?? 0);
  if (inner >= 0x80) {
    return sequence(integerFromContent(serial), time, ...(reasonExt ? [reasonExt] : []));
  }
  const out = Buffer.allocUnsafe(2 + inner);
  out[0] = 0x30;
  out[1] = inner;
  out[2] = 0x02;
  out[3] = serial.length;
  serial.copy(out, 4);
  time.copy(out, 4 + serial.length);
  if (reasonExt) reasonExt.copy(out, 4 + serial.length + time.length);
  return out;
}

/**
 * TBSCertList (RFC 5280 5.1.2) in DER. REV-1: `unspecified` is written by leaving the reasonCode out, and
 * then the entry has no crlEntryExtensions at all; with no entries revokedCertificates is absent.
 */
export function buildCrlTbs(input: CrlTbsInput): Buffer {
  const { serials, times, reasons } = unpack(input.entries);
  if (serials.length !== input.entries.count || times.length !== serials.length || reasons.length !== serials.length) {
    throw new Error("CRL entries: serials, times and reasons differ in number");
  }
  // crlEntryExtensions per reason, encoded once: SEQUENCE { reasonCode }; none for unspecified (REV-1).
  const extensionsOf = new Map<string, Buffer | null>();
  for (const [reason, code] of Object.entries(input.reasonCodes))
    extensionsOf.set(reason, code === 0 ? null : sequence(reasonCode(code)));
  const entries = new Array<Buffer>(serials.length);
  for (let i = 0; i < serials.length; i++) {
    const ext = extensionsOf.get(reasons[i]);
    if (ext === undefined) throw new Error(`revocation reason ${reasons[i]} is not allowed (REV-1)`);
    const seconds = Number(times[i]);
    if (!Number.isSafeInteger(seconds)) throw new Error(`bad revocation time ${times[i]}`);
    entries[i] = entryDer(serials[i], seconds, ext);
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

/**
 * The TBSCertList, built and then linted (issue 15.6: a TBS that breaks RFC 5280 section 5 is never
 * returned, so never signed). Both happen wherever the TBS is built: for a large CRL that is the CRL
 * worker thread, where the lint's walk over 100 k entries (about half a second) does not hold the
 * event loop that answers requests.
 */
export function buildLintedCrlTbs(input: CrlTbsInput): Buffer {
  const tbs = buildCrlTbs(input);
  const issuer = {
    subjectName: Buffer.from(input.issuerName),
    spki: Buffer.from(input.issuerSpki),
    keyId: Buffer.from(input.issuerKeyId),
  };
  assertCrlLints(tbs, { issuer }, Buffer.from(input.algorithmIdentifier));
  return tbs;
}
