/**
 * ACME-8, RFC 8555 §6.7, RFC 7807: problem documents. Handlers throw `AcmeProblem`; the router writes
 * it as `application/problem+json` with its HTTP status (and `Retry-After` for rate limits).
 */
export type AcmeErrorType =
  | "accountDoesNotExist"
  | "alreadyRevoked"
  | "alreadyReplaced"
  | "badCSR"
  | "badNonce"
  | "badPublicKey"
  | "badRevocationReason"
  | "badSignatureAlgorithm"
  | "caa"
  | "connection"
  | "dns"
  | "externalAccountRequired"
  | "incorrectResponse"
  | "invalidContact"
  | "malformed"
  | "orderNotReady"
  | "rateLimited"
  | "rejectedIdentifier"
  | "serverInternal"
  | "unauthorized"
  | "unsupportedContact"
  | "unsupportedIdentifier"
  | "userActionRequired";

export interface Subproblem {
  type: string;
  detail: string;
  identifier: { type: "dns"; value: string };
}

export interface ProblemDocument {
  type: string;
  detail: string;
  status: number;
  subproblems?: Subproblem[];
  algorithms?: string[];
}

const STATUS: Partial<Record<AcmeErrorType, number>> = {
  accountDoesNotExist: 400,
  unauthorized: 403,
  orderNotReady: 403,
  userActionRequired: 403,
  rateLimited: 429,
  serverInternal: 500,
  alreadyReplaced: 409,
};

export const errorUrn = (type: AcmeErrorType): string => `urn:ietf:params:acme:error:${type}`;

export class AcmeProblem extends Error {
  readonly status: number;
  constructor(
    readonly type: AcmeErrorType,
    readonly detail: string,
    readonly extra: {
      status?: number;
      subproblems?: Subproblem[];
      algorithms?: string[];
      retryAfterSeconds?: number;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail);
    this.status = extra.status ?? STATUS[type] ?? 400;
  }

  toJSON(): ProblemDocument {
    const doc: ProblemDocument = { type: errorUrn(this.type), detail: this.detail, status: this.status };
    if (this.extra.subproblems?.length) doc.subproblems = this.extra.subproblems;
    if (this.extra.algorithms) doc.algorithms = this.extra.algorithms;
    return doc;
  }
}

const dnsIdentifier = (value: string): { type: "dns"; value: string } => ({ type: "dns", value });

export function subproblem(type: AcmeErrorType, value: string, detail: string): Subproblem {
  return { type: errorUrn(type), detail, identifier: dnsIdentifier(value) };
}

/**
 * RFC 8555 §6.7.1: one problem for several identifiers. Its type is the subproblems' type when they
 * all agree, else the first one's (each subproblem still says its own).
 */
export function compoundProblem(subproblems: Subproblem[], detail: string): AcmeProblem {
  const first = subproblems[0].type.replace("urn:ietf:params:acme:error:", "") as AcmeErrorType;
  return new AcmeProblem(first, detail, { subproblems });
}
