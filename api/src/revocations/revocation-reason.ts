import { registerEnumType } from "type-graphql";
export type { RevocationReason } from "../domain";

/**
 * REV-1 reasons as GraphQL shows them (SCREAMING_CASE names, RFC 5280 names as values, which is
 * also what the database stores). `certificateHold` and `removeFromCRL` are never used (REV-7).
 */
export enum RevocationReasonValue {
  UNSPECIFIED = "unspecified",
  KEY_COMPROMISE = "keyCompromise",
  AFFILIATION_CHANGED = "affiliationChanged",
  SUPERSEDED = "superseded",
  CESSATION_OF_OPERATION = "cessationOfOperation",
  PRIVILEGE_WITHDRAWN = "privilegeWithdrawn",
}
registerEnumType(RevocationReasonValue, {
  name: "RevocationReason",
  description: "RFC 5280 CRLReason codes the Baseline Requirements allow for server certificates (REV-1).",
});
