/** REV-1: revocation reasons, named as the RFC 5280 CRLReason values Akashi uses. */
export type RevocationReason =
  | "unspecified"
  | "keyCompromise"
  | "affiliationChanged"
  | "superseded"
  | "cessationOfOperation"
  | "privilegeWithdrawn";
