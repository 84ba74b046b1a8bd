import { cancellationEffectiveDate, feeDueAt, liabilityCap } from "../../api/src/domain/contract";

const jst = (s: string): Date => new Date(`${s}+09:00`);
const termEnd = jst("2027-03-31T23:59:59");

describe("CON-2 cancellation effective date", () => {
  test.each([
    ["2026-04-10T10:00:00", null, "2026-05-10", "2026-05-10T14:59:59.000Z"],
    ["2026-04-10T23:59:59", null, "2026-05-10", "2026-05-10T14:59:59.000Z"],
    ["2026-04-11T00:00:00", null, "2026-05-11", "2026-05-11T14:59:59.000Z"], // = 2026-04-10T15:00Z: already the 11th in Japan
    ["2026-04-10T10:00:00", "2026-06-30", "2026-06-30", "2026-06-30T14:59:59.000Z"], // named date is later
    ["2026-04-10T10:00:00", "2026-04-20", "2026-05-10", "2026-05-10T14:59:59.000Z"], // named date too early
    ["2026-04-10T10:00:00", "2026-05-10", "2026-05-10", "2026-05-10T14:59:59.000Z"],
    ["2026-12-15T10:00:00", null, "2027-01-14", "2027-01-14T14:59:59.000Z"], // across the year end
    ["2027-01-30T10:00:00", null, "2027-03-01", "2027-03-01T14:59:59.000Z"], // February has 28 days
  ])("CON-2: notice arriving %s JST naming %s takes effect %s", (arrived, named, date, endsAt) => {
    const r = cancellationEffectiveDate({ noticeArrivedAt: jst(arrived), requestedDate: named, termEnd });
    if (!r.ok) throw new Error(r.message);
    expect(r.effectiveDate).toBe(date);
    expect(r.endsAt.toISOString()).toBe(endsAt);
    expect(r.endsWithTerm).toBe(false);
  });

  test("CON-2: 2028 is a leap year: notice on 30 Jan 2028 takes effect 29 Feb", () => {
    const r = cancellationEffectiveDate({
      noticeArrivedAt: jst("2028-01-30T10:00:00"),
      termEnd: jst("2029-01-31T23:59:59"),
    });
    expect(r).toMatchObject({ ok: true, effectiveDate: "2028-02-29", earliestDate: "2028-02-29" });
  });

  test("CON-2: a cancellation that would take effect after the term end ends with the term", () => {
    const r = cancellationEffectiveDate({ noticeArrivedAt: jst("2027-03-15T10:00:00"), termEnd });
    if (!r.ok) throw new Error(r.message);
    expect(r.effectiveDate).toBe("2027-03-31");
    expect(r.earliestDate).toBe("2027-04-14");
    expect(r.endsAt.toISOString()).toBe("2027-03-31T14:59:59.000Z");
    expect(r.endsWithTerm).toBe(true);
  });

  test("CON-2: a notice after the term is refused", () => {
    expect(cancellationEffectiveDate({ noticeArrivedAt: jst("2027-04-01T00:00:00"), termEnd })).toMatchObject({
      ok: false,
      code: "NOT_DURING_TERM",
    });
  });

  test("CON-2: a malformed named date is a programming error", () => {
    expect(() =>
      cancellationEffectiveDate({ noticeArrivedAt: jst("2026-04-10T10:00:00"), requestedDate: "2026-02-30", termEnd }),
    ).toThrow(RangeError);
  });
});

describe("CON-7 fee due date", () => {
  test.each([
    ["2026-01-31T15:30:00.000Z", "2026-03-31T14:59:59.000Z"], // 1 Feb JST → end of March
    ["2026-01-31T14:59:59.000Z", "2026-02-28T14:59:59.000Z"], // 31 Jan JST → end of February
    ["2026-12-10T01:00:00.000Z", "2027-01-31T14:59:59.000Z"],
    ["2028-01-05T01:00:00.000Z", "2028-02-29T14:59:59.000Z"],
  ])("CON-7: issued %s → fee due %s", (issued, due) => {
    expect(feeDueAt(new Date(issued)).toISOString()).toBe(due);
  });
});

describe("CON-9 liability cap", () => {
  const payments = [
    { amountYen: 11000, receivedAt: jst("2026-04-10T10:00:00") },
    { amountYen: 11000, receivedAt: jst("2027-04-10T10:00:00") },
    { amountYen: 11000, receivedAt: jst("2027-06-01T10:00:00") },
  ];

  test("CON-9: fees actually received by the time of the damage", () => {
    expect(liabilityCap({ basis: "RECEIVED_FEES", payments, at: jst("2027-05-01T00:00:00") })).toEqual({
      capYen: 22000,
      receivedYen: 22000,
    });
  });

  test("CON-9: auto-renew type: fees received in the last 12 months", () => {
    expect(liabilityCap({ basis: "RECEIVED_LAST_12_MONTHS", payments, at: jst("2027-05-01T00:00:00") }).capYen).toBe(
      11000,
    );
    // Exactly 12 months after a payment it has left the window (window is (at − 12 months, at]).
    expect(liabilityCap({ basis: "RECEIVED_LAST_12_MONTHS", payments, at: jst("2027-04-10T10:00:00") }).capYen).toBe(
      11000,
    );
    expect(liabilityCap({ basis: "RECEIVED_LAST_12_MONTHS", payments, at: jst("2027-04-10T09:59:59") }).capYen).toBe(
      11000,
    );
    expect(
      liabilityCap({ basis: "RECEIVED_LAST_12_MONTHS", payments, at: jst("2027-04-10T09:59:59") }).receivedYen,
    ).toBe(11000);
    expect(liabilityCap({ basis: "RECEIVED_LAST_12_MONTHS", payments, at: jst("2027-06-01T10:00:00") }).capYen).toBe(
      22000,
    );
  });

  test.each([
    ["2026-06-15T10:00:00", 9, 90000],
    ["2027-02-28T10:00:00", 1, 10000],
    ["2027-03-20T10:00:00", 0, 0],
    ["2026-02-25T10:00:00", 12, 120000], // 13 whole months to the term end, never more than the term
  ])("CON-9: pro-rated over whole months remaining at %s JST → %i months, ¥%i", (at, months, cap) => {
    const r = liabilityCap({
      basis: "PRORATED_REMAINING_MONTHS",
      payments: [{ amountYen: 120000, receivedAt: jst("2026-02-20T10:00:00") }],
      at: jst(at),
      termMonths: 12,
      termEnd,
    });
    expect(r.remainingMonths).toBe(months);
    expect(r.capYen).toBe(cap);
  });

  test("CON-9: pro-rating rounds down to the yen", () => {
    const r = liabilityCap({
      basis: "PRORATED_REMAINING_MONTHS",
      payments: [{ amountYen: 100000, receivedAt: jst("2026-04-01T10:00:00") }],
      at: jst("2026-08-15T10:00:00"),
      termMonths: 12,
      termEnd,
    });
    expect(r.remainingMonths).toBe(7);
    expect(r.capYen).toBe(58333);
  });

  test("CON-9: pro-rating needs the term", () => {
    expect(() =>
      liabilityCap({ basis: "PRORATED_REMAINING_MONTHS", payments, at: jst("2026-08-15T10:00:00") }),
    ).toThrow(RangeError);
  });
});
