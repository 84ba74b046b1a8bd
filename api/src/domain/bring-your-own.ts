/**
 * Bring-your-own certificates under management (VAL-8).
 *
 * VAL-8 [I 3, I 6.3]: the certificate's validity must fit the chosen term option; management cannot
 * be renewed when the certificate's own validity period is 90 days or less.
 *
 * Decision — reading of "fit" [I 3: "有効期間に応じた有効期間以内"]: the certificate's own validity
 * period must not be longer than the term option. Measured in JST from the certificate's notBefore:
 * notAfter must be no later than the end of the JST day (23:59:59) that is N calendar months after
 * notBefore (day clamped to the month's last day). So a certificate valid 2026-04-10 09:00 JST to
 * 2027-04-10 23:59:59 JST fits 12 months; one to 2027-04-11 00:00:00 JST needs 24 months. The
 * "UNLIMITED" option fits every certificate. The term is about length, not position: the
 * certificate may be imported at any time while it is valid.
 * The "90 days or less" of I 6.3 is the Baseline Requirements count (`validityPeriodDays`:
 * inclusive, any part of a day a whole day), so a typical 90-day certificate (notAfter =
 * notBefore + 90 days - 1 second) is 90 days, and 90 days + 1 second is 91.
 */
import { Result, ok, refuse } from "./errors";
import { addMonthsClamped, assertInteger, assertValidDate, endOfDayOf, formatJst } from "./jst";
import { validityPeriodDays } from "./lifetime";

/** Validity periods at or below this many days cannot have their management renewed (I 6.3). */
export const BYO_MIN_RENEWABLE_VALIDITY_DAYS_EXCLUSIVE = 90;

export type ByoTermOption = number | "UNLIMITED";

export interface ByoCertificateInput {
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly term: ByoTermOption;
  readonly now: Date;
}

type ByoRefusalCode = "CERTIFICATE_VALIDITY_INVALID" | "CERTIFICATE_EXPIRED" | "CERTIFICATE_EXCEEDS_TERM";

export type ByoAcceptance = Result<
  {
    /** Validity period in days as the Baseline Requirements count it. */
    readonly validityDays: number;
    /** Whether management can be renewed later (false at 90 days or less). */
    readonly managementRenewable: boolean;
  },
  ByoRefusalCode,
  { readonly validityDays?: number; readonly latestNotAfter?: Date }
>;

/** The latest notAfter a certificate starting at `notBefore` may have under `term` (null = no limit). */
export function byoLatestNotAfter(notBefore: Date, term: ByoTermOption): Date | null {
  assertValidDate(notBefore, "notBefore");
  if (term === "UNLIMITED") return null;
  assertInteger(term, "term", 1);
  return endOfDayOf(addMonthsClamped(notBefore, term));
}

/**
 * VAL-8: may this certificate be taken under management with this term option?
 * @rule VAL-8 — canRenewByoManagement below holds the 90-day renewal limit
 */
export function checkByoCertificate(input: ByoCertificateInput): ByoAcceptance {
  const { notBefore, notAfter, term, now } = input;
  assertValidDate(notBefore, "notBefore");
  assertValidDate(notAfter, "notAfter");
  assertValidDate(now, "now");
  if (notAfter.getTime() <= notBefore.getTime()) {
    return refuse(
      "CERTIFICATE_VALIDITY_INVALID",
      "The certificate's notAfter is not later than its notBefore.",
      "証明書の有効期間の終了日時が開始日時より後になっていません。",
    );
  }
  const validityDays = validityPeriodDays(notBefore, notAfter);
  if (now.getTime() > notAfter.getTime()) {
    return refuse(
      "CERTIFICATE_EXPIRED",
      `The certificate expired at ${formatJst(notAfter)}.`,
      `証明書は${formatJst(notAfter)}に有効期間が満了しています。`,
      { validityDays },
    );
  }
  const latest = byoLatestNotAfter(notBefore, term);
  if (latest && notAfter.getTime() > latest.getTime()) {
    return refuse(
      "CERTIFICATE_EXCEEDS_TERM",
      `The certificate is valid until ${formatJst(notAfter)}, longer than the ${term}-month term allows (until ${formatJst(latest)}).`,
      `証明書の有効期間（${formatJst(notAfter)}まで）が${term}か月の期間（${formatJst(latest)}まで）を超えています。`,
      { validityDays, latestNotAfter: latest },
    );
  }
  return ok({ validityDays, managementRenewable: canRenewByoManagement({ notBefore, notAfter }).ok });
}

export type ByoRenewalDecision = Result<
  { readonly validityDays: number },
  "MANAGEMENT_NOT_RENEWABLE_SHORT_VALIDITY",
  { readonly validityDays: number }
>;

/** VAL-8 [I 6.3]: management of a certificate whose own validity is 90 days or less cannot be renewed. */
export function canRenewByoManagement(input: {
  readonly notBefore: Date;
  readonly notAfter: Date;
}): ByoRenewalDecision {
  const validityDays = validityPeriodDays(input.notBefore, input.notAfter);
  if (validityDays <= BYO_MIN_RENEWABLE_VALIDITY_DAYS_EXCLUSIVE) {
    return refuse(
      "MANAGEMENT_NOT_RENEWABLE_SHORT_VALIDITY",
      `The certificate's validity period is ${validityDays} days; management of certificates valid 90 days or less cannot be renewed.`,
      `証明書の有効期間が${validityDays}日のため、管理サービスを更新できません（有効期間90日以内の証明書は更新不可）。`,
      { validityDays },
    );
  }
  return ok({ validityDays });
}
