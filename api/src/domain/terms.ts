/**
 * Contract terms: length (VAL-2), carry-over (VAL-3), renewal window (VAL-5), reissue (VAL-4).
 */
import { Result, ok, refuse } from "./errors";
import {
  MS_PER_HOUR,
  addMonthsClamped,
  assertInteger,
  assertValidDate,
  endOfMonthAfter,
  formatJst,
  jstDateOf,
  startOfMonth,
  toJst,
  wholeMonthsBetween,
} from "./jst";
import { MaxLifetimeTable, certificateNotAfter } from "./lifetime";

/** Carry-over is at most this many whole months (VAL-3). */
const MAX_CARRY_OVER_MONTHS = 12;
/** A term with carry-over never ends later than the end of the month this many months after its start (VAL-3). */
const MAX_TERM_MONTHS_WITH_CARRY_OVER = 38;
/** Default delay before the superseded certificate is revoked after a reissue (VAL-4 decision). */
const DEFAULT_REISSUE_GRACE_HOURS = 72;

function assertTermMonths(termMonths: number): void {
  assertInteger(termMonths, "termMonths", 1);
}

/**
 * VAL-2: a term of N months ends at the end of the same month N months after its start
 * (23:59:59 JST on the last day), the start month being read in JST.
 * 2026-02-10 + 12 → 2027-02-28T23:59:59+09:00; 2027-02-15 + 12 → 2028-02-29T23:59:59+09:00.
 * @rule VAL-2
 */
export function termEnd(start: Date, termMonths: number): Date {
  assertValidDate(start, "start");
  assertTermMonths(termMonths);
  return endOfMonthAfter(start, termMonths);
}

/** What a product must be for carry-over to apply (VAL-3). */
export interface CarryOverProduct {
  readonly validationLevel: "DV" | "OV" | "EV";
  readonly autoRenew: boolean;
  /** Bring-your-own certificates are managed, not issued, so nothing is carried into them. */
  readonly issuanceMode: "BUILT_IN_CA" | "BRING_YOUR_OWN";
}

/** VAL-3: carry-over is offered only for non-auto-renew DV/OV products issued by the built-in CA. */
export function carryOverAllowedFor(product: CarryOverProduct): boolean {
  return (
    (product.validationLevel === "DV" || product.validationLevel === "OV") &&
    !product.autoRenew &&
    product.issuanceMode === "BUILT_IN_CA"
  );
}

export interface CarryOverInput {
  /** Start of the new term (its issuance). */
  readonly start: Date;
  readonly termMonths: number;
  /**
   * notAfter of the still-valid certificate being replaced, from a CA the operator accepts. The
   * caller checks the CA and the product (`carryOverAllowedFor`); omit when there is none.
   */
  readonly previousNotAfter?: Date | null;
}

export interface TermWithCarryOver {
  /** Whole months carried over, 0..12. */
  readonly carryOverMonths: number;
  /** Term end before the 38-month cap. */
  readonly uncappedTermEnd: Date;
  /** The term end (VAL-2 end of month start + termMonths + carryOverMonths, capped). */
  readonly termEnd: Date;
  /** True when the 38-month cap cut the term short. */
  readonly capped: boolean;
}

/**
 * VAL-3: the new term with the previous certificate's remaining validity added.
 *
 * Whole months are counted by calendar-month stepping in JST from the new start: month k is whole
 * when the same day-and-time k months after the start (day clamped to the month's last day) is not
 * later than the previous notAfter; the remainder is dropped. A previous certificate that is no
 * longer valid at the start carries nothing. At most 12 months carry over, and the term never ends
 * later than the end of the month 38 months after the start month.
 * Example: start 2026-11-21, 12 months, previous notAfter 2027-04-15 → 4 months → 2028-03-31;
 * with 36 months → 2030-11 would result, capped at 2030-01-31.
 * @rule VAL-3
 */
export function termWithCarryOver(input: CarryOverInput): TermWithCarryOver {
  const { start, termMonths, previousNotAfter } = input;
  assertValidDate(start, "start");
  assertTermMonths(termMonths);
  let carryOverMonths = 0;
  if (previousNotAfter) {
    assertValidDate(previousNotAfter, "previousNotAfter");
    carryOverMonths = Math.min(MAX_CARRY_OVER_MONTHS, wholeMonthsBetween(start, previousNotAfter));
  }
  const uncapped = endOfMonthAfter(start, termMonths + carryOverMonths);
  const cap = endOfMonthAfter(start, MAX_TERM_MONTHS_WITH_CARRY_OVER);
  const capped = uncapped.getTime() > cap.getTime();
  return { carryOverMonths, uncappedTermEnd: uncapped, termEnd: capped ? cap : uncapped, capped };
}

type RenewalRefusalCode = "RENEWAL_WINDOW_NOT_OPEN" | "RENEWAL_WINDOW_CLOSED";

export interface RenewalWindow {
  /** 00:00 JST on the 1st of the month containing the date two months before the current expiry. */
  readonly opensAt: Date;
  /** The current expiry: after it there is nothing left to renew. */
  readonly closesAt: Date;
}

/**
 * VAL-5: the renewal window for a term expiring at `currentExpiry`.
 * The month containing "expiry minus two months" is always the expiry's JST month minus two (the
 * day only moves within that month when clamped), so the window opens on the 1st of that month.
 */
export function renewalWindow(currentExpiry: Date): RenewalWindow {
  assertValidDate(currentExpiry, "currentExpiry");
  const twoMonthsBefore = toJst(addMonthsClamped(currentExpiry, -2));
  return { opensAt: startOfMonth(twoMonthsBefore.year, twoMonthsBefore.month), closesAt: currentExpiry };
}

export interface RenewalInput {
  /**
   * The expiry being renewed: the current term's end. With VAL-7 a certificate's own notAfter can
   * be earlier than its term end; renewal extends the term, so callers pass the term end.
   */
  readonly currentExpiry: Date;
  readonly termMonths: number;
  readonly now: Date;
}

export type RenewalDecision = Result<
  { readonly opensAt: Date; readonly termStart: Date; readonly termEnd: Date },
  RenewalRefusalCode,
  { readonly opensAt: Date }
>;

/**
 * VAL-5: may a renewal with the same common name be applied for at `now`, and what is its term?
 * The renewed term is VAL-2 with the start read as the current expiry (2027-05-31 + 12 → 2028-05-31).
 * Decision: once the current expiry has passed the window is closed (RENEWAL_WINDOW_CLOSED); what
 * remains is a new application, not a renewal.
 * @rule VAL-5 — renewalWindow above gives the opening date
 */
export function decideRenewal(input: RenewalInput): RenewalDecision {
  const { currentExpiry, termMonths, now } = input;
  assertValidDate(now, "now");
  assertTermMonths(termMonths);
  const { opensAt } = renewalWindow(currentExpiry);
  if (now.getTime() < opensAt.getTime()) {
    return refuse(
      "RENEWAL_WINDOW_NOT_OPEN",
      `Renewal can be applied for from ${formatJst(opensAt)} (00:00 JST on ${jstDateOf(opensAt)}).`,
      `更新のお申し込みは${jstDateOf(opensAt)} 0:00（日本時間）から受け付けます。`,
      { opensAt },
    );
  }
  if (now.getTime() > currentExpiry.getTime()) {
    return refuse(
      "RENEWAL_WINDOW_CLOSED",
      `The term expired at ${formatJst(currentExpiry)}; apply for a new certificate instead of a renewal.`,
      `有効期間は${formatJst(currentExpiry)}に満了しています。更新ではなく新規にお申し込みください。`,
      { opensAt },
    );
  }
  return ok({ opensAt, termStart: currentExpiry, termEnd: termEnd(currentExpiry, termMonths) });
}

export interface ReissueInput {
  /** notAfter of the certificate being superseded. */
  readonly existingNotAfter: Date;
  /** notBefore of the new certificate (normally the issuance time). */
  readonly notBefore: Date;
  /** Revoke the superseded certificate at once instead of after the grace period. */
  readonly revokeSupersededImmediately?: boolean;
  /** Grace period in hours before the superseded certificate is revoked (default 72). */
  readonly graceHours?: number;
  /** VAL-7 table override (configuration); defaults to the built-in table. */
  readonly lifetimeTable?: MaxLifetimeTable;
}

type ReissueRefusalCode = "REISSUE_CERTIFICATE_EXPIRED";

export type ReissuePlan = Result<
  {
    /** notAfter of the new certificate. */
    readonly notAfter: Date;
    /** When the superseded certificate is to be revoked. */
    readonly revokeSupersededAt: Date;
    readonly revocationReason: "superseded";
  },
  ReissueRefusalCode
>;

/**
 * VAL-4: a reissue keeps the existing certificate's notAfter; the superseded certificate is revoked
 * with reason `superseded` after a grace period (default 72 h) or at once on request.
 * Decision: the new notAfter is additionally held to the VAL-7 maximum in force at the new
 * notBefore (the maximum may have shrunk since the original was issued), and the grace period never
 * runs past the superseded certificate's own notAfter (it expires by itself then). A certificate
 * that has already expired cannot be reissued.
 * @rule VAL-4
 */
export function planReissue(input: ReissueInput): ReissuePlan {
  const { existingNotAfter, notBefore } = input;
  assertValidDate(existingNotAfter, "existingNotAfter");
  assertValidDate(notBefore, "notBefore");
  const graceHours = input.graceHours ?? DEFAULT_REISSUE_GRACE_HOURS;
  assertInteger(graceHours, "graceHours", 0);
  if (notBefore.getTime() >= existingNotAfter.getTime()) {
    return refuse(
      "REISSUE_CERTIFICATE_EXPIRED",
      `The certificate expired at ${formatJst(existingNotAfter)} and cannot be reissued.`,
      `証明書は${formatJst(existingNotAfter)}に有効期間が満了しているため、再発行できません。`,
    );
  }
  const life = certificateNotAfter({ notBefore, termEnd: existingNotAfter, table: input.lifetimeTable });
  if (!life.ok) {
    return refuse("REISSUE_CERTIFICATE_EXPIRED", life.message, life.messageJa);
  }
  const afterGrace = input.revokeSupersededImmediately
    ? notBefore.getTime()
    : Math.min(notBefore.getTime() + graceHours * MS_PER_HOUR, existingNotAfter.getTime());
  return ok({
    notAfter: life.notAfter,
    revokeSupersededAt: new Date(afterGrace),
    revocationReason: "superseded" as const,
  });
}
