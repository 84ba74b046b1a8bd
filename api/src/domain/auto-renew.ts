/**
 * Auto-renew-type service periods (VAL-6).
 *
 * VAL-6: the service period runs from issuance to the end of that month and is extended by one
 * month at each month end unless the subscriber (via the reseller) or the operator gave notice
 * before it; extensions stop at the end of the term (VAL-2 from the issuance date).
 *
 * Decisions:
 * - A notice counts for the month end of the JST month in which it arrives (any time up to
 *   23:59:59.999 JST on the last day): the period then ends at that month end. A notice that
 *   arrives before issuance ends the service at the end of the issuance month.
 * - `noticeAt` is the earliest notice from either side; in `autoRenewStatus` a notice later than
 *   `now` has not been given yet and is ignored.
 * - The service has ended when `now` is later than the final period end (23:59:59.000 JST).
 */
import { assertInteger, assertValidDate, endOfMonthAfter, endOfMonthOf, maxDate, minDate } from "./jst";
import { termEnd as vaL2TermEnd } from "./terms";

export interface AutoRenewInput {
  /** Issuance time: the start of the service (and of the term). */
  readonly issuedAt: Date;
  /** Term in months (36 for the default auto-renew products). */
  readonly termMonths: number;
  /** Earliest notice not to extend, from the subscriber (via the reseller) or the operator. */
  readonly noticeAt?: Date | null;
}

export interface Extension {
  /** The month end at which the extension takes place. */
  readonly at: Date;
  /** The new end of the service period. */
  readonly extendsTo: Date;
}

export interface AutoRenewStatus {
  /** End of the whole term; extensions never go beyond it. */
  readonly termEnd: Date;
  /** The last period end as known at `now`: the term end, or the month end a notice stops at. */
  readonly serviceEnd: Date;
  readonly stoppedByNotice: boolean;
  readonly ended: boolean;
  /** End of the service period that contains `now` (before issuance: the first period); null once ended. */
  readonly currentPeriodEnd: Date | null;
  /** The next extension, or null when the current period is the last. */
  readonly nextExtension: Extension | null;
}

/**
 * The final end of service given a (possibly absent) notice.
 * @rule VAL-6 — autoRenewStatus and autoRenewExtensionsDue take the end of service from here
 */
function serviceEndFor(
  input: AutoRenewInput,
  notice: Date | null | undefined,
): { end: Date; termEnd: Date; byNotice: boolean } {
  assertValidDate(input.issuedAt, "issuedAt");
  assertInteger(input.termMonths, "termMonths", 1);
  const termEnd = vaL2TermEnd(input.issuedAt, input.termMonths);
  if (!notice) return { end: termEnd, termEnd, byNotice: false };
  assertValidDate(notice, "noticeAt");
  // VAL-6: the notice stops the extension at the month end it precedes.
  const stop = endOfMonthOf(maxDate(notice, input.issuedAt));
  return stop.getTime() < termEnd.getTime()
    ? { end: stop, termEnd, byNotice: true }
    : { end: termEnd, termEnd, byNotice: false };
}

/** VAL-6: the auto-renew service period at `now`. */
export function autoRenewStatus(input: AutoRenewInput & { readonly now: Date }): AutoRenewStatus {
  assertValidDate(input.now, "now");
  const notice = input.noticeAt && input.noticeAt.getTime() <= input.now.getTime() ? input.noticeAt : null;
  const { end, termEnd, byNotice } = serviceEndFor(input, notice);
  if (input.now.getTime() > end.getTime()) {
    return {
      termEnd,
      serviceEnd: end,
      stoppedByNotice: byNotice,
      ended: true,
      currentPeriodEnd: null,
      nextExtension: null,
    };
  }
  const currentPeriodEnd = minDate(endOfMonthOf(maxDate(input.now, input.issuedAt)), end);
  const nextExtension =
    currentPeriodEnd.getTime() < end.getTime()
      ? { at: currentPeriodEnd, extendsTo: endOfMonthAfter(currentPeriodEnd, 1) }
      : null;
  return { termEnd, serviceEnd: end, stoppedByNotice: byNotice, ended: false, currentPeriodEnd, nextExtension };
}

/**
 * VAL-6: the extensions that fall due in (after, upTo] — one per month end at which the service is
 * extended, in order. For the job that applies them; a notice is taken into account whenever it
 * arrived (a notice after a month end cannot affect that month end anyway).
 */
export function autoRenewExtensionsDue(
  input: AutoRenewInput & { readonly after: Date; readonly upTo: Date },
): Extension[] {
  assertValidDate(input.after, "after");
  assertValidDate(input.upTo, "upTo");
  const { end } = serviceEndFor(input, input.noticeAt);
  const result: Extension[] = [];
  // Month ends from the issuance month on; the last one that extends is the one before `end`.
  let at = endOfMonthOf(input.issuedAt);
  while (at.getTime() < end.getTime() && at.getTime() <= input.upTo.getTime()) {
    const next = endOfMonthAfter(at, 1);
    if (at.getTime() > input.after.getTime()) result.push({ at, extendsTo: next });
    at = next;
  }
  return result;
}
