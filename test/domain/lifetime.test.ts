import {
  DEFAULT_MAX_LIFETIME_TABLE,
  certificateNotAfter,
  maxLifetimeDays,
  replacementDueAt,
  validityPeriodDays,
} from "../../api/src/domain/lifetime";

const jst = (s: string): Date => new Date(`${s}+09:00`);
const DAY = 86_400_000;

describe("VAL-7 maximum certificate lifetime", () => {
  test.each([
    ["2020-01-01T00:00:00", 398],
    ["2026-03-14T23:59:59", 398],
    ["2026-03-15T00:00:00", 200], // = 2026-03-14T15:00Z: the JST date decides, so the cut comes 9 h before UTC midnight
    ["2027-03-14T23:59:59", 200],
    ["2027-03-15T00:00:00", 100],
    ["2029-03-14T23:59:59", 100],
    ["2029-03-15T00:00:00", 47],
    ["2035-01-01T00:00:00", 47],
  ])("VAL-7: a certificate issued %s JST may live at most %i days", (at, days) => {
    expect(maxLifetimeDays(jst(at))).toBe(days);
  });

  test("VAL-7: 2026-03-14T14:59:59Z is still 14 March in Japan (398), 2026-03-14T15:00:00Z is 15 March (200)", () => {
    expect(maxLifetimeDays(new Date("2026-03-14T14:59:59.000Z"))).toBe(398);
    expect(maxLifetimeDays(new Date("2026-03-14T15:00:00.000Z"))).toBe(200);
  });

  test.each([
    // notBefore, notAfter expected, maxDays
    ["2026-03-14T10:00:00", "2027-04-15T01:00:00.000Z", 398], // + 397 days
    ["2026-03-14T23:59:59", "2027-04-15T14:59:59.000Z", 398],
    ["2026-03-15T00:00:00", "2026-09-29T15:00:00.000Z", 200], // + 199 days
    ["2026-03-15T10:00:00", "2026-09-30T01:00:00.000Z", 200],
    ["2027-03-15T10:00:00", "2027-06-22T01:00:00.000Z", 100], // + 99 days
    ["2029-03-15T10:00:00", "2029-04-30T01:00:00.000Z", 47], // + 46 days
  ])("VAL-7: notBefore %s JST with a long term → notAfter %s (maximum %i days less one day)", (nb, na, maxDays) => {
    const r = certificateNotAfter({ notBefore: jst(nb), termEnd: jst("2031-12-31T23:59:59") });
    if (!r.ok) throw new Error(r.message);
    expect(r.notAfter.toISOString()).toBe(na);
    expect(r.maxDays).toBe(maxDays);
    expect(r.limitedBy).toBe("MAX_LIFETIME");
    // "Less one day" is exact on the instants …
    expect(r.notAfter.getTime() - jst(nb).getTime()).toBe((maxDays - 1) * DAY);
    // … and the Baseline Requirements count (inclusive, fractions rounded up) stays within the maximum.
    expect(validityPeriodDays(jst(nb), r.notAfter)).toBe(maxDays);
  });

  test("VAL-7: the term end wins when it comes first", () => {
    const r = certificateNotAfter({ notBefore: jst("2026-03-14T10:00:00"), termEnd: jst("2027-03-31T23:59:59") });
    if (!r.ok) throw new Error(r.message);
    expect(r.notAfter.toISOString()).toBe("2027-03-31T14:59:59.000Z");
    expect(r.limitedBy).toBe("TERM_END");
  });

  test("VAL-7: when term end and the cap coincide the term end is reported", () => {
    const r = certificateNotAfter({
      notBefore: jst("2029-03-15T10:00:00"),
      termEnd: new Date("2029-04-30T01:00:00.000Z"),
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.notAfter.toISOString()).toBe("2029-04-30T01:00:00.000Z");
    expect(r.limitedBy).toBe("TERM_END");
  });

  test("VAL-7: notBefore is truncated to the whole second", () => {
    const r = certificateNotAfter({
      notBefore: new Date("2026-03-15T01:00:00.750Z"),
      termEnd: jst("2031-12-31T23:59:59"),
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.notAfter.toISOString()).toBe("2026-09-30T01:00:00.000Z");
  });

  test("VAL-7: nothing can be issued once the term has ended", () => {
    const r = certificateNotAfter({ notBefore: jst("2027-04-01T00:00:00"), termEnd: jst("2027-03-31T23:59:59") });
    expect(r).toMatchObject({ ok: false, code: "TERM_ALREADY_ENDED" });
  });

  test("VAL-7: the table is configuration and can be replaced", () => {
    const table = [...DEFAULT_MAX_LIFETIME_TABLE, { from: "2030-01-01", value: 30 }];
    expect(maxLifetimeDays(jst("2030-01-01T00:00:00"), table)).toBe(30);
    expect(maxLifetimeDays(jst("2029-12-31T23:59:59"), table)).toBe(47);
  });

  test("VAL-7: a new certificate is due at two thirds of the current one's lifetime while the term runs on", () => {
    const notBefore = jst("2027-03-15T10:00:00");
    const notAfter = new Date(notBefore.getTime() + 99 * DAY);
    expect(replacementDueAt({ notBefore, notAfter, termEnd: jst("2029-03-31T23:59:59") })?.toISOString()).toBe(
      "2027-05-20T01:00:00.000Z",
    );
    expect(replacementDueAt({ notBefore, notAfter, termEnd: notAfter })).toBeNull();
  });

  test("VAL-7: validity is counted inclusively with any part of a day as a whole day", () => {
    const nb = new Date("2026-05-01T00:00:00.000Z");
    expect(validityPeriodDays(nb, new Date(nb.getTime() + 90 * DAY - 1000))).toBe(90);
    expect(validityPeriodDays(nb, new Date(nb.getTime() + 90 * DAY))).toBe(91);
  });
});
