import { parsePackedEntries, writeEntries, type ReasonExtension } from "./crl-entry-writer";
import { explicit, integer, lengthFieldSize, sequence, writeLength, x509Time } from "./der";
import {
  authorityKeyIdentifier,
  crlNumber as crlNumberExtension,
  issuingDistributionPoint,
  reasonCode,
} from "./extensions";
import { assertCrlLints, type LintedEntries } from "./lint";
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
 * The revokedCertificates list of a CRL built before, and the packed text it was written from. Each
 * entry's octets depend on its own "serial seconds reason" item alone, so a text that is this one plus
 * more items after a comma is written as these octets plus the new items' (the CRL thread keeps one
 * per scope: pki/crl-entries-memory.ts), when the reason table is the same (an entry's octets depend on
 * it too). It is also what the lint passed (`sortedKeys`).
 */
export interface EarlierEntries extends LintedEntries {
  packed: string;
  /** The reason table the octets were written with (reasonTableKey). */
  reasons: string;
}

/** A reason table as a string, to tell whether two builds wrote reasons alike. */
const reasonTableKey = (reasonCodes: Readonly<Record<string, number>>): string => JSON.stringify(reasonCodes);

/** A framed TBSCertList, and where its list's content lies in the frame (`entriesLength` 0: no list). */
export interface BuiltCrlTbs extends FramedTbs {
  entriesAt: number;
  entriesLength: number;
  /** Entries copied from `earlier` rather than written from text. */
  reusedEntries: number;
}

const COMMA = 0x2c;

/** Whether `entries` is `earlier`'s text, or that text followed by a comma and more items. */
function extendsEarlier(input: CrlTbsInput, earlier: EarlierEntries | null): earlier is EarlierEntries {
  const entries = input.entries;
  if (!earlier || earlier.count === 0 || earlier.octets.length === 0 || entries.count < earlier.count) return false;
  if (earlier.reasons !== reasonTableKey(input.reasonCodes)) return false;
  const text = entries.combined;
  const known = earlier.packed;
  if (text.length === known.length) return entries.count === earlier.count && text === known;
  return text.length > known.length + 1 && text.charCodeAt(known.length) === COMMA && text.startsWith(known);
}

/**
 * TBSCertList (RFC 5280 5.1.2) in DER, framed in one buffer of its own with room for the signature
 * around it (the worker thread hands the buffer back without a copy, and the CRL is signed in it). REV-1: `unspecified` is written by leaving the reasonCode out, and then the entry has no
 * crlEntryExtensions at all; with no entries revokedCertificates is absent. When the entries extend
 * `earlier`'s, its octets are copied and only the new items are read and written.
 */
export function buildCrlTbs(input: CrlTbsInput, earlier: EarlierEntries | null = null): BuiltCrlTbs {
  // crlEntryExtensions per reason, encoded once: SEQUENCE { reasonCode }; none for unspecified (REV-1).
  const reasons: ReasonExtension[] = Object.entries(input.reasonCodes).map(([name, code]) => ({
    name,
    der: code === 0 ? null : sequence(reasonCode(code)),
  }));
  const reuse = extendsEarlier(input, earlier) ? earlier : null;
  const entries = reuse
    ? parsePackedEntries(
        input.entries.combined.slice(reuse.packed.length + 1),
        input.entries.count - reuse.count,
        reasons,
      )
    : parsePackedEntries(input.entries.combined, input.entries.count, reasons);
  const entriesLength = (reuse?.octets.length ?? 0) + entries.totalLength;
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
  const list = entriesLength ? 1 + lengthFieldSize(entriesLength) + entriesLength : 0;
  const inner = head.length + list + extensions.length;
  const length = 1 + lengthFieldSize(inner) + inner;
  const out = Buffer.allocUnsafeSlow(FRAME_HEAD_ROOM + length + input.tailRoom);
  out[FRAME_HEAD_ROOM] = 0x30;
  let at = writeLength(out, FRAME_HEAD_ROOM + 1, inner);
  at += head.copy(out, at);
  let entriesAt = at;
  if (entriesLength) {
    out[at++] = 0x30;
    at = writeLength(out, at, entriesLength);
    entriesAt = at;
    if (reuse) at += reuse.octets.copy(out, at);
    at = writeEntries(out, at, entries, reasons);
  }
  at += extensions.copy(out, at);
  if (at !== FRAME_HEAD_ROOM + length)
    throw new Error("CRL: the TBSCertList came out at another length than it was sized");
  return { frame: out, at: FRAME_HEAD_ROOM, length, entriesAt, entriesLength, reusedEntries: reuse?.count ?? 0 };
}

/**
 * The TBSCertList, built and then linted (issue 15.6: a TBS that breaks RFC 5280 section 5 is never
 * returned, so never signed). Both happen wherever the TBS is built: for a large CRL that is the CRL
 * worker thread, where the lint's walk over 100 k entries does not hold the event loop that answers
 * requests. With `earlier`, entries it holds are neither written nor walked again (see EarlierEntries);
 * `next` is what a later build of the same scope may start from, when `remember` asks for it.
 */
export function buildLintedCrlTbs(
  input: CrlTbsInput,
  earlier: EarlierEntries | null = null,
  remember = false,
): { tbs: BuiltCrlTbs; next: EarlierEntries | null } {
  const built = buildCrlTbs(input, earlier);
  const tbs = built.frame.subarray(built.at, built.at + built.length);
  const issuer = {
    subjectName: Buffer.from(input.issuerName),
    spki: Buffer.from(input.issuerSpki),
    keyId: Buffer.from(input.issuerKeyId),
  };
  const { sortedSerialKeys } = assertCrlLints(tbs, { issuer }, Buffer.from(input.algorithmIdentifier), earlier);
  const next =
    remember && sortedSerialKeys && built.entriesLength > 0
      ? {
          packed: input.entries.combined,
          count: input.entries.count,
          reasons: reasonTableKey(input.reasonCodes),
          // A copy: the frame goes to the thread that signs it.
          octets: Buffer.from(built.frame.subarray(built.entriesAt, built.entriesAt + built.entriesLength)),
          sortedKeys: sortedSerialKeys,
        }
      : null;
  return { tbs: built, next };
}
