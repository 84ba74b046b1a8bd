import {
  carryOverAllowedFor,
  decideRenewal,
  planReissue,
  renewalWindow,
  termEnd,
  termWithCarryOver,
} from "../../api/src/domain/terms";

const jst = (s: string): Date => new Date(`${s}+09:00`);
const iso = (d: Date | null | undefined): string | undefined => d?.toISOString();

describe("VAL-2 term end", () => {
  test("VAL-2: start 2026-02-10 + 12 months ends 2027-02-28 23:59:59 JST", () => {
    expect(termEnd(jst("2026-02-10T10:00:00"), 12).toISOString()).toBe("2027-02-28T14:59:59.000Z");
  });

  test("VAL-2: start 2027-02-15 + 12 months ends 2028-02-29 23:59:59 JST (leap year)", () => {
    expect(termEnd(jst("2027-02-15T10:00:00"), 12).toISOString()).toBe("2028-02-29T14:59:59.000Z");
  });

  test.each([
    ["2026-03-31T15:00:00.000Z", 12, "2027-04-30T14:59:59.000Z"], // already 1 April in Japan
    ["2026-03-31T14:59:59.000Z", 12, "2027-03-31T14:59:59.000Z"], // still 31 March in Japan
    ["2026-12-15T01:00:00.000Z", 1, "2027-01-31T14:59:59.000Z"], // across the year end
    ["2026-01-31T01:00:00.000Z", 1, "2026-02-28T14:59:59.000Z"],
    ["2026-02-10T01:00:00.000Z", 24, "2028-02-29T14:59:59.000Z"],
    ["2025-02-01T01:00:00.000Z", 36, "2028-02-29T14:59:59.000Z"],
    ["2026-12-31T15:00:00.000Z", 36, "2030-01-31T14:59:59.000Z"], // 1 Jan 2027 JST
  ])("VAL-2: start %s + %i months ends %s", (start, months, end) => {
    expect(termEnd(new Date(start), months).toISOString()).toBe(end);
  });

  test("VAL-2: a term needs a positive whole number of months", () => {
    expect(() => termEnd(jst("2026-02-10T10:00:00"), 0)).toThrow(RangeError);
    expect(() => termEnd(jst("2026-02-10T10:00:00"), 1.5)).toThrow(RangeError);
    expect(() => termEnd(new Date(Number.NaN), 12)).toThrow(TypeError);
  });
});

describe("VAL-3 carry-over", () => {
  const start = jst("2026-11-21T10:00:00");

  test("VAL-3: start 2026-11-21, 12 months, old certificate to 2027-04-15 carries 4 months, term ends 2028-03-31", () => {
    const r = termWithCarryOver({ start, termMonths: 12, previousNotAfter: jst("2027-04-15T23:59:59") });
    expect(r.carryOverMonths).toBe(4);
    expect(iso(r.termEnd)).toBe("2028-03-31T14:59:59.000Z");
    expect(r.capped).toBe(false);
  });

  test("VAL-3: with 36 months the sum is capped at 2030-01-31 (end of month 38 months after the start)", () => {
    const r = termWithCarryOver({ start, termMonths: 36, previousNotAfter: jst("2027-04-15T23:59:59") });
    expect(r.carryOverMonths).toBe(4);
    // 2026-11 + 36 + 4 = 2030-03 (RULES.md's "2030-11" would be 36 + 12; the cap is the same).
    expect(iso(r.uncappedTermEnd)).toBe("2030-03-31T14:59:59.000Z");
    expect(iso(r.termEnd)).toBe("2030-01-31T14:59:59.000Z");
    expect(r.capped).toBe(true);
  });

  test("VAL-3: carry-over is capped at 12 whole months", () => {
    const r = termWithCarryOver({ start, termMonths: 12, previousNotAfter: jst("2029-01-01T00:00:00") });
    expect(r.carryOverMonths).toBe(12);
    expect(iso(r.termEnd)).toBe("2028-11-30T14:59:59.000Z");
  });

  test.each([
    ["2027-03-21T09:59:59", 3], // the 4th month is one second short: dropped
    ["2027-03-21T10:00:00", 4],
    ["2026-12-21T09:59:59", 0],
    ["2026-12-21T10:00:00", 1],
    ["2026-11-20T23:59:59", 0], // already expired at the new start
  ])("VAL-3: partial months are dropped (old notAfter %s → %i months)", (notAfter, months) => {
    expect(termWithCarryOver({ start, termMonths: 12, previousNotAfter: jst(notAfter) }).carryOverMonths).toBe(months);
  });

  test("VAL-3: month stepping clamps to the month's last day (31 Jan → 28 Feb)", () => {
    expect(
      termWithCarryOver({
        start: jst("2026-01-31T10:00:00"),
        termMonths: 12,
        previousNotAfter: jst("2026-02-28T23:59:59"),
      }).carryOverMonths,
    ).toBe(1);
    expect(
      termWithCarryOver({
        start: jst("2027-01-31T10:00:00"),
        termMonths: 12,
        previousNotAfter: jst("2027-02-28T09:00:00"),
      }).carryOverMonths,
    ).toBe(0);
  });

  test("VAL-3: a term reaching exactly month 38 is not capped; month 39 is", () => {
    const exactly = termWithCarryOver({ start, termMonths: 36, previousNotAfter: jst("2027-01-25T23:59:59") });
    expect(exactly.carryOverMonths).toBe(2);
    expect(iso(exactly.termEnd)).toBe("2030-01-31T14:59:59.000Z");
    expect(exactly.capped).toBe(false);
    const over = termWithCarryOver({ start, termMonths: 36, previousNotAfter: jst("2027-02-25T23:59:59") });
    expect(over.carryOverMonths).toBe(3);
    expect(iso(over.termEnd)).toBe("2030-01-31T14:59:59.000Z");
    expect(over.capped).toBe(true);
  });

  test("VAL-3: without a previous certificate nothing carries over", () => {
    const r = termWithCarryOver({ start, termMonths: 12 });
    expect(r.carryOverMonths).toBe(0);
    expect(iso(r.termEnd)).toBe("2027-11-30T14:59:59.000Z");
  });

  test("VAL-3: only non-auto-renew DV/OV products issued by the built-in CA take carry-over", () => {
    expect(carryOverAllowedFor({ validationLevel: "DV", autoRenew: false, issuanceMode: "BUILT_IN_CA" })).toBe(true);
    expect(carryOverAllowedFor({ validationLevel: "OV", autoRenew: false, issuanceMode: "BUILT_IN_CA" })).toBe(true);
    expect(carryOverAllowedFor({ validationLevel: "EV", autoRenew: false, issuanceMode: "BUILT_IN_CA" })).toBe(false);
    expect(carryOverAllowedFor({ validationLevel: "DV", autoRenew: true, issuanceMode: "BUILT_IN_CA" })).toBe(false);
    expect(carryOverAllowedFor({ validationLevel: "OV", autoRenew: false, issuanceMode: "BRING_YOUR_OWN" })).toBe(
      false,
    );
  });
});

describe("VAL-5 renewal window", () => {
  const expiry = jst("2027-05-31T23:59:59");

  test("VAL-5: expiry 2027-05-31 → window opens 2027-03-01 00:00 JST; 12 months → term ends 2028-05-31", () => {
    expect(renewalWindow(expiry).opensAt.toISOString()).toBe("2027-02-28T15:00:00.000Z");
    const r = decideRenewal({ currentExpiry: expiry, termMonths: 12, now: jst("2027-03-01T00:00:00") });
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) throw new Error("expected ok");
    expect(r.termStart.toISOString()).toBe("2027-05-31T14:59:59.000Z");
    expect(r.termEnd.toISOString()).toBe("2028-05-31T14:59:59.000Z");
  });

  test("VAL-5: one millisecond before the window opens the renewal is refused, naming the opening date", () => {
    const r = decideRenewal({ currentExpiry: expiry, termMonths: 12, now: new Date("2027-02-28T14:59:59.999Z") });
    expect(r.ok).toBe(false);
    if (r.ok) throw new Error("expected refusal");
    expect(r.code).toBe("RENEWAL_WINDOW_NOT_OPEN");
    expect(r.opensAt.toISOString()).toBe("2027-02-28T15:00:00.000Z");
    expect(r.message).toContain("2027-03-01");
    expect(r.messageJa).toContain("2027-03-01");
  });

  test.each([
    ["2027-03-31T23:59:59", "2026-12-31T15:00:00.000Z"], // opens 2027-01-01
    ["2027-01-31T23:59:59", "2026-10-31T15:00:00.000Z"], // opens 2026-11-01
    ["2027-02-28T23:59:59", "2026-11-30T15:00:00.000Z"], // opens 2026-12-01
    ["2028-04-30T23:59:59", "2028-01-31T15:00:00.000Z"], // opens 2028-02-01
    ["2027-04-15T12:00:00", "2027-01-31T15:00:00.000Z"], // mid-month expiry: opens 2027-02-01
  ])("VAL-5: expiry %s → window opens %s", (exp, opens) => {
    expect(renewalWindow(jst(exp)).opensAt.toISOString()).toBe(opens);
  });

  test("VAL-5: at the expiry itself renewal is still open; after it, closed", () => {
    expect(decideRenewal({ currentExpiry: expiry, termMonths: 24, now: expiry })).toMatchObject({ ok: true });
    const after = decideRenewal({ currentExpiry: expiry, termMonths: 12, now: new Date("2027-05-31T15:00:00.000Z") });
    expect(after).toMatchObject({ ok: false, code: "RENEWAL_WINDOW_CLOSED" });
  });

  test("VAL-5: a 24-month renewal from 2027-02-28 ends 2029-02-28", () => {
    const r = decideRenewal({
      currentExpiry: jst("2027-02-28T23:59:59"),
      termMonths: 24,
      now: jst("2027-01-10T12:00:00"),
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.termEnd.toISOString()).toBe("2029-02-28T14:59:59.000Z");
  });
});

describe("VAL-4 reissue", () => {
  test("VAL-4: the reissued certificate keeps the existing notAfter; superseded revoked after 72 hours", () => {
    const r = planReissue({ existingNotAfter: jst("2026-12-31T23:59:59"), notBefore: jst("2026-07-01T10:00:00") });
    if (!r.ok) throw new Error(r.message);
    expect(r.notAfter.toISOString()).toBe("2026-12-31T14:59:59.000Z");
    expect(r.revokeSupersededAt.toISOString()).toBe("2026-07-04T01:00:00.000Z");
    expect(r.revocationReason).toBe("superseded");
  });

  test("VAL-4: at the subscriber's request the superseded certificate is revoked at once", () => {
    const r = planReissue({
      existingNotAfter: jst("2026-12-31T23:59:59"),
      notBefore: jst("2026-07-01T10:00:00"),
      revokeSupersededImmediately: true,
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.revokeSupersededAt.toISOString()).toBe("2026-07-01T01:00:00.000Z");
  });

  test("VAL-4: the grace period is configurable and never runs past the old certificate's expiry", () => {
    const r = planReissue({
      existingNotAfter: jst("2026-12-31T23:59:59"),
      notBefore: jst("2026-12-30T10:00:00"),
      graceHours: 72,
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.revokeSupersededAt.toISOString()).toBe("2026-12-31T14:59:59.000Z");
    const r24 = planReissue({
      existingNotAfter: jst("2026-12-31T23:59:59"),
      notBefore: jst("2026-07-01T10:00:00"),
      graceHours: 24,
    });
    if (!r24.ok) throw new Error(r24.message);
    expect(r24.revokeSupersededAt.toISOString()).toBe("2026-07-02T01:00:00.000Z");
  });

  test("VAL-4: the reissue is held to the VAL-7 maximum in force at its own notBefore", () => {
    // Original issued under the 398-day maximum; reissued after 2026-03-15 when 200 days apply.
    const r = planReissue({ existingNotAfter: jst("2027-04-11T10:00:00"), notBefore: jst("2026-03-20T10:00:00") });
    if (!r.ok) throw new Error(r.message);
    expect(r.notAfter.toISOString()).toBe("2026-10-05T01:00:00.000Z");
  });

  test("VAL-4: an expired certificate cannot be reissued", () => {
    const r = planReissue({ existingNotAfter: jst("2026-12-31T23:59:59"), notBefore: jst("2027-01-01T00:00:00") });
    expect(r).toMatchObject({ ok: false, code: "REISSUE_CERTIFICATE_EXPIRED" });
  });
});
