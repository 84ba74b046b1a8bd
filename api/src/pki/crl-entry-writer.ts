import { lengthFieldSize, writeLength } from "./der";
import { canonicalSerialHex } from "./serial";

/**
 * The revokedCertificates list of a CRL, written from the packed text PostgreSQL aggregates
 * ("serial seconds reason", comma-separated) straight into the TBS buffer: the text is encoded to its
 * octets once, one pass reads them into typed arrays, one writes the entries from them, with no object,
 * string or buffer per entry. A large CRL is built in the
 * CRL worker thread at a low priority, but the garbage it makes is collected by V8's helper threads,
 * which run at the normal one: with a Buffer, a Date and a dozen strings per entry, 110 k entries kept
 * both cores busy and doubled a status GET's p99 beside a rebuild (test/bench/crl-scale.ts).
 * test/pki/crl-entries.test.ts checks the bytes against the generic DER builders (pki/der.ts).
 */

const SPACE = 0x20;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const COMMA = 0x2c;

/** One reason's crlEntryExtensions, encoded once (null: unspecified, written by leaving them out, REV-1). */
export interface ReasonExtension {
  name: string;
  der: Buffer | null;
}

/** Where each entry's parts lie in the packed text, and what they mean. */
export interface ParsedEntries {
  count: number;
  /** Content octets of each serial INTEGER: [serialAt, serialAt + serialLength) of `serialBytes`. */
  serialBytes: Buffer;
  serialAt: Int32Array;
  serialLength: Uint8Array;
  seconds: Float64Array;
  reason: Uint8Array;
  /** Length of each entry's SEQUENCE content. */
  entryInner: Int32Array;
  /** Octets of all entries together, their SEQUENCE headers included. */
  totalLength: number;
}

/**
 * The value of each octet as a lower-case hex digit; any other octet is -256, so that an octet made of
 * two digits, (HEX[a] << 4) | HEX[b], is negative when either is not one.
 */
const HEX = new Int16Array(256).fill(-256);
for (let d = 0; d < 16; d++) HEX["0123456789abcdef".charCodeAt(d)] = d;

/** The text's serial is not canonical: it is converted the long way, over what was written. */
const NOT_CANONICAL = -1;

/**
 * The serial of `text` from `from` to `to`, written at `at` of `out` as it is checked; returns the
 * octets written when it is stored canonical (lower-case hex of a minimal positive INTEGER content:
 * what the CA stores), or NOT_CANONICAL, having perhaps written some octets that the caller then
 * writes over from the same place.
 */
function writeCanonicalSerial(text: Uint8Array, from: number, to: number, out: Buffer, at: number): number {
  const n = to - from;
  if (n < 2 || n > 40 || n % 2 !== 0) return NOT_CANONICAL;
  let p = at;
  for (let k = from; k < to; k += 2) {
    const octet = (HEX[text[k]] << 4) | HEX[text[k + 1]];
    if (octet < 0) return NOT_CANONICAL;
    out[p++] = octet;
  }
  const first = out[at];
  // Negative, or a leading 00 that is not needed (one is, before an octet with its top bit set).
  if (first >= 0x80 || (first === 0 && (n === 2 || out[at + 1] < 0x80))) return NOT_CANONICAL;
  return n / 2;
}

/**
 * Year, month and day of an epoch day (proleptic Gregorian; H. Hinnant's civil_from_days), into `civil`.
 * Entries from the database come in revocation-time order, so runs of them share a day: the last day's
 * answer is kept (any order gives the same answer, only slower).
 */
const civil = new Int32Array(3);
let civilDay = Number.NaN;
function civilFromDays(days: number): void {
  if (days === civilDay) return;
  civilDay = days;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  civil[0] = yoe + era * 400 + (month <= 2 ? 1 : 0);
  civil[1] = month;
  civil[2] = day;
}

/** RFC 5280 5.1.2.4: UTCTime (15 octets) for 1950–2049, GeneralizedTime (17) otherwise. */
const timeSize = (year: number): number => (year >= 1950 && year <= 2049 ? 15 : 17);

const put2 = (out: Buffer, at: number, n: number): void => {
  out[at] = DIGIT_0 + Math.floor(n / 10);
  out[at + 1] = DIGIT_0 + (n % 10);
};

/** Writes the revocationDate of `seconds` at `at`; returns the position after it. */
function writeTime(out: Buffer, at: number, seconds: number): number {
  const days = Math.floor(seconds / 86400);
  const inDay = seconds - days * 86400;
  civilFromDays(days);
  const year = civil[0];
  let p = at;
  if (timeSize(year) === 15) {
    out[p++] = 0x17;
    out[p++] = 13;
    put2(out, p, year % 100);
    p += 2;
  } else {
    out[p++] = 0x18;
    out[p++] = 15;
    put2(out, p, Math.floor(year / 100));
    put2(out, p + 2, year % 100);
    p += 4;
  }
  put2(out, p, civil[1]);
  put2(out, p + 2, civil[2]);
  put2(out, p + 4, Math.floor(inDay / 3600));
  put2(out, p + 6, Math.floor(inDay / 60) % 60);
  put2(out, p + 8, inDay % 60);
  out[p + 10] = 0x5a; // Z
  return p + 11;
}

/** Part of the packed text, for an error message. */
const quote = (text: Buffer, from: number, to: number): string => text.toString("utf8", from, to);

/** Whether `text` holds `name` (ASCII) from `from` to `to`. */
function holdsName(text: Uint8Array, from: number, to: number, name: Uint8Array): boolean {
  if (name.length !== to - from) return false;
  for (let i = 0; i < name.length; i++) if (text[from + i] !== name[i]) return false;
  return true;
}

/**
 * Reads "serial seconds reason,…" (`count` entries) into typed arrays, checking every part: a serial
 * that is not hex, a time that is not whole seconds, or a reason outside `reasons` is refused (REV-1).
 * The text is read as its UTF-8 octets, one per character as hex, digits and reason names are: a
 * character outside ASCII becomes octets of 0x80 and up, so it is never read as the octet it ends in
 * and no part accepts it as hex, a digit or a name (a serial that is not canonical is converted by
 * canonicalSerialHex, which strips white space, non-ASCII spaces included, as it always has). Reading octets, and
 * checking and converting a serial in one pass, took 110 k entries from 36 ms to 13 ms.
 */
export function parsePackedEntries(packed: string, count: number, reasons: readonly ReasonExtension[]): ParsedEntries {
  const text = Buffer.from(packed, "utf8");
  const end = text.length;
  const names = reasons.map((r) => Buffer.from(r.name, "utf8"));
  const serialBytes = Buffer.allocUnsafe(count * 20);
  const serialAt = new Int32Array(count);
  const serialLength = new Uint8Array(count);
  const seconds = new Float64Array(count);
  const reason = new Uint8Array(count);
  const entryInner = new Int32Array(count);
  let totalLength = 0;
  let pos = 0;
  let written = 0;
  let i = 0;
  for (; i < count && pos < end; i++) {
    // serial
    const entryFrom = pos;
    let serialEnd = pos;
    while (serialEnd < end && text[serialEnd] !== SPACE) serialEnd++;
    if (serialEnd === end) throw new Error("CRL entries: malformed packed entry");
    serialAt[i] = written;
    const octets = writeCanonicalSerial(text, pos, serialEnd, serialBytes, written);
    if (octets !== NOT_CANONICAL) written += octets;
    else {
      const canonical = Buffer.from(canonicalSerialHex(quote(text, pos, serialEnd)), "hex");
      canonical.copy(serialBytes, written);
      written += canonical.length;
    }
    serialLength[i] = written - serialAt[i];
    // revocation time, whole epoch seconds
    pos = serialEnd + 1;
    const negative = text[pos] === MINUS;
    if (negative) pos++;
    let value = 0;
    const digitsFrom = pos;
    for (let c = text[pos]; c >= DIGIT_0 && c <= DIGIT_0 + 9; c = text[++pos]) value = value * 10 + (c - DIGIT_0);
    if (pos === digitsFrom || text[pos] !== SPACE || !Number.isSafeInteger(value)) {
      const entryEnd = text.indexOf(COMMA, digitsFrom);
      throw new Error(`bad revocation time in "${quote(text, entryFrom, entryEnd < 0 ? end : entryEnd)}"`);
    }
    seconds[i] = negative ? -value : value;
    pos++;
    // reason
    let reasonEnd = pos;
    while (reasonEnd < end && text[reasonEnd] !== COMMA) reasonEnd++;
    let r = 0;
    while (r < names.length && !holdsName(text, pos, reasonEnd, names[r])) r++;
    if (r === names.length) throw new Error(`revocation reason ${quote(text, pos, reasonEnd)} is not allowed (REV-1)`);
    reason[i] = r;
    civilFromDays(Math.floor(seconds[i] / 86400));
    if (civil[0] < 0 || civil[0] > 9999) throw new Error(`bad revocation time ${seconds[i]}`);
    const inner = 2 + serialLength[i] + timeSize(civil[0]) + (reasons[r].der?.length ?? 0);
    entryInner[i] = inner;
    totalLength += 1 + lengthFieldSize(inner) + inner;
    pos = reasonEnd + 1;
    // A comma promises another entry: one at the very end is malformed, not the end of the list.
    if (pos === end) throw new Error("CRL entries: malformed packed entry (a trailing comma)");
  }
  if (i !== count || pos < end) throw new Error("CRL entries: serials, times and reasons differ in number");
  return { count, serialBytes, serialAt, serialLength, seconds, reason, entryInner, totalLength };
}

/** Writes every entry (RFC 5280 5.1.2.6) at `at`; returns the position after the last. */
export function writeEntries(
  out: Buffer,
  at: number,
  parsed: ParsedEntries,
  reasons: readonly ReasonExtension[],
): number {
  let p = at;
  // A burst revokes many in one second, and entries from the database come in revocation-time order:
  // a time written already is copied from where it was written (any order writes the same bytes).
  let timeSeconds = Number.NaN;
  let timeAt = 0;
  let timeLength = 0;
  for (let i = 0; i < parsed.count; i++) {
    const ext = reasons[parsed.reason[i]].der;
    const length = parsed.serialLength[i];
    out[p++] = 0x30;
    p = writeLength(out, p, parsed.entryInner[i]);
    out[p++] = 0x02;
    out[p++] = length;
    // Byte loops, not Buffer#copy: a native call per entry cost more than the few octets it moves.
    for (let k = parsed.serialAt[i], stop = k + length; k < stop; k++) out[p++] = parsed.serialBytes[k];
    if (parsed.seconds[i] === timeSeconds) {
      for (let k = timeAt, stop = timeAt + timeLength; k < stop; k++) out[p++] = out[k];
    } else {
      timeSeconds = parsed.seconds[i];
      timeAt = p;
      p = writeTime(out, p, timeSeconds);
      timeLength = p - timeAt;
    }
    if (ext) for (let k = 0; k < ext.length; k++) out[p++] = ext[k];
  }
  return p;
}
