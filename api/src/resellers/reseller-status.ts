/**
 * RES-8, RES-9, RES-11: the one place that says whether a reseller is active, suspended or terminated
 * at a given instant. The `reseller.status` column caches this answer: governance actions rewrite it
 * in their transaction, and a job at every suspension start and end (and termination date) rewrites
 * it at that instant, so every check that reads the column (requireBrokeringReseller) is right.
 */
export type ResellerStatusValue = "ACTIVE" | "SUSPENDED" | "TERMINATED";

export interface SuspensionSpan {
  startsAt: Date;
  /** Null: until cured (lifted). */
  endsAt: Date | null;
  liftedAt: Date | null;
}

/** A suspension is in force from its start until its end or its lifting, whichever comes first. */
export function suspensionInForce(s: SuspensionSpan, now: Date): boolean {
  const t = now.getTime();
  if (s.startsAt.getTime() > t) return false;
  if (s.endsAt !== null && s.endsAt.getTime() <= t) return false;
  if (s.liftedAt !== null && s.liftedAt.getTime() <= t) return false;
  return true;
}

export function resellerStatusAt(input: {
  terminationEffectiveAt: Date | null;
  suspensions: SuspensionSpan[];
  now: Date;
}): ResellerStatusValue {
  if (input.terminationEffectiveAt !== null && input.terminationEffectiveAt.getTime() <= input.now.getTime())
    return "TERMINATED";
  return input.suspensions.some((s) => suspensionInForce(s, input.now)) ? "SUSPENDED" : "ACTIVE";
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** RES-8: a cure notice's deadline is at least 30 days after its issue. */
export const CURE_NOTICE_MIN_DAYS = 30;
/** RES-11: the handover data is demanded with a deadline at least 10 days ahead. */
export const HANDOVER_MIN_DAYS = 10;

export function atLeastDaysAfter(later: Date, earlier: Date, days: number): boolean {
  return later.getTime() - earlier.getTime() >= days * DAY_MS;
}
