/**
 * GraphQL descriptions that state a rule's content (who may use which revocation reason, how many
 * days a deadline is …) are built here from the constants and functions that enforce the rule, so
 * the schema cannot drift from the code when a rule changes. Only pure modules are imported: the
 * entity and input classes that use these are evaluated while the schema is being built.
 */
import { BYO_MIN_RENEWABLE_VALIDITY_DAYS_EXCLUSIVE } from "../domain/bring-your-own";
import { CANCELLATION_NOTICE_DAYS } from "../domain/contract";
import {
  PROBLEM_REPORT_ANSWER_HOURS,
  REVOCATION_DEADLINE_LONG_HOURS,
  REVOCATION_DEADLINE_SHORT_HOURS,
  REVOCATION_REASONS,
  REVOCATION_REASON_ENUM,
  RevocationActor,
  RevocationReason,
  SCHEDULABLE_REVOCATION_REASONS,
  allowedRevocationReasons,
} from "../domain/revocation-policy";
import { SUCCESSION_NOTICE_DAYS } from "../domain/succession";
import { CURE_NOTICE_MIN_DAYS, HANDOVER_MIN_DAYS } from "../resellers/reseller-status";
import { CAA_RESULT_HOURS } from "../validation/caa-policy";

const enumNames = (reasons: readonly RevocationReason[]) => reasons.map((r) => REVOCATION_REASON_ENUM[r]);

/** "all" when the actor may use every reason, else the GraphQL names of its reasons. */
function reasonsOf(actor: RevocationActor): string {
  const allowed = allowedRevocationReasons(actor);
  return allowed.length === REVOCATION_REASONS.length ? "all" : enumNames(allowed).join(", ");
}

/** Hours as the descriptions say them: "24 hours", "5 days". */
function span(hours: number): string {
  return hours % 24 === 0 && hours > 24 ? `${hours / 24} days` : `${hours} hours`;
}

/** REV-1: the reasons each actor may choose, from the revocation policy. */
export const REVOCATION_REASONS_BY_ACTOR =
  `Subscriber (via reseller): ${reasonsOf("SUBSCRIBER")}; managing reseller: ${reasonsOf("RESELLER")}; ` +
  `operator: ${reasonsOf("OPERATOR")} (REV-1).`;

/** REV-2: which reasons may wait for the end of the month. */
export const REVOCATION_AT_END_OF_MONTH = `REV-2: revoke at the end of the current month (JST) instead of at once; only ${enumNames(SCHEDULABLE_REVOCATION_REASONS).join(" and ")}.`;

/** REV-10: a revocation's deadline by reason. */
export const REVOCATION_DEADLINE = `REV-10: by when it must be executed (${span(REVOCATION_DEADLINE_SHORT_HOURS)} or ${span(REVOCATION_DEADLINE_LONG_HOURS)} by reason).`;

/** REV-10: a problem report's first answer. */
export const PROBLEM_REPORT_ANSWER_DUE = `REV-10: first answer due within ${span(PROBLEM_REPORT_ANSWER_HOURS)}.`;
export const PROBLEM_REPORT_ANSWER_DUE_AFTER_RECEIPT = `When a first answer is due: ${span(PROBLEM_REPORT_ANSWER_HOURS)} after receipt (REV-10).`;
export const PROBLEM_REPORT_ANSWER_OVERDUE = `REV-10: no first answer yet and past the ${span(PROBLEM_REPORT_ANSWER_HOURS)}.`;

/** CON-2: when a cancellation takes effect. */
export const CANCELLATION_DESIRED_END = `Desired end date (YYYY-MM-DD, JST); the effective date is the later of this and ${CANCELLATION_NOTICE_DAYS} days after the notice.`;

/** CON-6: a successor's notice period. */
export const SUCCESSION_LATE = `CON-6: notified more than ${SUCCESSION_NOTICE_DAYS} days after the succession.`;
export const SUCCESSION_NOTIFIED_ON = `JST date the successor notified it (YYYY-MM-DD); more than ${SUCCESSION_NOTICE_DAYS} days later is flagged late.`;

/** RES-8: the cure notice's deadline. */
export const CURE_NOTICE = `A cure notice to a reseller (RES-8): the ground, and a deadline at least ${CURE_NOTICE_MIN_DAYS} days after issue.`;
export const CURE_NOTICE_DEADLINE = `Cure by then: at least ${CURE_NOTICE_MIN_DAYS} days ahead.`;
export const ISSUE_CURE_NOTICE = `Operator: issue a cure notice with a deadline at least ${CURE_NOTICE_MIN_DAYS} days ahead (RES-8).`;

/** RES-11: the handover demand's deadline. */
export const HANDOVER_DUE = `The handover data is due by then; at least ${HANDOVER_MIN_DAYS} days ahead.`;
export const HANDOVER_DUE_FREE = `RES-11: the handover data is due by then (at least ${HANDOVER_MIN_DAYS} days after the demand), free of charge.`;

/** VAL-8: the renewed bring-your-own certificate's validity. */
export const BYO_RENEWED_CERTIFICATE = `The renewed certificate in PEM (leaf first; a chain may follow); its validity must exceed ${BYO_MIN_RENEWABLE_VALIDITY_DAYS_EXCLUSIVE} days (VAL-8).`;

/** APP-11: how long a CAA result is used. */
export const CAA_RESULT_USED_FOR = `When the look-up ran; a PERMITTED result is used for at most ${CAA_RESULT_HOURS} hours (APP-11).`;
