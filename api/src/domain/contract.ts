/**
 * Contract dates and amounts: cancellation (CON-2), fee due date (CON-7), liability cap (CON-9).
 */
import { Result, ok, refuse } from "./errors";
import {
  JstDate,
  addDaysToDate,
  addMonthsClamped,
  assertInteger,
  assertValidDate,
  endOfMonthAfter,
  formatJst,
  jstDateAt,
  jstDateOf,
  parseJstDate,
  wholeMonthsBetween,
} from "./jst";

/** Days after the notice arrives before a cancellation can take effect (CON-2). */
export const CANCELLATION_NOTICE_DAYS = 30;

export interface CancellationInput {
  /** When the cancellation notice reached the operator. */
  readonly noticeArrivedAt: Date;
  /** The date the subscriber names in the notice, if any. */
  readonly requestedDate?: JstDate | null;
  /** End of the current term; the contract never runs past it. */
  readonly termEnd: Date;
}

export type CancellationResult = Result<
  {
    /** The JST date on which the cancellation takes effect. */
    readonly effectiveDate: JstDate;
    /** The last instant of the contract: 23:59:59 JST on the effective date (or the term end). */
    readonly endsAt: Date;
    /** The earliest date the notice allows (arrival + 30 days). */
    readonly earliestDate: JstDate;
    /** True when the term ends before the cancellation would have taken effect. */
    readonly endsWithTerm: boolean;
  },
  "NOT_DURING_TERM"
>;

/**
 * CON-2 [I 9.2]: a cancellation notice given during the term takes effect on the later of the day
 * 30 days after the notice arrives and the date the subscriber names. No refund (nothing to compute).
 *
 * Decisions:
 * - "30日を経過する日" counts in JST calendar days with the arrival day not counted (Civil Code
 *   art. 140): arrival on 2026-04-10 (any time) → 2026-05-10.
 * - The contract ends at the end of the effective day (23:59:59 JST), the same convention as a
 *   term end, so the subscriber keeps service through the day it named.
 * - A cancellation that would take effect after the term end simply ends with the term.
 * @rule CON-2
 */
export function cancellationEffectiveDate(input: CancellationInput): CancellationResult {
  const { noticeArrivedAt, termEnd } = input;
  assertValidDate(noticeArrivedAt, "noticeArrivedAt");
  assertValidDate(termEnd, "termEnd");
  if (noticeArrivedAt.getTime() > termEnd.getTime()) {
    return refuse(
      "NOT_DURING_TERM",
      `The term already ended at ${formatJst(termEnd)}; there is nothing to cancel.`,
      `契約期間は${formatJst(termEnd)}に終了しているため、解約できません。`,
    );
  }
  const earliestDate = addDaysToDate(jstDateOf(noticeArrivedAt), CANCELLATION_NOTICE_DAYS);
  let effectiveDate = earliestDate;
  if (input.requestedDate) {
    parseJstDate(input.requestedDate);
    if (input.requestedDate > effectiveDate) effectiveDate = input.requestedDate;
  }
  const endsAt = jstDateAt(effectiveDate, 23, 59, 59);
  if (endsAt.getTime() >= termEnd.getTime()) {
    return ok({ effectiveDate: jstDateOf(termEnd), endsAt: termEnd, earliestDate, endsWithTerm: true });
  }
  return ok({ effectiveDate, endsAt, earliestDate, endsWithTerm: false });
}

/**
 * CON-7 [S 8]: a fee is due by the end of the month after the certificate's issuance month
 * (23:59:59 JST). Issued 2026-01-31T15:30Z (= 1 Feb JST) → due 2026-03-31T23:59:59+09:00.
 * The due date is not moved off weekends or holidays; the terms do not say so.
 * @rule CON-7 — statementDueAt (payments.ts) gives a statement the due date of the fees of its month
 */
export function feeDueAt(issuedAt: Date): Date {
  assertValidDate(issuedAt, "issuedAt");
  return endOfMonthAfter(issuedAt, 1);
}

/** How the liability cap of a contract is computed (a product attribute). */
export type LiabilityBasis =
  /** J 19: fees actually received. */
  | "RECEIVED_FEES"
  /** J 19 proviso, auto-renew type: fees received in the last 12 months. */
  | "RECEIVED_LAST_12_MONTHS"
  /** S 25: the received fee pro-rated over the whole months remaining. */
  | "PRORATED_REMAINING_MONTHS";

export interface Payment {
  /** Integer yen actually received (negative for a refund). */
  readonly amountYen: number;
  readonly receivedAt: Date;
}

export interface LiabilityInput {
  readonly basis: LiabilityBasis;
  readonly payments: readonly Payment[];
  /** The time the cap is evaluated at (when the damage occurred). */
  readonly at: Date;
  /** Needed for PRORATED_REMAINING_MONTHS: the term's length in months and its end. */
  readonly termMonths?: number;
  readonly termEnd?: Date;
}

export interface LiabilityCap {
  readonly capYen: number;
  /** Sum of the payments counted for this basis. */
  readonly receivedYen: number;
  /** For PRORATED_REMAINING_MONTHS: whole months left in the term at `at`. */
  readonly remainingMonths?: number;
}

/**
 * CON-9 [J 19, S 25]: the liability cap shown on a contract.
 *
 * Decisions:
 * - Only payments received at or before `at` count.
 * - "Last 12 months" is (at − 12 calendar months, at] in JST.
 * - Pro-rating: floor(received × remaining whole months / term months), never more than received;
 *   remaining whole months are counted like VAL-3 (calendar-month stepping from `at` to the term
 *   end, partial month dropped — "1か月未満は切捨て").
 * - The cap is never negative.
 * @rule CON-9
 */
export function liabilityCap(input: LiabilityInput): LiabilityCap {
  const { basis, payments, at } = input;
  assertValidDate(at, "at");
  const since = basis === "RECEIVED_LAST_12_MONTHS" ? addMonthsClamped(at, -12).getTime() : -Infinity;
  let receivedYen = 0;
  for (const p of payments) {
    assertInteger(p.amountYen, "amountYen");
    assertValidDate(p.receivedAt, "receivedAt");
    const t = p.receivedAt.getTime();
    if (t <= at.getTime() && t > since) receivedYen += p.amountYen;
  }
  const received = Math.max(0, receivedYen);
  if (basis !== "PRORATED_REMAINING_MONTHS") return { capYen: received, receivedYen };
  if (input.termMonths === undefined || !input.termEnd) {
    throw new RangeError("PRORATED_REMAINING_MONTHS needs termMonths and termEnd");
  }
  assertInteger(input.termMonths, "termMonths", 1);
  const remainingMonths = Math.min(input.termMonths, wholeMonthsBetween(at, input.termEnd));
  const capYen = Math.min(received, Math.floor((received * remainingMonths) / input.termMonths));
  return { capYen, receivedYen, remainingMonths };
}
