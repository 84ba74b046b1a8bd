import { byoLatestNotAfter, canRenewByoManagement, checkByoCertificate } from "../../api/src/domain/bring-your-own";

const jst = (s: string): Date => new Date(`${s}+09:00`);
const DAY = 86_400_000;
const now = jst("2026-05-01T12:00:00");

describe("VAL-8 bring-your-own certificates", () => {
  test("VAL-8: a certificate valid 12 months (to the end of the same day) fits the 12-month option", () => {
    const r = checkByoCertificate({
      notBefore: jst("2026-04-10T09:00:00"),
      notAfter: jst("2027-04-10T23:59:59"),
      term: 12,
      now,
    });
    expect(r).toEqual({ ok: true, validityDays: 366, managementRenewable: true });
  });

  test("VAL-8: one second past the day 12 months on does not fit 12 months", () => {
    const r = checkByoCertificate({
      notBefore: jst("2026-04-10T09:00:00"),
      notAfter: jst("2027-04-11T00:00:00"),
      term: 12,
      now,
    });
    expect(r).toMatchObject({ ok: false, code: "CERTIFICATE_EXCEEDS_TERM" });
    if (r.ok) throw new Error("expected refusal");
    expect(r.latestNotAfter?.toISOString()).toBe("2027-04-10T14:59:59.000Z");
  });

  test("VAL-8: a 398-day certificate needs the 24-month option", () => {
    const notBefore = jst("2026-03-01T10:00:00");
    const notAfter = new Date(notBefore.getTime() + 397 * DAY);
    expect(checkByoCertificate({ notBefore, notAfter, term: 12, now })).toMatchObject({
      ok: false,
      code: "CERTIFICATE_EXCEEDS_TERM",
    });
    expect(checkByoCertificate({ notBefore, notAfter, term: 24, now })).toMatchObject({ ok: true, validityDays: 398 });
  });

  test.each([
    ["2026-08-31T10:00:00", 6, "2027-02-28T14:59:59.000Z"],
    ["2027-08-31T10:00:00", 6, "2028-02-29T14:59:59.000Z"],
    ["2026-12-31T15:00:00", 6, "2027-06-30T14:59:59.000Z"],
  ])("VAL-8: notBefore %s JST with %i months may run to %s", (nb, months, latest) => {
    expect(byoLatestNotAfter(jst(nb), months)?.toISOString()).toBe(latest);
  });

  test("VAL-8: the unlimited option fits any certificate", () => {
    expect(byoLatestNotAfter(jst("2026-04-10T09:00:00"), "UNLIMITED")).toBeNull();
    const r = checkByoCertificate({
      notBefore: jst("2026-04-10T09:00:00"),
      notAfter: jst("2036-04-10T09:00:00"),
      term: "UNLIMITED",
      now,
    });
    expect(r).toMatchObject({ ok: true, managementRenewable: true });
  });

  test("VAL-8: expired and malformed certificates are refused", () => {
    expect(
      checkByoCertificate({
        notBefore: jst("2025-01-01T00:00:00"),
        notAfter: jst("2026-04-30T23:59:59"),
        term: 24,
        now,
      }),
    ).toMatchObject({
      ok: false,
      code: "CERTIFICATE_EXPIRED",
    });
    expect(
      checkByoCertificate({
        notBefore: jst("2026-04-10T00:00:00"),
        notAfter: jst("2026-04-10T00:00:00"),
        term: 12,
        now,
      }),
    ).toMatchObject({
      ok: false,
      code: "CERTIFICATE_VALIDITY_INVALID",
    });
  });

  test("VAL-8: management cannot be renewed when the certificate's own validity is 90 days or less", () => {
    const notBefore = new Date("2026-04-20T00:00:00.000Z");
    const ninety = new Date(notBefore.getTime() + 90 * DAY - 1000); // a typical 90-day certificate
    expect(checkByoCertificate({ notBefore, notAfter: ninety, term: 6, now })).toEqual({
      ok: true,
      validityDays: 90,
      managementRenewable: false,
    });
    expect(canRenewByoManagement({ notBefore, notAfter: ninety })).toMatchObject({
      ok: false,
      code: "MANAGEMENT_NOT_RENEWABLE_SHORT_VALIDITY",
      validityDays: 90,
    });
    const ninetyOne = new Date(notBefore.getTime() + 90 * DAY); // one second longer: 91 days as the BR count
    expect(canRenewByoManagement({ notBefore, notAfter: ninetyOne })).toEqual({ ok: true, validityDays: 91 });
    const fortySeven = new Date(notBefore.getTime() + 46 * DAY);
    expect(checkByoCertificate({ notBefore, notAfter: fortySeven, term: 6, now })).toEqual({
      ok: true,
      validityDays: 47,
      managementRenewable: false,
    });
  });
});
