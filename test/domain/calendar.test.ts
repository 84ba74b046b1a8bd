import {
  addBusinessDays,
  businessDayOnOrAfter,
  businessDaysDeadline,
  handledFrom,
  isBusinessDay,
  isNationalHoliday,
  isWithinSupportHours,
  nextBusinessDay,
} from "../../api/src/domain/calendar";

const jst = (s: string): Date => new Date(`${s}+09:00`);

describe("CAL-1 business days", () => {
  test.each([
    ["2027-01-04", false, "Monday 4 January (year-end closure 30 Dec – 4 Jan)"],
    ["2027-01-05", true, "Tuesday 5 January"],
    ["2026-12-29", true, "Tuesday 29 December"],
    ["2026-12-30", false, "Wednesday 30 December"],
    ["2026-12-31", false, "Thursday 31 December"],
    ["2027-01-01", false, "New Year's Day"],
    ["2026-05-01", false, "Friday 1 May"],
    ["2027-04-30", true, "Friday 30 April"],
    ["2026-02-11", false, "National Foundation Day (Wednesday)"],
    ["2026-05-06", false, "substitute holiday for 3 May (Wednesday)"],
    ["2027-03-22", false, "substitute holiday for the Vernal Equinox (Monday)"],
    ["2026-09-22", false, "citizens' holiday between two holidays (Tuesday)"],
    ["2026-05-02", false, "Saturday"],
    ["2026-05-03", false, "Sunday (and a holiday)"],
    ["2026-05-07", true, "Thursday 7 May"],
    ["2026-03-31", true, "Tuesday 31 March"],
  ])("CAL-1: %s is a business day: %s (%s)", (date, expected) => {
    expect(isBusinessDay(date)).toBe(expected);
  });

  test("CAL-1: national holidays come from the holiday table, substitute holidays included", () => {
    expect(isNationalHoliday("2026-05-06")).toBe(true);
    expect(isNationalHoliday("2026-05-01")).toBe(false);
    expect(isNationalHoliday("2026-12-30")).toBe(false);
  });

  test.each([
    ["2026-05-06T15:00:00.000Z", true], // Thu 7 May 00:00 JST
    ["2026-05-06T14:59:59.999Z", false], // Wed 6 May 23:59:59.999 JST (holiday)
    ["2027-01-04T15:00:00.000Z", true], // Tue 5 Jan 00:00 JST
    ["2027-01-04T14:59:59.000Z", false], // Mon 4 Jan JST
  ])("CAL-1: an instant is judged by its JST day: %s → %s", (utc, expected) => {
    expect(isBusinessDay(new Date(utc))).toBe(expected);
  });

  test.each([
    ["2026-12-28", "2026-12-29"],
    ["2026-12-29", "2027-01-05"],
    ["2026-04-30", "2026-05-07"], // 1 May, weekend, 4–6 May holidays
    ["2026-04-28", "2026-04-30"], // 29 April Showa Day
    ["2026-09-18", "2026-09-24"], // 21–23 September
  ])("CAL-1: the business day after %s is %s", (date, next) => {
    expect(nextBusinessDay(date)).toBe(next);
  });

  test("CAL-1: adding business days", () => {
    expect(addBusinessDays("2026-04-28", 3)).toBe("2026-05-08");
    expect(addBusinessDays("2026-04-28", 0)).toBe("2026-04-28");
    expect(addBusinessDays("2026-05-02", 0)).toBe("2026-05-07");
    expect(addBusinessDays("2026-12-25", 2)).toBe("2026-12-29");
    expect(addBusinessDays("2026-12-25", 3)).toBe("2027-01-05");
    expect(businessDayOnOrAfter("2026-12-30")).toBe("2027-01-05");
    expect(() => addBusinessDays("2026-04-28", -1)).toThrow(RangeError);
  });
});

describe("CAL-2 support hours", () => {
  test.each([
    ["2026-05-07T09:00:00", true],
    ["2026-05-07T08:59:59", false],
    ["2026-05-07T17:59:59", true],
    ["2026-05-07T18:00:00", false],
    ["2026-05-09T10:00:00", false], // Saturday
    ["2026-05-01T10:00:00", false], // 1 May
  ])("CAL-2: %s JST is within support hours: %s", (at, expected) => {
    expect(isWithinSupportHours(jst(at))).toBe(expected);
  });

  test.each([
    ["2026-05-07T10:00:00", "2026-05-07T01:00:00.000Z"], // within hours: at once
    ["2026-05-07T07:00:00", "2026-05-07T00:00:00.000Z"], // before opening: 09:00 the same day
    ["2026-05-08T19:00:00", "2026-05-11T00:00:00.000Z"], // Friday evening → Monday 09:00
    ["2026-12-28T18:30:00", "2026-12-29T00:00:00.000Z"],
    ["2026-12-29T18:00:00", "2027-01-05T00:00:00.000Z"], // year-end closure
    ["2026-04-30T18:00:00", "2026-05-07T00:00:00.000Z"], // Golden Week
  ])("CAL-2: arriving %s JST is taken up at %s (next business day when outside hours)", (at, from) => {
    expect(handledFrom(jst(at)).toISOString()).toBe(from);
  });

  test("CAL-2: 2026-05-06T23:30Z is 08:30 on Thursday 7 May in Japan: taken up at 09:00 that day", () => {
    expect(handledFrom(new Date("2026-05-06T23:30:00.000Z")).toISOString()).toBe("2026-05-07T00:00:00.000Z");
  });

  test.each([
    ["2026-05-08T19:00:00", 1, "2026-05-12T09:00:00.000Z"], // taken up Mon 11 → Tue 12 18:00 JST
    ["2026-05-07T10:00:00", 0, "2026-05-07T09:00:00.000Z"],
    ["2026-05-07T10:00:00", 1, "2026-05-08T09:00:00.000Z"],
    ["2026-12-28T10:00:00", 2, "2027-01-05T09:00:00.000Z"], // Mon 28 → Tue 29 → (closure) Tue 5 Jan
  ])("CAL-2: due %2$i business days after %1$s JST → %3$s (18:00 JST)", (at, n, deadline) => {
    expect(businessDaysDeadline(jst(at), n).toISOString()).toBe(deadline);
  });
});
