/**
 * The one error type for business refusals. Services throw it inside their transaction (so nothing
 * is written), and the GraphQL layer turns it into a `userErrors` entry. Clients match on `code`.
 */
export enum RefusalCode {
  // general
  INVALID_INPUT = "INVALID_INPUT",
  NOT_FOUND = "NOT_FOUND",
  FORBIDDEN = "FORBIDDEN",
  CONFLICT = "CONFLICT",
  IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED",
  // applications (APP)
  SUBSCRIBER_NOT_FOUND = "SUBSCRIBER_NOT_FOUND",
  SUBSCRIBER_DATA_INCOMPLETE = "SUBSCRIBER_DATA_INCOMPLETE",
  PRODUCT_NOT_FOUND = "PRODUCT_NOT_FOUND",
  PRODUCT_DISCONTINUED = "PRODUCT_DISCONTINUED",
  TERM_NOT_OFFERED = "TERM_NOT_OFFERED",
  TOO_MANY_NAMES = "TOO_MANY_NAMES",
  CONSENT_MISSING = "CONSENT_MISSING",
  TERMS_VERSION_UNKNOWN = "TERMS_VERSION_UNKNOWN",
  NOT_ELIGIBLE = "NOT_ELIGIBLE",
  DUPLICATE_CERTIFICATE = "DUPLICATE_CERTIFICATE",
  APPLICATION_STATE = "APPLICATION_STATE",
  DOMAIN_CONTROL_NOT_VALIDATED = "DOMAIN_CONTROL_NOT_VALIDATED",
  DOCUMENT_TOO_LARGE = "DOCUMENT_TOO_LARGE",
  DOCUMENT_TYPE_NOT_ALLOWED = "DOCUMENT_TYPE_NOT_ALLOWED",
  TOO_MANY_DOCUMENTS = "TOO_MANY_DOCUMENTS",
  REISSUE_SUBJECT_CHANGED = "REISSUE_SUBJECT_CHANGED",
  REISSUE_NAME_CHANGED = "REISSUE_NAME_CHANGED",
  CARRY_OVER_NOT_ACCEPTED = "CARRY_OVER_NOT_ACCEPTED",
  CARRY_OVER_NOT_APPLICABLE = "CARRY_OVER_NOT_APPLICABLE",
  // CSR checks (APP-10)
  CSR_MALFORMED = "CSR_MALFORMED",
  CSR_SIGNATURE_INVALID = "CSR_SIGNATURE_INVALID",
  CSR_KEY_TOO_WEAK = "CSR_KEY_TOO_WEAK",
  CSR_KEY_ALGORITHM_UNSUPPORTED = "CSR_KEY_ALGORITHM_UNSUPPORTED",
  CSR_NAMES_MISMATCH = "CSR_NAMES_MISMATCH",
  CSR_WILDCARD_NOT_ALLOWED = "CSR_WILDCARD_NOT_ALLOWED",
  CSR_NAME_NOT_A_LABEL = "CSR_NAME_NOT_A_LABEL",
  INVALID_HOSTNAME = "INVALID_HOSTNAME",
  WILDCARD_NOT_ALLOWED = "WILDCARD_NOT_ALLOWED",
  // terms and contracts (VAL, CON)
  RENEWAL_WINDOW_NOT_OPEN = "RENEWAL_WINDOW_NOT_OPEN",
  RENEWAL_WINDOW_CLOSED = "RENEWAL_WINDOW_CLOSED",
  RENEWAL_NOT_ALLOWED = "RENEWAL_NOT_ALLOWED",
  CONTRACT_ENDED = "CONTRACT_ENDED",
  CERTIFICATE_EXPIRED = "CERTIFICATE_EXPIRED",
  CERTIFICATE_REVOKED = "CERTIFICATE_REVOKED",
  CERTIFICATE_INVALID = "CERTIFICATE_INVALID",
  CERTIFICATE_VALIDITY_INVALID = "CERTIFICATE_VALIDITY_INVALID",
  REISSUE_CERTIFICATE_EXPIRED = "REISSUE_CERTIFICATE_EXPIRED",
  TERM_ALREADY_ENDED = "TERM_ALREADY_ENDED",
  CERTIFICATE_EXCEEDS_TERM = "CERTIFICATE_EXCEEDS_TERM",
  MANAGEMENT_NOT_RENEWABLE_SHORT_VALIDITY = "MANAGEMENT_NOT_RENEWABLE_SHORT_VALIDITY",
  REPLACEMENT_NOT_NEEDED = "REPLACEMENT_NOT_NEEDED",
  NOT_AUTO_RENEW = "NOT_AUTO_RENEW",
  NOT_DURING_TERM = "NOT_DURING_TERM",
  // resellers (RES)
  RESELLER_SUSPENDED = "RESELLER_SUSPENDED",
}

export class RefusalError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly field: string | null = null,
    readonly messageJa: string | null = null,
  ) {
    super(message);
    this.name = "RefusalError";
  }
}

/** Turns a domain-rule refusal (`{ ok: false, code, message, messageJa }`) into the error services throw. */
export function fromDomain(r: { code: string; message: string; messageJa?: string }, field: string | null = null): RefusalError {
  const code = (RefusalCode as Record<string, string>)[r.code];
  if (code === undefined) throw new Error(`refusal code ${r.code} is not in RefusalCode`);
  return new RefusalError(code as RefusalCode, r.message, field, r.messageJa ?? null);
}

export function refusal(code: RefusalCode, message: string, field: string | null = null, messageJa: string | null = null): RefusalError {
  return new RefusalError(code, message, field, messageJa);
}
