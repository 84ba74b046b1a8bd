/**
 * Pre-signing linter (issue 15.6, after Boulder's linter/): every certificate and CRL is decoded by an
 * independent parser and checked against the profile before the Signer is called.
 */
export { LintError, type LintFailure, type LintResult } from "./lint-error";
export { type IssuerFacts } from "./common";
export {
  assertCertificateLints,
  lintCertificateTbs,
  type CertificateProfile,
  type SubscriberProfile,
  type CaProfile,
} from "./certificate-lint";
export { BR_POLICY } from "./subscriber-rules";
export { assertCrlLints, lintCrlTbs, CRL_MAX_VALIDITY_DAYS, type CrlProfile } from "./crl-lint";
