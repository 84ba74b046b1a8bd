import { canReuseDcv, dcvReuseDays } from "../../api/src/domain/dcv-reuse";

const jst = (s: string): Date => new Date(`${s}+09:00`);

describe("APP-9 domain-validation reuse", () => {
  test.each([
    ["2026-03-14T23:59:59", 398],
    ["2026-03-15T00:00:00", 200],
    ["2027-03-14T23:59:59", 200],
    ["2027-03-15T00:00:00", 100],
    ["2029-03-14T23:59:59", 100],
    ["2029-03-15T00:00:00", 10],
  ])("APP-9: at %s JST a validation may be reused for %i days", (at, days) => {
    expect(dcvReuseDays(jst(at))).toBe(days);
  });

  test("APP-9: exactly 10 × 24 h old is still reusable; one millisecond more is not", () => {
    const validatedAt = jst("2029-03-05T10:00:00");
    const ok = canReuseDcv(validatedAt, jst("2029-03-15T10:00:00"));
    expect(ok).toMatchObject({ ok: true, reuseDays: 10 });
    if (ok.ok) expect(ok.validUntil.toISOString()).toBe("2029-03-15T01:00:00.000Z");
    expect(canReuseDcv(validatedAt, new Date("2029-03-15T01:00:00.001Z"))).toMatchObject({
      ok: false,
      code: "DCV_TOO_OLD",
      reuseDays: 10,
    });
  });

  test("APP-9: the period in force at issuance decides (207 days old: fine on 14 March 2026, too old on 15 March)", () => {
    const validatedAt = jst("2025-08-20T10:00:00");
    expect(canReuseDcv(validatedAt, jst("2026-03-14T10:00:00"))).toMatchObject({ ok: true, reuseDays: 398 });
    expect(canReuseDcv(validatedAt, jst("2026-03-15T10:00:00"))).toMatchObject({
      ok: false,
      code: "DCV_TOO_OLD",
      reuseDays: 200,
    });
    expect(canReuseDcv(jst("2025-09-01T10:00:00"), jst("2026-03-15T10:00:00"))).toMatchObject({
      ok: true,
      reuseDays: 200,
    });
  });

  test("APP-9: a validation dated after the issuance is refused", () => {
    expect(canReuseDcv(jst("2026-05-02T00:00:00"), jst("2026-05-01T00:00:00"))).toMatchObject({
      ok: false,
      code: "DCV_IN_FUTURE",
    });
  });
});
