/**
 * Reuse of domain-control validations (APP-9).
 */
import { EffectiveDatedTable, entryInForce, validateEffectiveDatedTable } from "./effective-dated";
import { Result, ok, refuse } from "./errors";
import { MS_PER_DAY, assertValidDate, formatJst } from "./jst";

/** Effective-dated reuse periods in days. */
export type DcvReuseTable = EffectiveDatedTable<number>;

/** Baseline Requirements 4.2.1 / 3.2.2.4 as amended by ballot SC-081. Default of the configurable table. */
const DEFAULT_DCV_REUSE_TABLE: DcvReuseTable = Object.freeze([
  { from: null, value: 398 },
  { from: "2026-03-15", value: 200 },
  { from: "2027-03-15", value: 100 },
  { from: "2029-03-15", value: 10 },
]);

validateEffectiveDatedTable(DEFAULT_DCV_REUSE_TABLE, "DEFAULT_DCV_REUSE_TABLE");

/** APP-9: the reuse period in days in force for a certificate issued at `issueAt` (its JST date). */
export function dcvReuseDays(issueAt: Date, table: DcvReuseTable = DEFAULT_DCV_REUSE_TABLE): number {
  assertValidDate(issueAt, "issueAt");
  const entry = entryInForce(table, issueAt);
  if (!entry) throw new RangeError(`no DCV reuse period in force at ${issueAt.toISOString()}`);
  return entry.value;
}

export type DcvReuseDecision = Result<
  { readonly reuseDays: number; readonly validUntil: Date },
  "DCV_TOO_OLD" | "DCV_IN_FUTURE",
  { readonly reuseDays?: number; readonly validUntil?: Date }
>;

/**
 * APP-9: may a successful validation made at `validatedAt` be relied on for a certificate issued at
 * `issueAt`? Yes when it was made no more than the reuse period (in force at `issueAt`) before, the
 * period measured exactly in 24-hour days: issueAt - validatedAt <= days × 24 h.
 * @rule APP-9 — domain-validation.service.ts requireIssuable and the ACME authorisations defer to it
 */
export function canReuseDcv(validatedAt: Date, issueAt: Date, table?: DcvReuseTable): DcvReuseDecision {
  assertValidDate(validatedAt, "validatedAt");
  const reuseDays = dcvReuseDays(issueAt, table);
  const validUntil = new Date(validatedAt.getTime() + reuseDays * MS_PER_DAY);
  if (validatedAt.getTime() > issueAt.getTime()) {
    return refuse(
      "DCV_IN_FUTURE",
      "The domain validation is dated after the issuance.",
      "ドメイン認証の日時が発行日時より後です。",
      {
        reuseDays,
      },
    );
  }
  if (issueAt.getTime() > validUntil.getTime()) {
    return refuse(
      "DCV_TOO_OLD",
      `The domain validation of ${formatJst(validatedAt)} is older than the ${reuseDays}-day reuse period; validate the domain again.`,
      `${formatJst(validatedAt)}のドメイン認証は再利用期間（${reuseDays}日）を過ぎています。再度ドメイン認証を行ってください。`,
      { reuseDays, validUntil },
    );
  }
  return ok({ reuseDays, validUntil });
}
