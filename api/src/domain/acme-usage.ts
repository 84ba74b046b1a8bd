/**
 * The ACME variant's usage periods (ACME-2, ACME-6): pure rules over dates.
 */
import { assertValidDate, endOfMonthAfter } from "./jst";
import { termEnd } from "./terms";

/** ACME-2 Decision: a usage period is 12 months, ending at the end of a month (VAL-2). */
const USAGE_PERIOD_MONTHS = 12;

/**
 * ACME-2: the end of the usage period of a registration made at `registeredAt` (VAL-2 with 12 months).
 * @rule ACME-2 — the fee of each period is charged in usage-fqdn.service.ts
 */
export function usagePeriodEnd(registeredAt: Date): Date {
  return termEnd(registeredAt, USAGE_PERIOD_MONTHS);
}

/** ACME-2: a continuation adds 12 months to the current end (end of month, JST). */
export function continuedEnd(currentEnd: Date): Date {
  assertValidDate(currentEnd, "currentEnd");
  return endOfMonthAfter(currentEnd, USAGE_PERIOD_MONTHS);
}

export interface UsagePeriodSpan {
  kind: "REGISTRATION" | "CONTINUATION";
  startsAt: Date;
  endsAt: Date;
}

export interface SuspensionWindow {
  startsAt: Date;
  /** Null: until cured. */
  endsAt: Date | null;
  liftedAt: Date | null;
}

export interface UsageState {
  state: "ACTIVE" | "ENDED";
  /** When the usage ends (or ended), counting only the periods that take effect. */
  effectiveEnd: Date;
  /** The instant the registration ended early (ended by the reseller), if it did. */
  endedEarlyAt: Date | null;
}

function suspendedAt(s: SuspensionWindow, at: Date): boolean {
  const t = at.getTime();
  if (s.startsAt.getTime() > t) return false;
  if (s.endsAt !== null && s.endsAt.getTime() <= t) return false;
  return !(s.liftedAt !== null && s.liftedAt.getTime() <= t);
}

/**
 * ACME-2, ACME-6: where a usage FQDN stands at `now`. Periods take effect in order; a continuation
 * takes effect only if the reseller is not suspended at the instant it would start (ACME-6: "a usage
 * FQDN whose period ends during the suspension ends then, whatever was notified"). A suspension known
 * now and not yet lifted counts as lasting. An early end by the reseller ends it at that instant.
 * @rule ACME-6
 */
export function usageState(input: {
  periods: readonly UsagePeriodSpan[];
  suspensions: readonly SuspensionWindow[];
  endedAt: Date | null;
  now: Date;
}): UsageState {
  const sorted = [...input.periods].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  if (sorted.length === 0) throw new RangeError("a usage FQDN has at least its registration period");
  let end = sorted[0].endsAt;
  for (const p of sorted.slice(1)) {
    if (p.startsAt.getTime() > end.getTime()) break;
    if (input.suspensions.some((s) => suspendedAt(s, p.startsAt))) break;
    end = p.endsAt;
  }
  const endedEarlyAt = input.endedAt !== null && input.endedAt.getTime() < end.getTime() ? input.endedAt : null;
  const effectiveEnd = endedEarlyAt ?? end;
  return { state: input.now.getTime() < effectiveEnd.getTime() ? "ACTIVE" : "ENDED", effectiveEnd, endedEarlyAt };
}
