import { autoRenewExtensionsDue, autoRenewStatus } from "../../api/src/domain/auto-renew";

const jst = (s: string): Date => new Date(`${s}+09:00`);

describe("VAL-6 auto-renew service periods", () => {
  const issuedAt = jst("2026-04-10T10:00:00");
  const base = { issuedAt, termMonths: 36 };

  test("VAL-6: the first period runs from issuance to the end of that month and is then extended by a month", () => {
    const s = autoRenewStatus({ ...base, now: jst("2026-04-20T12:00:00") });
    expect(s.termEnd.toISOString()).toBe("2029-04-30T14:59:59.000Z");
    expect(s.serviceEnd.toISOString()).toBe("2029-04-30T14:59:59.000Z");
    expect(s.ended).toBe(false);
    expect(s.currentPeriodEnd?.toISOString()).toBe("2026-04-30T14:59:59.000Z");
    expect(s.nextExtension?.at.toISOString()).toBe("2026-04-30T14:59:59.000Z");
    expect(s.nextExtension?.extendsTo.toISOString()).toBe("2026-05-31T14:59:59.000Z");
  });

  test("VAL-6: at 00:00 JST on 1 May (2026-04-30T15:00Z) the current period ends 31 May", () => {
    const s = autoRenewStatus({ ...base, now: new Date("2026-04-30T15:00:00.000Z") });
    expect(s.currentPeriodEnd?.toISOString()).toBe("2026-05-31T14:59:59.000Z");
  });

  test("VAL-6: before issuance the first period is reported", () => {
    const s = autoRenewStatus({ ...base, now: jst("2026-04-01T00:00:00") });
    expect(s.currentPeriodEnd?.toISOString()).toBe("2026-04-30T14:59:59.000Z");
  });

  test("VAL-6: notice given before a month end stops the extension at that month end", () => {
    const s = autoRenewStatus({ ...base, noticeAt: jst("2026-06-15T12:00:00"), now: jst("2026-06-20T00:00:00") });
    expect(s.serviceEnd.toISOString()).toBe("2026-06-30T14:59:59.000Z");
    expect(s.stoppedByNotice).toBe(true);
    expect(s.currentPeriodEnd?.toISOString()).toBe("2026-06-30T14:59:59.000Z");
    expect(s.nextExtension).toBeNull();
    const after = autoRenewStatus({
      ...base,
      noticeAt: jst("2026-06-15T12:00:00"),
      now: new Date("2026-06-30T15:00:00.000Z"),
    });
    expect(after.ended).toBe(true);
    expect(after.currentPeriodEnd).toBeNull();
  });

  test.each([
    ["2026-06-30T23:59:59.500", "2026-06-30T14:59:59.000Z"], // last moment of June in Japan still counts for June
    ["2026-07-01T00:00:00.000", "2026-07-31T14:59:59.000Z"], // too late for June: runs to the end of July
  ])("VAL-6: notice at %s JST ends the service at %s", (notice, end) => {
    const s = autoRenewStatus({ ...base, noticeAt: jst(notice), now: jst("2026-07-01T12:00:00") });
    expect(s.serviceEnd.toISOString()).toBe(end);
  });

  test("VAL-6: a notice not yet given at `now` does not count", () => {
    const s = autoRenewStatus({ ...base, noticeAt: jst("2026-06-15T12:00:00"), now: jst("2026-06-10T00:00:00") });
    expect(s.stoppedByNotice).toBe(false);
    expect(s.nextExtension?.at.toISOString()).toBe("2026-06-30T14:59:59.000Z");
  });

  test("VAL-6: a notice before issuance ends the service at the end of the issuance month", () => {
    const s = autoRenewStatus({ ...base, noticeAt: jst("2026-03-20T00:00:00"), now: jst("2026-04-20T00:00:00") });
    expect(s.serviceEnd.toISOString()).toBe("2026-04-30T14:59:59.000Z");
  });

  test("VAL-6: extensions stop at the end of the term", () => {
    const last = autoRenewStatus({ ...base, now: jst("2029-04-15T00:00:00") });
    expect(last.currentPeriodEnd?.toISOString()).toBe("2029-04-30T14:59:59.000Z");
    expect(last.nextExtension).toBeNull();
    expect(autoRenewStatus({ ...base, now: new Date("2029-04-30T15:00:00.000Z") }).ended).toBe(true);
    const late = autoRenewStatus({ ...base, noticeAt: jst("2029-05-10T00:00:00"), now: jst("2029-05-20T00:00:00") });
    expect(late.stoppedByNotice).toBe(false);
    expect(late.serviceEnd.toISOString()).toBe("2029-04-30T14:59:59.000Z");
  });

  test("VAL-6: issuance at 2026-01-31T15:30Z is 1 February in Japan; the first period ends 28 February", () => {
    const s = autoRenewStatus({
      issuedAt: new Date("2026-01-31T15:30:00.000Z"),
      termMonths: 36,
      now: new Date("2026-01-31T15:30:00.000Z"),
    });
    expect(s.currentPeriodEnd?.toISOString()).toBe("2026-02-28T14:59:59.000Z");
    expect(s.termEnd.toISOString()).toBe("2029-02-28T14:59:59.000Z");
  });

  test("VAL-6: extensions due between two instants, one per month end", () => {
    const due = autoRenewExtensionsDue({
      ...base,
      after: jst("2026-04-01T00:00:00"),
      upTo: jst("2026-07-15T00:00:00"),
    });
    expect(due.map((e) => [e.at.toISOString(), e.extendsTo.toISOString()])).toEqual([
      ["2026-04-30T14:59:59.000Z", "2026-05-31T14:59:59.000Z"],
      ["2026-05-31T14:59:59.000Z", "2026-06-30T14:59:59.000Z"],
      ["2026-06-30T14:59:59.000Z", "2026-07-31T14:59:59.000Z"],
    ]);
  });

  test("VAL-6: the window is (after, upTo]: a month end equal to `after` is not repeated", () => {
    const due = autoRenewExtensionsDue({
      ...base,
      after: new Date("2026-04-30T14:59:59.000Z"),
      upTo: new Date("2026-05-31T14:59:59.000Z"),
    });
    expect(due.map((e) => e.at.toISOString())).toEqual(["2026-05-31T14:59:59.000Z"]);
  });

  test("VAL-6: a notice removes the extensions from its month end on", () => {
    const due = autoRenewExtensionsDue({
      ...base,
      noticeAt: jst("2026-05-20T00:00:00"),
      after: jst("2026-04-01T00:00:00"),
      upTo: jst("2026-12-31T00:00:00"),
    });
    expect(due.map((e) => e.at.toISOString())).toEqual(["2026-04-30T14:59:59.000Z"]);
  });

  test("VAL-6: a 36-month term has 36 extensions, the last one reaching the term end", () => {
    const due = autoRenewExtensionsDue({
      ...base,
      after: jst("2026-01-01T00:00:00"),
      upTo: jst("2031-01-01T00:00:00"),
    });
    expect(due).toHaveLength(36);
    expect(due[35].at.toISOString()).toBe("2029-03-31T14:59:59.000Z");
    expect(due[35].extendsTo.toISOString()).toBe("2029-04-30T14:59:59.000Z");
  });
});
