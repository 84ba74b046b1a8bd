/**
 * Business calendar (CAL-1) and support hours (CAL-2), in JST.
 */
import holidayJp from "@holiday-jp/holiday_jp";
import {
  JstDate,
  addDaysToDate,
  assertInteger,
  assertValidDate,
  jstDateAt,
  jstDateOf,
  parseJstDate,
  toJst,
  weekdayOfDate,
} from "./jst";

/** Support hours, JST, on business days: [09:00, 18:00) (CAL-2). */
const SUPPORT_OPENS_HOUR = 9;
const SUPPORT_CLOSES_HOUR = 18;

// Keyed "YYYY-MM-DD" (the library's own dates are Japan dates). Looked up by key rather than with
// holiday_jp.isHoliday(Date), which formats the Date in the process time zone.
const HOLIDAYS: Readonly<Record<string, unknown>> = holidayJp.holidays;

function toDate(day: Date | JstDate): JstDate {
  if (typeof day === "string") {
    parseJstDate(day);
    return day;
  }
  assertValidDate(day, "day");
  return jstDateOf(day);
}

/**
 * A Japanese national holiday, including substitute holidays (振替休日) and citizens' holidays
 * (国民の休日), per @holiday-jp/holiday_jp (data to 2050; later years have no holidays listed).
 */
export function isNationalHoliday(day: Date | JstDate): boolean {
  return Object.prototype.hasOwnProperty.call(HOLIDAYS, toDate(day));
}

/**
 * CAL-1 [O 1.7]: Monday to Friday, except national holidays, 30 December – 4 January and 1 May.
 * A `Date` is read as the JST day containing it.
 * @rule CAL-1
 */
export function isBusinessDay(day: Date | JstDate): boolean {
  const date = toDate(day);
  const weekday = weekdayOfDate(date);
  if (weekday === 0 || weekday === 6) return false;
  const { month, day: d } = parseJstDate(date);
  if ((month === 12 && d >= 30) || (month === 1 && d <= 4)) return false;
  if (month === 5 && d === 1) return false;
  return !isNationalHoliday(date);
}

/** The first business day strictly after `day`. */
export function nextBusinessDay(day: Date | JstDate): JstDate {
  let date = addDaysToDate(toDate(day), 1);
  while (!isBusinessDay(date)) date = addDaysToDate(date, 1);
  return date;
}

/** `day` itself when it is a business day, otherwise the next one. */
export function businessDayOnOrAfter(day: Date | JstDate): JstDate {
  const date = toDate(day);
  return isBusinessDay(date) ? date : nextBusinessDay(date);
}

/**
 * CAL-2: the date `n` business days after `day`, not counting `day` itself (like Japanese period
 * counting, the first day is not counted). n = 0 gives `day` if it is a business day, otherwise the
 * next business day.
 */
export function addBusinessDays(day: Date | JstDate, n: number): JstDate {
  assertInteger(n, "n", 0);
  let date = businessDayOnOrAfter(day);
  for (let i = 0; i < n; i++) date = nextBusinessDay(date);
  return date;
}

/** CAL-2 [O 8.3]: 09:00 ≤ time < 18:00 JST on a business day. */
export function isWithinSupportHours(at: Date): boolean {
  assertValidDate(at, "at");
  const p = toJst(at);
  return isBusinessDay(at) && p.hour >= SUPPORT_OPENS_HOUR && p.hour < SUPPORT_CLOSES_HOUR;
}

/**
 * CAL-2 [O 8.4]: when something arriving at `at` is taken up: at once within support hours,
 * otherwise at 09:00 JST on the next business day (the same day when it arrives before 09:00 on a
 * business day).
 * @rule CAL-2
 */
export function handledFrom(at: Date): Date {
  assertValidDate(at, "at");
  if (isWithinSupportHours(at)) return at;
  const date = jstDateOf(at);
  const sameDayOpening = isBusinessDay(date) && toJst(at).hour < SUPPORT_OPENS_HOUR;
  return jstDateAt(sameDayOpening ? date : nextBusinessDay(date), SUPPORT_OPENS_HOUR);
}

/**
 * CAL-2: deadline for something due "within n business days" of arriving at `at`.
 * Decision: counting starts from the day it is taken up (`handledFrom`), that day not counted, and
 * the deadline is the close of support hours (18:00 JST) on the n-th business day after it
 * (n = 0: close of the day it is taken up).
 */
export function businessDaysDeadline(at: Date, n: number): Date {
  const start = handledFrom(at);
  return jstDateAt(addBusinessDays(jstDateOf(start), n), SUPPORT_CLOSES_HOUR);
}
