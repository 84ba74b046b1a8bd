import { continuedEnd, usagePeriodEnd, usageState } from "../../api/src/domain";

const d = (s: string) => new Date(s);

describe("ACME-2: usage periods", () => {
  test("ACME-2: a registration runs 12 months to the end of the month (VAL-2, JST); a continuation adds 12 months to its end", () => {
    expect(usagePeriodEnd(d("2026-11-21T03:00:00Z"))).toEqual(d("2027-11-30T14:59:59Z"));
    expect(usagePeriodEnd(d("2027-02-15T00:00:00+09:00"))).toEqual(d("2028-02-29T14:59:59Z"));
    expect(continuedEnd(d("2027-11-30T14:59:59Z"))).toEqual(d("2028-11-30T14:59:59Z"));
  });

  const periods = [
    { kind: "REGISTRATION" as const, startsAt: d("2026-11-21T03:00:00Z"), endsAt: d("2027-11-30T14:59:59Z") },
    { kind: "CONTINUATION" as const, startsAt: d("2027-11-30T14:59:59Z"), endsAt: d("2028-11-30T14:59:59Z") },
  ];

  test("ACME-2: with a continuation the usage runs to the continued end", () => {
    expect(usageState({ periods, suspensions: [], endedAt: null, now: d("2028-01-01T00:00:00Z") })).toEqual({
      state: "ACTIVE",
      effectiveEnd: d("2028-11-30T14:59:59Z"),
      endedEarlyAt: null,
    });
  });

  test("ACME-6: a usage FQDN whose period ends during a suspension ends then, whatever was notified (the continuation does not take effect)", () => {
    const suspensions = [{ startsAt: d("2027-11-01T00:00:00Z"), endsAt: d("2027-12-31T00:00:00Z"), liftedAt: null }];
    expect(usageState({ periods, suspensions, endedAt: null, now: d("2027-12-01T00:00:00Z") })).toEqual({
      state: "ENDED",
      effectiveEnd: d("2027-11-30T14:59:59Z"),
      endedEarlyAt: null,
    });
    const lifted = [{ ...suspensions[0], liftedAt: d("2027-11-15T00:00:00Z") }];
    expect(usageState({ periods, suspensions: lifted, endedAt: null, now: d("2027-12-01T00:00:00Z") }).state).toBe(
      "ACTIVE",
    );
  });

  test("ACME-2: ended early by the reseller: ends at that instant", () => {
    expect(
      usageState({ periods, suspensions: [], endedAt: d("2027-01-01T00:00:00Z"), now: d("2027-02-01T00:00:00Z") }),
    ).toMatchObject({ state: "ENDED", effectiveEnd: d("2027-01-01T00:00:00Z") });
  });
});
