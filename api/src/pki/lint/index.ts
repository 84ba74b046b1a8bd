/**
 * Pre-signing linter (issue 15.6, after Boulder's linter/): every certificate and CRL is checked against
 * the profile before the Signer is called. A subscriber certificate of the one shape this CA writes is
 * read in place (plain-subscriber-tbs.ts, held by property tests to the full walk); anything else, and
 * every CRL, is decoded by @peculiar/asn1-x509, a parser independent of the writer in pki/der.ts.
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
export { assertCrlLints, lintCrlTbs, CRL_MAX_VALIDITY_DAYS, type CrlLintResult, type CrlProfile } from "./crl-lint";
export { type LintedEntries } from "./crl-entries";
