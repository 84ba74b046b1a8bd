import { TAG } from "../der";

/**
 * DER times read in place, without allocating: the CRL entry walk reads one per revoked certificate,
 * and the certificate fast path two per TBS. What RFC 5280 4.1.2.5 and 5.1.2.4 allow: UTCTime
 * YYMMDDHHMMSSZ for 1950–2049, GeneralizedTime YYYYMMDDHHMMSSZ for any other year (before 1950 as
 * well, which UTCTime cannot express), whole seconds, in UTC.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** A day of the proleptic Gregorian calendar and a time of day (no leap second: DER times carry none). */
export function isDateTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): boolean {
  if (!(month >= 1 && month <= 12 && day >= 1)) return false;
  if (day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1])) return false;
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

/** The number written in `n` ASCII digits at `at`, or -1 (NaN past the end of `b`). */
function digits(b: Buffer, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** The year of the time element at `at`: two digits of a UTCTime read as 1950–2049, four of a GeneralizedTime. */
function yearAt(b: Buffer, at: number): number {
  if (b[at] === TAG.UTC_TIME) {
    const yy = digits(b, at + 2, 2);
    return yy < 0 ? -1 : (yy < 50 ? 2000 : 1900) + yy;
  }
  return digits(b, at + 2, 4);
}

/**
 * Length of the time element at `at` when it is a DER time of the right kind for its year, a real
 * date and a real time of day, else -1.
 */
export function plainTimeLength(b: Buffer, at: number): number {
  const utc = b[at] === TAG.UTC_TIME && b[at + 1] === 13;
  if (!utc && !(b[at] === TAG.GENERALIZED_TIME && b[at + 1] === 15)) return -1;
  const year = yearAt(b, at);
  if (year < 0 || (!utc && year >= 1950 && year < 2050)) return -1;
  const p = at + (utc ? 4 : 6);
  const ok = isDateTime(
    year,
    digits(b, p, 2),
    digits(b, p + 2, 2),
    digits(b, p + 4, 2),
    digits(b, p + 6, 2),
    digits(b, p + 8, 2),
  );
  return ok && b[p + 10] === 0x5a ? p + 11 - at : -1;
}

/**
 * The instant of a certificate validity time that plainTimeLength passes, from 1950 on; else NaN. Before
 * 1950 too: the certificate lint (common.ts checkTime) asks UTCTime of every year before 2050, which no
 * earlier time can be written in.
 */
export function plainTimeMs(b: Buffer, at: number): number {
  if (plainTimeLength(b, at) < 0) return NaN;
  const year = yearAt(b, at);
  if (year < 1950) return NaN;
  const p = at + (b[at] === TAG.UTC_TIME ? 4 : 6);
  return Date.UTC(
    year,
    digits(b, p, 2) - 1,
    digits(b, p + 2, 2),
    digits(b, p + 4, 2),
    digits(b, p + 6, 2),
    digits(b, p + 8, 2),
  );
}
