import { lengthFieldSize, writeLength } from "./der";
import { canonicalSerialHex } from "./serial";

/**
 * The revokedCertificates list of a CRL, written from the packed text PostgreSQL aggregates
 * ("serial seconds reason", comma-separated) straight into the TBS buffer: two passes over the text,
 * typed arrays in between, and no object, string or buffer per entry. A large CRL is built in the
 * CRL worker thread at a low priority, but the garbage it makes is collected by V8's helper threads,
 * which run at the normal one: with a Buffer, a Date and a dozen strings per entry, 110 k entries kept
 * both cores busy and doubled a status GET's p99 beside a rebuild (test/bench/crl-scale.ts).
 * test/pki/crl.test.ts checks the bytes against the generic DER builders (pki/der.ts).
 */

const SPACE = 0x20;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;

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

/** The value of a lower-case hex digit (isCanonicalHex has checked it is one). */
const hexValue = (c: number): number => (c <= 0x39 ? c - 0x30 : c - 0x57);

/** Year, month and day of an epoch day (proleptic Gregorian; H. Hinnant's civil_from_days), into `civil`. */
const civil = new Int32Array(3);
function civilFromDays(days: number): void {
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

/** Stored serials are canonical (minimal positive INTEGER content, lower-case); the rest go the long way. */
function isCanonicalHex(text: string, from: number, to: number): boolean {
  const n = to - from;
  if (n < 2 || n > 40 || n % 2 !== 0) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  const first = hexValue(text.charCodeAt(from)) * 16 + hexValue(text.charCodeAt(from + 1));
  if (first >= 0x80) return false;
  if (first !== 0) return true;
  // A leading 00 is kept only before an octet with its top bit set, and then 21 octets are one too many.
  return n >= 4 && hexValue(text.charCodeAt(from + 2)) >= 8;
}

/**
 * Reads "serial seconds reason,…" (`count` entries) into typed arrays, checking every part: a serial
 * that is not hex, a time that is not whole seconds, or a reason outside `reasons` is refused (REV-1).
 */
export function parsePackedEntries(text: string, count: number, reasons: readonly ReasonExtension[]): ParsedEntries {
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
  for (; i < count && pos < text.length; i++) {
    // serial
    const entryFrom = pos;
    const serialEnd = text.indexOf(" ", pos);
    if (serialEnd < 0) throw new Error("CRL entries: malformed packed entry");
    serialAt[i] = written;
    if (isCanonicalHex(text, pos, serialEnd)) {
      for (let k = pos; k < serialEnd; k += 2)
        serialBytes[written++] = hexValue(text.charCodeAt(k)) * 16 + hexValue(text.charCodeAt(k + 1));
    } else {
      const canonical = Buffer.from(canonicalSerialHex(text.slice(pos, serialEnd)), "hex");
      canonical.copy(serialBytes, written);
      written += canonical.length;
    }
    serialLength[i] = written - serialAt[i];
    // revocation time, whole epoch seconds
    pos = serialEnd + 1;
    const negative = text.charCodeAt(pos) === MINUS;
    if (negative) pos++;
    let value = 0;
    const digitsFrom = pos;
    for (let c = text.charCodeAt(pos); c >= DIGIT_0 && c <= DIGIT_0 + 9; c = text.charCodeAt(++pos))
      value = value * 10 + (c - DIGIT_0);
    if (pos === digitsFrom || text.charCodeAt(pos) !== SPACE || !Number.isSafeInteger(value)) {
      const entryEnd = text.indexOf(",", digitsFrom);
      throw new Error(`bad revocation time in "${text.slice(entryFrom, entryEnd < 0 ? text.length : entryEnd)}"`);
    }
    seconds[i] = negative ? -value : value;
    pos++;
    // reason
    let end = text.indexOf(",", pos);
    if (end < 0) end = text.length;
    let r = 0;
    while (r < reasons.length && !(reasons[r].name.length === end - pos && text.startsWith(reasons[r].name, pos))) r++;
    if (r === reasons.length) throw new Error(`revocation reason ${text.slice(pos, end)} is not allowed (REV-1)`);
    reason[i] = r;
    civilFromDays(Math.floor(seconds[i] / 86400));
    if (civil[0] < 0 || civil[0] > 9999) throw new Error(`bad revocation time ${seconds[i]}`);
    const inner = 2 + serialLength[i] + timeSize(civil[0]) + (reasons[r].der?.length ?? 0);
    entryInner[i] = inner;
    totalLength += 1 + lengthFieldSize(inner) + inner;
    pos = end + 1;
    // A comma promises another entry: one at the very end is malformed, not the end of the list.
    if (pos === text.length) throw new Error("CRL entries: malformed packed entry (a trailing comma)");
  }
  if (i !== count || pos < text.length) throw new Error("CRL entries: serials, times and reasons differ in number");
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
  for (let i = 0; i < parsed.count; i++) {
    const ext = reasons[parsed.reason[i]].der;
    const length = parsed.serialLength[i];
    out[p++] = 0x30;
    p = writeLength(out, p, parsed.entryInner[i]);
    out[p++] = 0x02;
    out[p++] = length;
    parsed.serialBytes.copy(out, p, parsed.serialAt[i], parsed.serialAt[i] + length);
    p += length;
    p = writeTime(out, p, parsed.seconds[i]);
    if (ext) p += ext.copy(out, p);
  }
  return p;
}
