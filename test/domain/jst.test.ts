import {
  addDaysToDate,
  addMonthsClamped,
  endOfDayOf,
  endOfMonth,
  endOfMonthAfter,
  endOfMonthOf,
  formatJst,
  jstDateAt,
  jstDateOf,
  parseJstDate,
  startOfMonthOf,
  toJst,
  wholeMonthsBetween,
} from "../../api/src/domain/jst";
import { FixedClock } from "../../api/src/domain/clock";
import { termEnd } from "../../api/src/domain/terms";
import { isBusinessDay } from "../../api/src/domain/calendar";

/** An instant given as Japan wall-clock time. */
const jst = (s: string): Date => new Date(`${s}+09:00`);

describe("JST calendar helpers", () => {
  test.each([
    ["2026-03-31T15:00:00.000Z", "2026-04-01"],
    ["2026-03-31T14:59:59.999Z", "2026-03-31"],
    ["2026-12-31T15:00:00.000Z", "2027-01-01"],
    ["2028-02-28T15:00:00.000Z", "2028-02-29"],
  ])("JST date of %s is %s", (utc, date) => {
    expect(jstDateOf(new Date(utc))).toBe(date);
  });

  test("toJst reads wall-clock fields in Japan", () => {
    expect(toJst(new Date("2026-03-31T15:00:00.000Z"))).toEqual({
      year: 2026,
      month: 4,
      day: 1,
      hour: 0,
      minute: 0,
      second: 0,
      millisecond: 0,
      weekday: 3,
    });
  });

  test.each([
    [2027, 2, "2027-02-28T14:59:59.000Z"],
    [2028, 2, "2028-02-29T14:59:59.000Z"],
    [2100, 2, "2100-02-28T14:59:59.000Z"],
    [2026, 12, "2026-12-31T14:59:59.000Z"],
    [2026, 13, "2027-01-31T14:59:59.000Z"],
    [2026, 4, "2026-04-30T14:59:59.000Z"],
  ])("end of month %i-%i is %s", (y, m, iso) => {
    expect(endOfMonth(y, m).toISOString()).toBe(iso);
  });

  test("end/start of the month containing an instant use the JST month", () => {
    const aprilFirstJst = new Date("2026-03-31T15:00:00.000Z");
    expect(endOfMonthOf(aprilFirstJst).toISOString()).toBe("2026-04-30T14:59:59.000Z");
    expect(startOfMonthOf(aprilFirstJst).toISOString()).toBe("2026-03-31T15:00:00.000Z");
    expect(endOfMonthAfter(aprilFirstJst, 10).toISOString()).toBe("2027-02-28T14:59:59.000Z");
    expect(endOfDayOf(aprilFirstJst).toISOString()).toBe("2026-04-01T14:59:59.000Z");
  });

  test.each([
    ["2026-01-31T10:00:00", 1, "2026-02-28T01:00:00.000Z"],
    ["2028-01-31T10:00:00", 1, "2028-02-29T01:00:00.000Z"],
    ["2026-03-31T10:00:00", -1, "2026-02-28T01:00:00.000Z"],
    ["2026-11-21T10:00:00", 14, "2028-01-21T01:00:00.000Z"],
    ["2028-02-29T10:00:00", 12, "2029-02-28T01:00:00.000Z"],
  ])("addMonthsClamped(%s, %i) = %s", (start, n, iso) => {
    expect(addMonthsClamped(jst(start), n).toISOString()).toBe(iso);
  });

  test.each([
    ["2026-01-31T10:00:00", "2026-02-28T10:00:00", 1],
    ["2026-01-31T10:00:00", "2026-02-28T09:59:59", 0],
    ["2026-11-21T10:00:00", "2027-04-15T23:59:59", 4],
    ["2026-11-21T10:00:00", "2026-11-20T10:00:00", 0],
    ["2026-11-21T10:00:00", "2029-11-21T10:00:00", 36],
  ])("wholeMonthsBetween(%s, %s) = %i", (from, to, n) => {
    expect(wholeMonthsBetween(jst(from), jst(to))).toBe(n);
  });

  test("formatJst writes ISO 8601 with +09:00", () => {
    expect(formatJst(new Date("2027-02-28T14:59:59.000Z"))).toBe("2027-02-28T23:59:59+09:00");
    expect(formatJst(new Date("2026-03-31T15:00:00.250Z"))).toBe("2026-04-01T00:00:00.250+09:00");
  });

  test("dates are validated and added in the calendar", () => {
    expect(() => parseJstDate("2026-02-29")).toThrow(RangeError);
    expect(() => parseJstDate("2026-2-1")).toThrow(RangeError);
    expect(parseJstDate("2028-02-29")).toEqual({ year: 2028, month: 2, day: 29 });
    expect(addDaysToDate("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDaysToDate("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDaysToDate("2026-03-01", -1)).toBe("2026-02-28");
    expect(jstDateAt("2026-04-01", 9).toISOString()).toBe("2026-04-01T00:00:00.000Z");
  });

  test("FixedClock answers the time it was given", () => {
    const clock = new FixedClock(new Date("2026-03-31T15:00:00.000Z"));
    expect(clock.now().toISOString()).toBe("2026-03-31T15:00:00.000Z");
  });

  test("rules never read local-time fields, so the process time zone cannot matter", () => {
    // Jest sandboxes process.env, so TZ cannot be switched here; instead make every local-time
    // accessor throw while rules run.
    const local = [
      "getFullYear",
      "getMonth",
      "getDate",
      "getDay",
      "getHours",
      "getMinutes",
      "getSeconds",
      "getTimezoneOffset",
      "toLocaleDateString",
      "toString",
    ] as const;
    const spies = local.map((m) =>
      jest.spyOn(Date.prototype, m).mockImplementation(() => {
        throw new Error(`local-time accessor ${m} used`);
      }),
    );
    try {
      expect(() => new Date(0).getHours()).toThrow("local-time accessor getHours used"); // the trap works
      expect(termEnd(new Date("2026-03-31T15:00:00.000Z"), 12).toISOString()).toBe("2027-04-30T14:59:59.000Z");
      expect(jstDateOf(new Date("2026-03-31T15:00:00.000Z"))).toBe("2026-04-01");
      expect(isBusinessDay(new Date("2026-05-06T15:00:00.000Z"))).toBe(true); // Thu 7 May JST
      expect(isBusinessDay(new Date("2026-05-06T14:59:59.000Z"))).toBe(false); // Wed 6 May JST, substitute holiday
      expect(formatJst(new Date("2027-02-28T14:59:59.000Z"))).toBe("2027-02-28T23:59:59+09:00");
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
  });
});
