import {
  REVOCATION_REASONS,
  REVOCATION_REASON_CODES,
  RevocationActor,
  allowedRevocationReasons,
  canWithdrawRevocation,
  checkRevocationReason,
  crlReasonExtensionCode,
  isOverdue,
  isRevocationFinal,
  planRevocation,
  problemReportAnswerDeadline,
  revocationDeadline,
  revocationReasonFromCode,
} from "../../api/src/domain/revocation-policy";

const jst = (s: string): Date => new Date(`${s}+09:00`);

describe("REV-1 reasons and who may use them", () => {
  test("REV-1: the six reasons carry their RFC 5280 codes", () => {
    expect(REVOCATION_REASON_CODES).toEqual({
      unspecified: 0,
      keyCompromise: 1,
      affiliationChanged: 3,
      superseded: 4,
      cessationOfOperation: 5,
      privilegeWithdrawn: 9,
    });
    expect(REVOCATION_REASONS).toHaveLength(6);
  });

  test("REV-1: unspecified is written by leaving the reason extension out", () => {
    expect(crlReasonExtensionCode("unspecified")).toBeNull();
    expect(crlReasonExtensionCode("keyCompromise")).toBe(1);
    expect(crlReasonExtensionCode("privilegeWithdrawn")).toBe(9);
  });

  test.each([
    [0, "unspecified"],
    [1, "keyCompromise"],
    [2, null],
    [4, "superseded"],
    [6, null], // certificateHold: never used
    [8, null], // removeFromCRL: never used
    [9, "privilegeWithdrawn"],
    [10, null],
  ])("REV-1: code %i is %s", (code, reason) => {
    expect(revocationReasonFromCode(code)).toBe(reason);
  });

  const matrix: [RevocationActor, string, boolean][] = [];
  const allowed: Record<RevocationActor, number[]> = {
    SUBSCRIBER: [0, 1, 3, 4, 5],
    RESELLER: [0, 3, 5],
    OPERATOR: [0, 1, 3, 4, 5, 9],
  };
  for (const actor of ["SUBSCRIBER", "RESELLER", "OPERATOR"] as const) {
    for (const reason of REVOCATION_REASONS) {
      matrix.push([actor, reason, allowed[actor].includes(REVOCATION_REASON_CODES[reason])]);
    }
  }
  test.each(matrix)("REV-1: %s may revoke with %s: %s", (actor, reason, expected) => {
    const r = checkRevocationReason(actor, reason);
    expect(r.ok).toBe(expected);
    if (!r.ok) expect(r.code).toBe("REVOCATION_REASON_NOT_ALLOWED");
  });

  test("REV-1: allowed reasons per actor", () => {
    expect(allowedRevocationReasons("SUBSCRIBER")).toEqual([
      "unspecified",
      "keyCompromise",
      "affiliationChanged",
      "superseded",
      "cessationOfOperation",
    ]);
    expect(allowedRevocationReasons("RESELLER")).toEqual(["unspecified", "affiliationChanged", "cessationOfOperation"]);
    expect(allowedRevocationReasons("OPERATOR")).toEqual(REVOCATION_REASONS);
  });

  test.each(["certificateHold", "removeFromCRL", "aACompromise", "KEY_COMPROMISE", ""])(
    "REV-1: %p is never accepted, even from the operator",
    (reason) => {
      expect(checkRevocationReason("OPERATOR", reason)).toMatchObject({ ok: false, code: "REVOCATION_REASON_UNKNOWN" });
    },
  );
});

describe("REV-2 scheduled revocation", () => {
  test.each([
    ["2026-02-10T10:00:00", "2026-02-28T14:59:59.000Z"],
    ["2028-02-10T10:00:00", "2028-02-29T14:59:59.000Z"],
    ["2026-04-01T00:00:00", "2026-04-30T14:59:59.000Z"], // = 2026-03-31T15:00Z: already April in Japan
    ["2026-03-31T23:59:58", "2026-03-31T14:59:59.000Z"],
    ["2026-12-31T12:00:00", "2026-12-31T14:59:59.000Z"],
  ])("REV-2: cessationOfOperation requested %s JST for the end of the month is executed at %s", (at, executeAt) => {
    const r = planRevocation({
      actor: "SUBSCRIBER",
      reason: "cessationOfOperation",
      requestedAt: jst(at),
      atEndOfMonth: true,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scheduled).toBe(true);
    expect(r.executeAt.toISOString()).toBe(executeAt);
  });

  test("REV-2: superseded may be scheduled too", () => {
    expect(
      planRevocation({
        actor: "SUBSCRIBER",
        reason: "superseded",
        requestedAt: jst("2026-06-10T10:00:00"),
        atEndOfMonth: true,
      }),
    ).toMatchObject({
      ok: true,
      scheduled: true,
      code: 4,
    });
  });

  test.each(["unspecified", "keyCompromise", "affiliationChanged"])("REV-2: %s cannot be scheduled", (reason) => {
    expect(
      planRevocation({ actor: "SUBSCRIBER", reason, requestedAt: jst("2026-06-10T10:00:00"), atEndOfMonth: true }),
    ).toMatchObject({
      ok: false,
      code: "REVOCATION_REASON_NOT_SCHEDULABLE",
    });
  });

  test("REV-2: privilegeWithdrawn from a subscriber is refused on REV-1 grounds first", () => {
    expect(
      planRevocation({
        actor: "SUBSCRIBER",
        reason: "privilegeWithdrawn",
        requestedAt: jst("2026-06-10T10:00:00"),
        atEndOfMonth: true,
      }),
    ).toMatchObject({
      ok: false,
      code: "REVOCATION_REASON_NOT_ALLOWED",
    });
  });

  test("REV-2: without a schedule a revocation is executed at once", () => {
    const r = planRevocation({ actor: "OPERATOR", reason: "keyCompromise", requestedAt: jst("2026-06-10T10:00:00") });
    expect(r).toMatchObject({ ok: true, scheduled: false, reason: "keyCompromise", code: 1 });
    if (r.ok) expect(r.executeAt.toISOString()).toBe("2026-06-10T01:00:00.000Z");
  });
});

describe("REV-10 deadlines", () => {
  const receivedAt = new Date("2026-05-01T00:00:00.000Z");
  test.each([
    ["unspecified", false, "2026-05-02T00:00:00.000Z"],
    ["keyCompromise", false, "2026-05-02T00:00:00.000Z"],
    ["superseded", true, "2026-05-02T00:00:00.000Z"], // domain validation can no longer be relied on
    ["superseded", false, "2026-05-06T00:00:00.000Z"],
    ["affiliationChanged", false, "2026-05-06T00:00:00.000Z"],
    ["cessationOfOperation", false, "2026-05-06T00:00:00.000Z"],
    ["privilegeWithdrawn", false, "2026-05-06T00:00:00.000Z"],
  ] as const)("REV-10: %s (domain validation failure: %s) is due %s", (reason, dcv, due) => {
    expect(revocationDeadline({ reason, receivedAt, domainValidationFailure: dcv }).toISOString()).toBe(due);
  });

  test("REV-10: a scheduled revocation is due at its scheduled time", () => {
    const scheduledFor = new Date("2026-05-31T14:59:59.000Z");
    expect(revocationDeadline({ reason: "cessationOfOperation", receivedAt, scheduledFor }).toISOString()).toBe(
      "2026-05-31T14:59:59.000Z",
    );
  });

  test("REV-10: problem reports get a first answer within 24 hours; overdue strictly after", () => {
    const due = problemReportAnswerDeadline(receivedAt);
    expect(due.toISOString()).toBe("2026-05-02T00:00:00.000Z");
    expect(isOverdue(due, new Date("2026-05-02T00:00:00.000Z"))).toBe(false);
    expect(isOverdue(due, new Date("2026-05-02T00:00:00.001Z"))).toBe(true);
  });
});

describe("REV-7 finality", () => {
  const executeAt = new Date("2026-05-31T14:59:59.000Z");
  test("REV-7: a scheduled revocation can be withdrawn until it is executed", () => {
    expect(canWithdrawRevocation({ state: "SCHEDULED", executeAt, now: new Date("2026-05-31T14:59:58.999Z") })).toEqual(
      { ok: true },
    );
    expect(canWithdrawRevocation({ state: "SCHEDULED", executeAt, now: executeAt })).toMatchObject({
      ok: false,
      code: "REVOCATION_FINAL",
    });
  });

  test("REV-7: an executed revocation is final", () => {
    expect(isRevocationFinal("EXECUTED")).toBe(true);
    expect(isRevocationFinal("SCHEDULED")).toBe(false);
    expect(
      canWithdrawRevocation({ state: "EXECUTED", executeAt, now: new Date("2026-05-01T00:00:00.000Z") }),
    ).toMatchObject({ ok: false, code: "REVOCATION_FINAL" });
    expect(
      canWithdrawRevocation({ state: "WITHDRAWN", executeAt, now: new Date("2026-05-01T00:00:00.000Z") }),
    ).toMatchObject({
      ok: false,
      code: "REVOCATION_ALREADY_WITHDRAWN",
    });
  });
});
