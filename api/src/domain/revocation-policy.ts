/**
 * Revocation policy: reasons and who may use them (REV-1), scheduling (REV-2), deadlines (REV-10),
 * finality (REV-7).
 */
import { Result, ok, refuse } from "./errors";
import { MS_PER_HOUR, assertValidDate, endOfMonthOf, formatJst } from "./jst";

/** RFC 5280 CRLReason names allowed by the Baseline Requirements 7.2.2 for server certificates. */
export type RevocationReason =
  "unspecified" | "keyCompromise" | "affiliationChanged" | "superseded" | "cessationOfOperation" | "privilegeWithdrawn";

/** Who is asking. SUBSCRIBER means the subscriber acting through its reseller (REV-2). */
export type RevocationActor = "SUBSCRIBER" | "RESELLER" | "OPERATOR";

/** RFC 5280 CRLReason code of each usable reason. */
export const REVOCATION_REASON_CODES: Readonly<Record<RevocationReason, number>> = Object.freeze({
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  privilegeWithdrawn: 9,
});

/** SCREAMING_CASE names for the GraphQL enum. */
export const REVOCATION_REASON_ENUM: Readonly<Record<RevocationReason, string>> = Object.freeze({
  unspecified: "UNSPECIFIED",
  keyCompromise: "KEY_COMPROMISE",
  affiliationChanged: "AFFILIATION_CHANGED",
  superseded: "SUPERSEDED",
  cessationOfOperation: "CESSATION_OF_OPERATION",
  privilegeWithdrawn: "PRIVILEGE_WITHDRAWN",
});

export const REVOCATION_REASONS: readonly RevocationReason[] = Object.freeze(
  Object.keys(REVOCATION_REASON_CODES) as RevocationReason[],
);

/** REV-1: which actor may choose which reason. */
const REASONS_BY_ACTOR: Readonly<Record<RevocationActor, readonly RevocationReason[]>> = Object.freeze({
  SUBSCRIBER: Object.freeze([
    "unspecified",
    "keyCompromise",
    "affiliationChanged",
    "superseded",
    "cessationOfOperation",
  ] as const),
  RESELLER: Object.freeze(["unspecified", "affiliationChanged", "cessationOfOperation"] as const),
  OPERATOR: REVOCATION_REASONS,
});

function isRevocationReason(value: string): value is RevocationReason {
  return Object.prototype.hasOwnProperty.call(REVOCATION_REASON_CODES, value);
}

/** The reason for an RFC 5280 code; null for codes never used here (2, 6, 7, 8, 10 …). */
export function revocationReasonFromCode(code: number): RevocationReason | null {
  return REVOCATION_REASONS.find((r) => REVOCATION_REASON_CODES[r] === code) ?? null;
}

/**
 * The value for the CRL entry / OCSP reasonCode extension: null for `unspecified`, which is written
 * by leaving the extension out (BR 7.2.2).
 */
export function crlReasonExtensionCode(reason: RevocationReason): number | null {
  return reason === "unspecified" ? null : REVOCATION_REASON_CODES[reason];
}

export function allowedRevocationReasons(actor: RevocationActor): readonly RevocationReason[] {
  return REASONS_BY_ACTOR[actor];
}

export type ReasonRefusalCode = "REVOCATION_REASON_UNKNOWN" | "REVOCATION_REASON_NOT_ALLOWED";

/**
 * REV-1: may `actor` revoke with `reason`? Subscriber (via the reseller) 0, 1, 3, 4, 5; managing
 * reseller 0, 3, 5; operator all six. Anything else — including certificateHold (6) and
 * removeFromCRL (8), which are never used (REV-7) — is refused.
 * @rule REV-1
 */
export function checkRevocationReason(
  actor: RevocationActor,
  reason: string,
): Result<{ readonly reason: RevocationReason; readonly code: number }, ReasonRefusalCode> {
  if (!isRevocationReason(reason)) {
    return refuse(
      "REVOCATION_REASON_UNKNOWN",
      `"${reason}" is not a revocation reason used for server certificates.`,
      `「${reason}」はサーバー証明書の失効理由として使用できません。`,
    );
  }
  if (!REASONS_BY_ACTOR[actor].includes(reason)) {
    return refuse(
      "REVOCATION_REASON_NOT_ALLOWED",
      `A ${actor.toLowerCase()} may not revoke with reason ${reason}; allowed: ${REASONS_BY_ACTOR[actor].join(", ")}.`,
      `この立場では失効理由「${reason}」を指定できません（指定可能: ${REASONS_BY_ACTOR[actor].join(", ")}）。`,
    );
  }
  return ok({ reason, code: REVOCATION_REASON_CODES[reason] });
}

/** REV-2 decision: the only reasons whose revocation may wait for the end of the month. */
export const SCHEDULABLE_REVOCATION_REASONS: readonly RevocationReason[] = Object.freeze([
  "cessationOfOperation",
  "superseded",
] as const);

export interface RevocationRequest {
  readonly actor: RevocationActor;
  readonly reason: string;
  readonly requestedAt: Date;
  /** Ask for revocation at the end of the current month instead of at once (REV-2, J 10.2). */
  readonly atEndOfMonth?: boolean;
}

export type RevocationPlan = Result<
  {
    readonly reason: RevocationReason;
    readonly code: number;
    /** False: revoke now. True: revoke at `executeAt` unless withdrawn first. */
    readonly scheduled: boolean;
    readonly executeAt: Date;
  },
  ReasonRefusalCode | "REVOCATION_REASON_NOT_SCHEDULABLE"
>;

/**
 * REV-2: a revocation is executed at once, or — only for cessationOfOperation and superseded — at
 * the end of the current month (23:59:59 JST on its last day) when asked. Decision: scheduling is
 * limited by reason, not by actor; a request in the month's very last second gets an executeAt that
 * is already due, and the job executes it at once.
 * @rule REV-2
 */
export function planRevocation(request: RevocationRequest): RevocationPlan {
  assertValidDate(request.requestedAt, "requestedAt");
  const checked = checkRevocationReason(request.actor, request.reason);
  if (!checked.ok) return checked;
  if (!request.atEndOfMonth) {
    return ok({ reason: checked.reason, code: checked.code, scheduled: false, executeAt: request.requestedAt });
  }
  if (!SCHEDULABLE_REVOCATION_REASONS.includes(checked.reason)) {
    return refuse(
      "REVOCATION_REASON_NOT_SCHEDULABLE",
      `Revocation with reason ${checked.reason} is executed at once; only ${SCHEDULABLE_REVOCATION_REASONS.join(" and ")} can be scheduled for the end of the month.`,
      `失効理由「${checked.reason}」の失効は直ちに行われます。月末の失効を指定できるのは ${SCHEDULABLE_REVOCATION_REASONS.join("、")} のみです。`,
    );
  }
  return ok({
    reason: checked.reason,
    code: checked.code,
    scheduled: true,
    executeAt: endOfMonthOf(request.requestedAt),
  });
}

/** Baseline Requirements 4.9.1.1 revocation deadlines. */
export const REVOCATION_DEADLINE_SHORT_HOURS = 24;
export const REVOCATION_DEADLINE_LONG_HOURS = 5 * 24;
/** BR 4.9.5: a problem report gets a first answer within 24 hours. */
export const PROBLEM_REPORT_ANSWER_HOURS = 24;

export interface DeadlineInput {
  readonly reason: RevocationReason;
  /** When the request or problem report reached the operator. */
  readonly receivedAt: Date;
  /**
   * The revocation is because a domain validation can no longer be relied on (BR 4.9.1.1 (5);
   * recorded with reason `superseded` per BR 7.2.2) — a 24-hour case.
   */
  readonly domainValidationFailure?: boolean;
  /** For a scheduled revocation (REV-2): its execution time is its deadline. */
  readonly scheduledFor?: Date | null;
}

/**
 * REV-10: deadline of a revocation. 24 hours for unspecified (0), keyCompromise (1) and
 * domain-validation failures; 5 days for everything else; a scheduled revocation is due at its
 * scheduled time.
 * @rule REV-10 — problemReportAnswerDeadline below is the problem report's 24-hour first answer
 */
export function revocationDeadline(input: DeadlineInput): Date {
  assertValidDate(input.receivedAt, "receivedAt");
  if (input.scheduledFor) {
    assertValidDate(input.scheduledFor, "scheduledFor");
    return input.scheduledFor;
  }
  const short =
    input.reason === "unspecified" || input.reason === "keyCompromise" || input.domainValidationFailure === true;
  const hours = short ? REVOCATION_DEADLINE_SHORT_HOURS : REVOCATION_DEADLINE_LONG_HOURS;
  return new Date(input.receivedAt.getTime() + hours * MS_PER_HOUR);
}

/** REV-10: a problem report's first answer is due 24 hours after it arrives. */
export function problemReportAnswerDeadline(receivedAt: Date): Date {
  assertValidDate(receivedAt, "receivedAt");
  return new Date(receivedAt.getTime() + PROBLEM_REPORT_ANSWER_HOURS * MS_PER_HOUR);
}

/** True once `now` is past `deadline`. */
export function isOverdue(deadline: Date, now: Date): boolean {
  assertValidDate(deadline, "deadline");
  assertValidDate(now, "now");
  return now.getTime() > deadline.getTime();
}

export type RevocationState = "SCHEDULED" | "EXECUTED" | "WITHDRAWN";

/** REV-7: an executed revocation is final. */
export function isRevocationFinal(state: RevocationState): boolean {
  return state === "EXECUTED";
}

/**
 * REV-7: only a scheduled revocation that has not been executed can be withdrawn. Decision: once
 * its execution time has come it counts as executing and can no longer be withdrawn, even if the
 * job has not yet run.
 * @rule REV-7
 */
export function canWithdrawRevocation(input: {
  readonly state: RevocationState;
  readonly executeAt: Date;
  readonly now: Date;
}): Result<object, "REVOCATION_FINAL" | "REVOCATION_ALREADY_WITHDRAWN"> {
  assertValidDate(input.executeAt, "executeAt");
  assertValidDate(input.now, "now");
  if (input.state === "WITHDRAWN") {
    return refuse(
      "REVOCATION_ALREADY_WITHDRAWN",
      "This revocation request was already withdrawn.",
      "この失効申請はすでに取り下げられています。",
    );
  }
  if (input.state === "EXECUTED" || input.now.getTime() >= input.executeAt.getTime()) {
    return refuse(
      "REVOCATION_FINAL",
      `The revocation was executed (or became due) at ${formatJst(input.executeAt)} and is final.`,
      `失効は${formatJst(input.executeAt)}に実行済み（または実行時刻到来済み）のため、取り消せません。`,
    );
  }
  return ok({});
}
