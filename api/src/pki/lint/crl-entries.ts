import { childrenOf, readTlv, TAG, type Tlv } from "../der";
import { checkIntegerContent } from "./common";
import { isDateTime, plainTimeLength } from "./der-time";
import { Findings } from "./lint-error";

/**
 * The revoked-certificates list of a TBSCertList, read on its own (not by the encoder that wrote it).
 * @peculiar/asn1-x509 decodes the rest of the CRL; for the list it costs about 80 µs an entry (2.4 s
 * for 30,000 in asn1js alone), which would make a large CRL late (STAT-1: within seconds). This walk is
 * linear and checks what RFC 5280 5.1.2.6 and 5.3 ask of an entry: in place for the one shape this CA
 * writes, and with pki/der.ts's strict reader (the one CSRs are read with) for anything else.
 */

const OID_REASON_CODE = Buffer.from([0x55, 0x1d, 0x15]); // 2.5.29.21
const OID_INVALIDITY_DATE = Buffer.from([0x55, 0x1d, 0x18]); // 2.5.29.24

/** UTCTime YYMMDDHHMMSSZ for 1950–2049, GeneralizedTime YYYYMMDDHHMMSSZ otherwise (RFC 5280 5.1.2.4). */
function checkEntryTime(f: Findings, t: Tlv, what: string): void {
  const text = t.value.toString("latin1");
  const m =
    t.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : t.tag === TAG.GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (!m) {
    f.error("e_crl_time_encoding", `${what} is not a DER UTCTime or GeneralizedTime`);
    return;
  }
  const year = t.tag === TAG.UTC_TIME ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  const [month, day, hour, minute, second] = m.slice(2).map(Number);
  f.check(
    isDateTime(year, month, day, hour, minute, second),
    "e_crl_time_encoding",
    `${what} is not a calendar date and time`,
  );
  if (year >= 1950 && year < 2050)
    f.check(t.tag === TAG.UTC_TIME, "e_crl_time_encoding", `${what} in ${year} must be UTCTime`);
  else f.check(t.tag === TAG.GENERALIZED_TIME, "e_crl_time_encoding", `${what} in ${year} must be GeneralizedTime`);
}

function checkEntryExtensions(f: Findings, list: Tlv, hex: string, allowedReasons: ReadonlySet<number>): void {
  const exts = childrenOf(list);
  f.check(exts.length > 0, "e_crl_entry_empty_extensions", `entry ${hex} has an empty crlEntryExtensions`);
  const seen = new Set<string>();
  for (const ext of exts) {
    const parts = ext.tag === TAG.SEQUENCE ? childrenOf(ext) : [];
    const [oid, second, third] = parts;
    if (!oid || oid.tag !== TAG.OID || !second || parts.length > 3) {
      f.error("e_crl_reason_invalid", `entry ${hex}: an extension is not SEQUENCE { OID, [critical], OCTET STRING }`);
      continue;
    }
    const id = oid.value;
    const key = id.toString("hex");
    if (seen.has(key)) f.error("e_crl_entry_ext_duplicate", `entry ${hex}: extension ${key} twice`);
    seen.add(key);
    const critical = second.tag === TAG.BOOLEAN;
    // DER never writes the default: a critical field present must say TRUE, and TRUE is not allowed here.
    if (critical) f.error("e_crl_entry_ext_critical", `entry ${hex}: extension ${key} carries a critical flag`);
    const value = critical ? third : second;
    if (!value || value.tag !== TAG.OCTET_STRING) {
      f.error("e_crl_reason_invalid", `entry ${hex}: extension ${key} has no OCTET STRING value`);
      continue;
    }
    if (id.equals(OID_REASON_CODE)) {
      let reason: Tlv | undefined;
      try {
        reason = readTlv(value.value);
      } catch {
        reason = undefined;
      }
      if (
        !reason ||
        reason.tag !== TAG.ENUMERATED ||
        reason.raw.length !== value.value.length ||
        reason.value.length !== 1
      ) {
        f.error("e_crl_reason_invalid", `entry ${hex}: reasonCode is not one ENUMERATED octet`);
        continue;
      }
      const code = reason.value[0];
      if (code === 0)
        f.error(
          "e_crl_reason_unspecified",
          `entry ${hex}: unspecified must be written by leaving reasonCode out (BR 7.2.2)`,
        );
      else f.check(allowedReasons.has(code), "e_crl_reason_not_allowed", `entry ${hex}: reason code ${code}`);
    } else f.check(id.equals(OID_INVALIDITY_DATE), "e_crl_entry_ext_unknown", `entry ${hex}: extension ${key}`);
  }
}

/** crlEntryExtensions holding only a reasonCode: SEQUENCE { SEQUENCE { OID 2.5.29.21, OCTET STRING { ENUMERATED } } }. */
const REASON_ONLY_PREFIX = Buffer.from([0x30, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01]);

/**
 * The length of the entry at `at` when it has the one shape this CA writes and every check of the long
 * walk would pass it: SEQUENCE { INTEGER (positive, minimal, ≤ 20 octets), revocationDate,
 * [ crlEntryExtensions with one allowed reasonCode ] }, all with short-form lengths. Otherwise -1, and
 * the entry is read the long way, which says what is wrong. Reading by offset allocates nothing, so a
 * large CRL's lint makes no garbage per entry (see pki/crl-entry-writer.ts for why that matters).
 */
export function plainEntryLength(b: Buffer, at: number, allowedReasons: ReadonlySet<number>): number {
  if (b[at] !== TAG.SEQUENCE || b[at + 1] >= 0x80) return -1;
  const end = at + 2 + b[at + 1];
  if (end > b.length) return -1;
  let p = at + 2;
  const serialLength = b[p + 1];
  if (b[p] !== TAG.INTEGER || serialLength < 1 || serialLength > 20 || p + 2 + serialLength > end) return -1;
  const first = b[p + 2];
  if (first >= 0x80) return -1; // negative
  if (first === 0 && (serialLength === 1 || b[p + 3] < 0x80)) return -1; // zero, or a redundant leading zero
  p += 2 + serialLength;
  const time = plainTimeLength(b, p);
  if (time < 0) return -1;
  p += time;
  if (p === end) return end - at;
  const q = p + REASON_ONLY_PREFIX.length;
  if (q + 1 !== end) return -1;
  // A byte loop, not Buffer#compare: a native call per entry cost more than the 13 octets it compares.
  for (let k = 0; k < REASON_ONLY_PREFIX.length; k++) if (b[p + k] !== REASON_ONLY_PREFIX[k]) return -1;
  const code = b[q];
  return code !== 0 && allowedReasons.has(code) ? end - at : -1;
}

/** A 52-bit hash of a serial's octets, to find repeated serials without a string per entry. */
function serialKey(b: Buffer, at: number, length: number): number {
  let h1 = 0x811c9dc5 ^ length;
  let h2 = 0x01000193 + length;
  for (let i = at; i < at + length; i++) {
    h1 = Math.imul(h1 ^ b[i], 0x01000193);
    h2 = Math.imul(h2 + b[i], 0x5bd1e995) ^ (h2 >>> 15);
  }
  return (h1 >>> 0) * 0x200000 + (h2 >>> 11);
}

/** The serial keys of a list's entries, in order, as the walk found their serials. */
function serialKeys(b: Buffer, serialAt: Int32Array, serialLength: Int32Array, n: number): Float64Array {
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = serialKey(b, serialAt[i], serialLength[i]);
  return keys;
}

/**
 * RFC 5280 5.1.2.6: one entry per certificate. Serials whose hashes clash are compared in full.
 * Returns the keys sorted (what a later walk of a longer list checks its new serials against).
 */
function reportDuplicateSerials(
  f: Findings,
  b: Buffer,
  serialAt: Int32Array,
  serialLength: Int32Array,
  n: number,
): Float64Array {
  const keys = serialKeys(b, serialAt, serialLength, n);
  const sorted = keys.slice().sort();
  let clashing: Set<number> | null = null;
  for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) (clashing ??= new Set()).add(sorted[i]);
  if (!clashing) return sorted;
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    if (!clashing.has(keys[i])) continue;
    const hex = b.toString("hex", serialAt[i], serialAt[i] + serialLength[i]);
    if (seen.has(hex)) f.error("e_crl_entry_duplicate_serial", `serial ${hex} is listed twice`);
    seen.add(hex);
  }
  return sorted;
}

/** Whether sorted `keys` holds `key`. */
function holdsKey(keys: Float64Array, key: number): boolean {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] === key) return true;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Two sorted key lists as one. */
function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/**
 * The entry at `at` of the list `b`, decoded and checked part by part. Returns where the next entry
 * starts (-1 when the list cannot be read on) and where its serial's octets are (length -1: none).
 */
export function lintEntryInFull(
  f: Findings,
  b: Buffer,
  at: number,
  count: number,
  allowedReasons: ReadonlySet<number>,
): { next: number; serialAt: number; serialLength: number } {
  let entry: Tlv;
  try {
    entry = readTlv(b, at);
  } catch (err) {
    f.error("e_crl_tbs_not_der", `revokedCertificates: ${(err as Error).message}`);
    return { next: -1, serialAt: 0, serialLength: -1 };
  }
  const next = at + entry.raw.length;
  let parts: Tlv[];
  try {
    parts = entry.tag === TAG.SEQUENCE ? childrenOf(entry) : [];
  } catch (err) {
    f.error("e_crl_tbs_not_der", `revokedCertificates entry ${count}: ${(err as Error).message}`);
    return { next, serialAt: 0, serialLength: -1 };
  }
  const [serial, date, exts] = parts;
  if (!serial || serial.tag !== TAG.INTEGER || !date || parts.length > 3 || (exts && exts.tag !== TAG.SEQUENCE)) {
    f.error(
      "e_crl_tbs_undecodable",
      `revokedCertificates entry ${count} is not SEQUENCE { INTEGER, Time, [extensions] }`,
    );
    return { next, serialAt: 0, serialLength: -1 };
  }
  const hex = serial.value.toString("hex");
  checkIntegerContent(f, serial.value, "crl_entry_serial", `entry serial ${hex}`, false);
  checkEntryTime(f, date, `revocationDate of ${hex}`);
  try {
    if (exts) checkEntryExtensions(f, exts, hex, allowedReasons);
  } catch (err) {
    // An extension inside the entry that is not DER itself (the entry's own reading checked one level).
    f.error("e_crl_tbs_not_der", `revokedCertificates entry ${count}: ${(err as Error).message}`);
  }
  return { next, serialAt: serial.value.byteOffset - b.byteOffset, serialLength: serial.value.length };
}

/**
 * A revokedCertificates list whose CRL this lint passed with no error (no entry check warns): its
 * content octets, its entry count and its serials' keys, sorted (pki/crl-entries-memory.ts keeps one
 * per CRL scope in the CRL thread).
 */
export interface LintedEntries {
  octets: Buffer;
  count: number;
  sortedKeys: Float64Array;
}

/** The serials found by a walk over entries, and how many entries it read. */
interface Walk {
  count: number;
  serials: number;
  serialAt: Int32Array;
  serialLength: Int32Array;
}

/** Every entry of `b` from `from` on: in place when plain, else in full (`before`: entries ahead of `from`, for the messages). */
function walkEntries(f: Findings, b: Buffer, from: number, before: number, allowedReasons: ReadonlySet<number>): Walk {
  // The smallest entry that still has a serial (SEQUENCE { INTEGER }) takes 4 octets.
  const serialAt = new Int32Array(Math.floor((b.length - from) / 4) + 1);
  const serialLength = new Int32Array(serialAt.length);
  let serials = 0;
  let count = before;
  for (let at = from; at < b.length;) {
    count++;
    const plain = plainEntryLength(b, at, allowedReasons);
    if (plain > 0) {
      serialAt[serials] = at + 4;
      serialLength[serials++] = b[at + 3];
      at += plain;
      continue;
    }
    const read = lintEntryInFull(f, b, at, count, allowedReasons);
    if (read.serialLength >= 0) {
      serialAt[serials] = read.serialAt;
      serialLength[serials++] = read.serialLength;
    }
    if (read.next < 0) break;
    at = read.next;
  }
  return { count: count - before, serials, serialAt, serialLength };
}

/**
 * The new entries of a list that begins with exactly the octets of `known`, which this walk passed:
 * entries are self-delimiting and each is judged on its own octets, so a whole entry of that prefix gets
 * the verdict it got before, and only the entries after it are read. Their serials are checked against
 * one another and against the prefix's by key. During a mass revocation a shard's list grows only at
 * its end (entries come in revocation-time order), so each republication reads only what was revoked
 * since. Null when the list does not begin with `known`, or when a new serial's key is already taken
 * (then the whole list is read again, so that a duplicate is named).
 */
function lintNewEntries(
  f: Findings,
  b: Buffer,
  known: LintedEntries,
  allowedReasons: ReadonlySet<number>,
): Float64Array | null {
  const from = known.octets.length;
  if (from === 0 || from > b.length || !b.subarray(0, from).equals(known.octets)) return null;
  const findings = new Findings();
  const walk = walkEntries(findings, b, from, known.count, allowedReasons);
  const keys = serialKeys(b, walk.serialAt, walk.serialLength, walk.serials).sort();
  for (let i = 0; i < keys.length; i++)
    if ((i > 0 && keys[i] === keys[i - 1]) || holdsKey(known.sortedKeys, keys[i])) return null;
  // One by one: spreading a burst's findings into push() would pass too many arguments.
  for (const e of findings.errors) f.errors.push(e);
  for (const w of findings.warnings) f.warnings.push(w);
  return mergeSorted(known.sortedKeys, keys);
}

/**
 * RFC 5280 5.1.2.6 and 5.3: every entry of `list` (the revokedCertificates SEQUENCE). An entry of the
 * shape this CA writes is checked in place (plainEntryLength); any other is decoded and checked part
 * by part, which names each finding. When the list begins with `known`, only the entries after it are
 * read (lintNewEntries). Returns the sorted keys of the list's serials.
 */
export function lintCrlEntries(
  f: Findings,
  list: Tlv,
  allowedReasons: ReadonlySet<number>,
  known: LintedEntries | null = null,
): Float64Array {
  const b = list.value;
  const grown = known ? lintNewEntries(f, b, known, allowedReasons) : null;
  if (grown) return grown;
  const walk = walkEntries(f, b, 0, 0, allowedReasons);
  const sorted = reportDuplicateSerials(f, b, walk.serialAt, walk.serialLength, walk.serials);
  f.check(walk.count > 0, "e_crl_empty_revoked_list", "revokedCertificates is present but empty");
  return sorted;
}
