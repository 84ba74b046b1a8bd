/**
 * Certificate lifetime (VAL-7): the industry maximum in force on the issuance date, and notAfter.
 */
import { EffectiveDatedTable, entryInForce, validateEffectiveDatedTable } from "./effective-dated";
import { Result, ok, refuse } from "./errors";
import { MS_PER_DAY, MS_PER_SECOND, assertValidDate, formatJst } from "./jst";

/** An effective-dated table of maximum lifetimes in days. */
export type MaxLifetimeTable = EffectiveDatedTable<number>;

/**
 * CA/Browser Forum Baseline Requirements 6.3.2 as amended by ballot SC-081. Default value of the
 * configurable table (VAL-7 decision).
 */
export const DEFAULT_MAX_LIFETIME_TABLE: MaxLifetimeTable = Object.freeze([
  { from: null, value: 398 },
  { from: "2026-03-15", value: 200 },
  { from: "2027-03-15", value: 100 },
  { from: "2029-03-15", value: 47 },
]);

validateEffectiveDatedTable(DEFAULT_MAX_LIFETIME_TABLE, "DEFAULT_MAX_LIFETIME_TABLE");

/** VAL-7: the maximum lifetime in days for a certificate issued (notBefore) at `issuedAt`. */
export function maxLifetimeDays(issuedAt: Date, table: MaxLifetimeTable = DEFAULT_MAX_LIFETIME_TABLE): number {
  assertValidDate(issuedAt, "issuedAt");
  const entry = entryInForce(table, issuedAt);
  if (!entry) throw new RangeError(`no maximum lifetime in force at ${issuedAt.toISOString()}`);
  return entry.value;
}

/**
 * The validity period in days as the Baseline Requirements count it: notBefore through notAfter
 * inclusive (so one second longer than notAfter - notBefore), any fraction of a day counting as a
 * whole day.
 */
export function validityPeriodDays(notBefore: Date, notAfter: Date): number {
  assertValidDate(notBefore, "notBefore");
  assertValidDate(notAfter, "notAfter");
  const inclusiveMs = notAfter.getTime() - notBefore.getTime() + MS_PER_SECOND;
  return Math.ceil(inclusiveMs / MS_PER_DAY);
}

export interface NotAfterInput {
  readonly notBefore: Date;
  /** End of the contract term (VAL-2 / VAL-3). */
  readonly termEnd: Date;
  /** Configuration override of the VAL-7 table. */
  readonly table?: MaxLifetimeTable;
}

export type NotAfterResult = Result<
  {
    readonly notAfter: Date;
    /** Maximum lifetime in force at notBefore. */
    readonly maxDays: number;
    /** Which bound decided notAfter. */
    readonly limitedBy: "TERM_END" | "MAX_LIFETIME";
  },
  "TERM_ALREADY_ENDED"
>;

/**
 * VAL-7: notAfter = min(termEnd, notBefore + (maxDays - 1) days).
 *
 * "Less one day" is taken literally on the instants: notAfter - notBefore is at most exactly
 * (maxDays - 1) × 24 h. Counted the Baseline Requirements way (inclusive, fractions rounded up)
 * that period is maxDays days at most, so the certificate never exceeds the maximum even though
 * notAfter is an exact multiple of days away. notBefore is first truncated to the whole second
 * (X.509 times have one-second resolution) so the encoded certificate keeps that distance.
 * @rule VAL-7
 */
export function certificateNotAfter(input: NotAfterInput): NotAfterResult {
  assertValidDate(input.notBefore, "notBefore");
  assertValidDate(input.termEnd, "termEnd");
  const notBeforeMs = Math.floor(input.notBefore.getTime() / MS_PER_SECOND) * MS_PER_SECOND;
  if (input.termEnd.getTime() <= notBeforeMs) {
    return refuse(
      "TERM_ALREADY_ENDED",
      `The term ended at ${formatJst(input.termEnd)}; no certificate can be issued in it.`,
      `契約期間は${formatJst(input.termEnd)}に終了しているため、証明書を発行できません。`,
    );
  }
  const maxDays = maxLifetimeDays(new Date(notBeforeMs), input.table);
  const capMs = notBeforeMs + (maxDays - 1) * MS_PER_DAY;
  const termEndMs = Math.floor(input.termEnd.getTime() / MS_PER_SECOND) * MS_PER_SECOND;
  return termEndMs <= capMs
    ? ok({ notAfter: new Date(termEndMs), maxDays, limitedBy: "TERM_END" as const })
    : ok({ notAfter: new Date(capMs), maxDays, limitedBy: "MAX_LIFETIME" as const });
}

/**
 * VAL-7 "within a term, a new certificate is issued before the current one expires": when the job
 * should issue the next certificate of the same term, or null when the current certificate already
 * runs to the term end. Decision: at two thirds of the current certificate's lifetime (whole
 * seconds), the usual ACME practice, which leaves a third of the lifetime (at least ~15 days under
 * the 47-day maximum) to deploy it.
 */
export function replacementDueAt(input: {
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly termEnd: Date;
}): Date | null {
  assertValidDate(input.notBefore, "notBefore");
  assertValidDate(input.notAfter, "notAfter");
  assertValidDate(input.termEnd, "termEnd");
  if (input.notAfter.getTime() >= input.termEnd.getTime()) return null;
  const lifetime = input.notAfter.getTime() - input.notBefore.getTime();
  const due = input.notBefore.getTime() + Math.floor((lifetime * 2) / 3 / MS_PER_SECOND) * MS_PER_SECOND;
  return new Date(due);
}
