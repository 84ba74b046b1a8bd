/**
 * APP-9, APP-11: what a domain-control or CAA check records. Evidence is stored as JSON with the
 * validation (and the CAA check); these types say exactly which fields it may hold, so that readers
 * (GraphQL, audits, the ACME server) never guess at a `Record<string, unknown>`.
 */

/** The methods a domain-control check can use: the two GraphQL ones and the two ACME challenges. */
export type DcvMethod = "HTTP_FILE" | "DNS_TXT" | "ACME_HTTP_01" | "ACME_DNS_01";

/** Stable failure codes of a check (kept as they were before the move to validation/). */
export type DcvFailure =
  | "INVALID_NAME"
  | "INVALID_TOKEN"
  | "RESERVED_NAME"
  | "DESTINATION_NOT_ALLOWED"
  | "WILDCARD_NOT_ALLOWED"
  | "TIMEOUT"
  | "NETWORK_ERROR"
  | "REDIRECT_NOT_FOLLOWED"
  | "HTTP_STATUS"
  | "BODY_TOO_LARGE"
  | "BODY_MISMATCH"
  | "DNS_NXDOMAIN"
  | "DNS_NO_TXT"
  | "DNS_ERROR"
  | "TXT_MISMATCH";

/**
 * Why a check failed, structured for people and programs: one cause per failed domain-control or CAA
 * check, with the detail that matters for it (status, response code, address, location).
 */
export type FailureCauseCode =
  | "INVALID_NAME"
  | "INVALID_TOKEN"
  | "RESERVED_NAME"
  | "WILDCARD_NEEDS_DNS"
  | "DESTINATION_NOT_ALLOWED"
  | "TIMEOUT"
  | "CONNECTION_REFUSED"
  | "CONNECTION_RESET"
  | "HOST_UNREACHABLE"
  | "HOST_NOT_FOUND"
  | "NETWORK_ERROR"
  | "REDIRECT_REFUSED"
  | "HTTP_STATUS"
  | "BODY_TOO_LARGE"
  | "CONTENT_MISMATCH"
  | "DNS_RESPONSE_CODE"
  | "DNS_NO_RECORDS"
  | "CAA_ISSUER_NOT_AUTHORIZED"
  | "CAA_CRITICAL_UNKNOWN_PROPERTY"
  | "CAA_ACCOUNT_URI_MISMATCH"
  | "CAA_VALIDATION_METHOD_NOT_ALLOWED";

export interface FailureCause {
  code: FailureCauseCode;
  /** For people: what was seen. Never a raw stack trace. */
  message: string;
  /** HTTP_STATUS, REDIRECT_REFUSED: the status answered. */
  httpStatus?: number;
  /** REDIRECT_REFUSED: where the answer pointed. */
  location?: string;
  /** DNS_RESPONSE_CODE (and DNS failures in general): NXDOMAIN, SERVFAIL, REFUSED, FORMERR, NOTIMP … */
  dnsResponseCode?: string;
  /** DESTINATION_NOT_ALLOWED: the address refused and its category (loopback, private …). */
  address?: string;
  addressCategory?: string;
  /** The DNS name the failing query or connection was about (for CAA, the name that held the record set). */
  queryName?: string;
}

/** What a domain-control check recorded. Fields absent when they did not apply. */
export interface DcvEvidence {
  method: DcvMethod;
  result: "VALID" | "FAILED";
  name: string;
  token: string;
  failure?: DcvFailure | null;
  cause?: FailureCause | null;
  detail?: string;
  // HTTP methods
  url?: string;
  connectTo?: string;
  connectedAddress?: string;
  hostOverride?: boolean;
  resolvedAddresses?: string[];
  refusedAddress?: string;
  addressCategory?: string;
  status?: number;
  contentType?: string;
  location?: string;
  bodyBytes?: number;
  bodySha256?: string;
  bodyPrefix?: string;
  bodyTruncated?: boolean;
  /** ACME http-01: the key authorisation the body had to be. */
  expected?: string;
  // DNS methods
  validatedName?: string;
  wildcard?: boolean;
  queryName?: string;
  queryType?: string;
  dnsServers?: string[] | "system";
  dnsResponseCode?: string;
  txtCount?: number;
  txtValues?: string[];
  reservedSuffix?: string;
  errorCode?: string;
}

export interface DcvResult {
  ok: boolean;
  method: DcvMethod;
  checkedAt: Date;
  evidence: DcvEvidence;
  failure?: DcvFailure;
  cause?: FailureCause;
}

/** Node's resolver error codes → the DNS response code they stand for. */
const DNS_RCODE_BY_ERROR: Record<string, string> = {
  ENOTFOUND: "NXDOMAIN",
  ENODATA: "NOERROR",
  ESERVFAIL: "SERVFAIL",
  EREFUSED: "REFUSED",
  EFORMERR: "FORMERR",
  ENOTIMP: "NOTIMP",
  EBADRESP: "BADRESP",
};

export function dnsResponseCodeOf(errorCode: string | undefined): string | undefined {
  return errorCode === undefined ? undefined : DNS_RCODE_BY_ERROR[errorCode];
}

const NETWORK_CAUSES: Record<string, FailureCauseCode> = {
  ECONNREFUSED: "CONNECTION_REFUSED",
  ECONNRESET: "CONNECTION_RESET",
  EPIPE: "CONNECTION_RESET",
  EHOSTUNREACH: "HOST_UNREACHABLE",
  ENETUNREACH: "HOST_UNREACHABLE",
  ENOTFOUND: "HOST_NOT_FOUND",
  EAI_AGAIN: "HOST_NOT_FOUND",
  ENODATA: "HOST_NOT_FOUND",
};

const SIMPLE_CAUSES: Partial<Record<DcvFailure, FailureCauseCode>> = {
  INVALID_NAME: "INVALID_NAME",
  INVALID_TOKEN: "INVALID_TOKEN",
  RESERVED_NAME: "RESERVED_NAME",
  WILDCARD_NOT_ALLOWED: "WILDCARD_NEEDS_DNS",
  TIMEOUT: "TIMEOUT",
  BODY_TOO_LARGE: "BODY_TOO_LARGE",
  BODY_MISMATCH: "CONTENT_MISMATCH",
  TXT_MISMATCH: "CONTENT_MISMATCH",
  DNS_NO_TXT: "DNS_NO_RECORDS",
};

/** The structured cause of a failed check, from its failure code and the evidence it gathered. */
export function causeOf(failure: DcvFailure, e: DcvEvidence, message: string): FailureCause {
  const simple = SIMPLE_CAUSES[failure];
  if (simple) return { code: simple, message, ...(e.queryName ? { queryName: e.queryName } : {}) };
  switch (failure) {
    case "DESTINATION_NOT_ALLOWED":
      return {
        code: "DESTINATION_NOT_ALLOWED",
        message,
        address: e.refusedAddress ?? "",
        addressCategory: e.addressCategory ?? "",
      };
    case "REDIRECT_NOT_FOLLOWED":
      return { code: "REDIRECT_REFUSED", message, httpStatus: e.status ?? 0, location: e.location ?? "" };
    case "HTTP_STATUS":
      return { code: "HTTP_STATUS", message, httpStatus: e.status ?? 0 };
    case "NETWORK_ERROR":
      return { code: NETWORK_CAUSES[e.errorCode ?? ""] ?? "NETWORK_ERROR", message };
    default: {
      const rcode =
        failure === "DNS_NXDOMAIN" ? "NXDOMAIN" : (dnsResponseCodeOf(e.errorCode) ?? e.errorCode ?? "UNKNOWN");
      return {
        code: "DNS_RESPONSE_CODE",
        message,
        dnsResponseCode: rcode,
        ...(e.queryName ? { queryName: e.queryName } : {}),
      };
    }
  }
}
