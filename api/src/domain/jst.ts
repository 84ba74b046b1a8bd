/**
 * Japan-time (Asia/Tokyo) calendar helpers.
 *
 * All calendar arithmetic in Akashi is in JST (RULES.md preamble). JST is UTC+9 all year with no
 * daylight saving, so every helper here works on UTC milliseconds shifted by nine hours and reads
 * the shifted value with the `getUTC*` accessors. Nothing here depends on the process time zone.
 *
 * Conventions:
 * - "End of month M" is 23:59:59.000 JST on the last day of M (a certificate's notAfter second).
 * - "End of day" is likewise 23:59:59.000 JST.
 * - A calendar date without a time is a `JstDate` string "YYYY-MM-DD" read in JST.
 * - Months are 1-12 everywhere in this module's public API.
 *
 * The injected `Clock` type (and the one real clock) live in ./clock.
 */

export const MS_PER_SECOND = 1000;
export const MS_PER_HOUR = 60 * 60 * MS_PER_SECOND;
export const MS_PER_DAY = 24 * MS_PER_HOUR;
const JST_OFFSET_MS = 9 * MS_PER_HOUR;

/** A calendar date in Japan, "YYYY-MM-DD". */
export type JstDate = string;

/** The wall-clock fields of an instant as seen in Japan. `month` is 1-12, `weekday` 0 = Sunday. */
export interface JstParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  readonly weekday: number;
}

export function assertValidDate(value: Date, name = "date"): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new TypeError(`${name} must be a valid Date`);
  }
}

export function assertInteger(value: number, name: string, min = -Infinity): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer${min > -Infinity ? ` >= ${min}` : ""}, got ${value}`);
  }
}

/** Wall-clock fields in Japan for `at`. */
export function toJst(at: Date): JstParts {
  assertValidDate(at, "at");
  const s = new Date(at.getTime() + JST_OFFSET_MS);
  return {
    year: s.getUTCFullYear(),
    month: s.getUTCMonth() + 1,
    day: s.getUTCDate(),
    hour: s.getUTCHours(),
    minute: s.getUTCMinutes(),
    second: s.getUTCSeconds(),
    millisecond: s.getUTCMilliseconds(),
    weekday: s.getUTCDay(),
  };
}

/**
 * The instant at the given Japan wall-clock time. Out-of-range fields roll over like `Date.UTC`
 * (month 13 is January of the next year, day 0 is the last day of the previous month), which the
 * month arithmetic below relies on.
 */
export function jstInstant(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): Date {
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  // Date.UTC maps years 0-99 to 1900-1999; no Akashi date is that old, so refuse rather than guess.
  if (year < 100) throw new RangeError(`year out of range: ${year}`);
  return new Date(utc - JST_OFFSET_MS);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 00:00:00.000 JST on the 1st of the given month (month may overflow). */
export function startOfMonth(year: number, month: number): Date {
  return jstInstant(year, month, 1);
}

/** 23:59:59.000 JST on the last day of the given month (month may overflow). */
export function endOfMonth(year: number, month: number): Date {
  return new Date(jstInstant(year, month + 1, 1).getTime() - MS_PER_SECOND);
}

/** 00:00 JST on the 1st of the JST month containing `at`. */
export function startOfMonthOf(at: Date): Date {
  const p = toJst(at);
  return startOfMonth(p.year, p.month);
}

/** End of the JST month containing `at`. */
export function endOfMonthOf(at: Date): Date {
  const p = toJst(at);
  return endOfMonth(p.year, p.month);
}

/** End of the JST month that is `months` months after the JST month containing `at`. */
export function endOfMonthAfter(at: Date, months: number): Date {
  assertInteger(months, "months");
  const p = toJst(at);
  return endOfMonth(p.year, p.month + months);
}

/** 23:59:59.000 JST on the JST day containing `at`. */
export function endOfDayOf(at: Date): Date {
  const p = toJst(at);
  return jstInstant(p.year, p.month, p.day, 23, 59, 59);
}

/**
 * The same JST wall-clock time `months` calendar months later (or earlier when negative); when the
 * target month is shorter the day is clamped to its last day (31 Jan + 1 month = 28/29 Feb).
 */
export function addMonthsClamped(at: Date, months: number): Date {
  assertInteger(months, "months");
  const p = toJst(at);
  const target = new Date(Date.UTC(p.year, p.month - 1 + months, 1));
  const y = target.getUTCFullYear();
  const m = target.getUTCMonth() + 1;
  const d = Math.min(p.day, daysInMonth(y, m));
  return jstInstant(y, m, d, p.hour, p.minute, p.second, p.millisecond);
}

/**
 * Whole calendar months from `from` to `to`: the largest k >= 0 with addMonthsClamped(from, k) <= to
 * (0 when `to` is not after `from`). Stepping is always from `from` itself, never month by month, so
 * 31 Jan steps to 28 Feb, 31 Mar, 30 Apr, ... Partial months are dropped.
 */
export function wholeMonthsBetween(from: Date, to: Date): number {
  assertValidDate(from, "from");
  assertValidDate(to, "to");
  if (to.getTime() <= from.getTime()) return 0;
  const a = toJst(from);
  const b = toJst(to);
  // Start from the month-count difference (an upper bound) and step down until it fits.
  let k = (b.year - a.year) * 12 + (b.month - a.month);
  while (k > 0 && addMonthsClamped(from, k).getTime() > to.getTime()) k -= 1;
  return Math.max(0, k);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** The JST calendar date containing `at`, "YYYY-MM-DD". */
export function jstDateOf(at: Date): JstDate {
  const p = toJst(at);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parse and validate "YYYY-MM-DD". Throws RangeError on anything else (e.g. "2026-02-30"). */
export function parseJstDate(date: JstDate): { year: number; month: number; day: number } {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`no such date: ${date}`);
  }
  return { year, month, day };
}

/** The instant at the given JST wall-clock time on `date`. */
export function jstDateAt(date: JstDate, hour = 0, minute = 0, second = 0): Date {
  const { year, month, day } = parseJstDate(date);
  return jstInstant(year, month, day, hour, minute, second);
}

/** `date` plus `days` calendar days. */
export function addDaysToDate(date: JstDate, days: number): JstDate {
  assertInteger(days, "days");
  const { year, month, day } = parseJstDate(date);
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Day of week of a JST date, 0 = Sunday. */
export function weekdayOfDate(date: JstDate): number {
  const { year, month, day } = parseJstDate(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** ISO 8601 with the +09:00 offset, e.g. "2027-02-28T23:59:59+09:00" (milliseconds only when non-zero). */
export function formatJst(at: Date): string {
  const p = toJst(at);
  const ms = p.millisecond ? `.${pad(p.millisecond, 3)}` : "";
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${ms}+09:00`;
}

/** Later of two instants. */
export function maxDate(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

/** Earlier of two instants. */
export function minDate(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}
