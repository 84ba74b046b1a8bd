import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import type { FailureCause, FailureCauseCode } from "../validation";

/** Every structured cause a domain-control or CAA check can fail with (validation/evidence.ts). */
export enum CheckFailureCause {
  INVALID_NAME = "INVALID_NAME",
  INVALID_TOKEN = "INVALID_TOKEN",
  RESERVED_NAME = "RESERVED_NAME",
  WILDCARD_NEEDS_DNS = "WILDCARD_NEEDS_DNS",
  DESTINATION_NOT_ALLOWED = "DESTINATION_NOT_ALLOWED",
  TIMEOUT = "TIMEOUT",
  CONNECTION_REFUSED = "CONNECTION_REFUSED",
  CONNECTION_RESET = "CONNECTION_RESET",
  HOST_UNREACHABLE = "HOST_UNREACHABLE",
  HOST_NOT_FOUND = "HOST_NOT_FOUND",
  NETWORK_ERROR = "NETWORK_ERROR",
  REDIRECT_REFUSED = "REDIRECT_REFUSED",
  HTTP_STATUS = "HTTP_STATUS",
  BODY_TOO_LARGE = "BODY_TOO_LARGE",
  CONTENT_MISMATCH = "CONTENT_MISMATCH",
  DNS_RESPONSE_CODE = "DNS_RESPONSE_CODE",
  DNS_NO_RECORDS = "DNS_NO_RECORDS",
  CAA_ISSUER_NOT_AUTHORIZED = "CAA_ISSUER_NOT_AUTHORIZED",
  CAA_CRITICAL_UNKNOWN_PROPERTY = "CAA_CRITICAL_UNKNOWN_PROPERTY",
  CAA_ACCOUNT_URI_MISMATCH = "CAA_ACCOUNT_URI_MISMATCH",
  CAA_VALIDATION_METHOD_NOT_ALLOWED = "CAA_VALIDATION_METHOD_NOT_ALLOWED",
}
registerEnumType(CheckFailureCause, {
  name: "CheckFailureCause",
  description:
    "Why a domain-control or CAA check failed: HTTP_STATUS (see httpStatus), CONTENT_MISMATCH, TIMEOUT, DNS_RESPONSE_CODE (see dnsResponseCode), " +
    "REDIRECT_REFUSED (see location), CONNECTION_REFUSED, DESTINATION_NOT_ALLOWED (a non-public address), the CAA causes, and the rest as named.",
});

// Compile-time check: the GraphQL enum lists exactly the causes the checks produce.
const _sameCauses: Record<FailureCauseCode, CheckFailureCause> = CheckFailureCause;
void _sameCauses;

@ObjectType({ description: "The structured cause of a failed domain-control or CAA check." })
export class CheckFailure {
  @Field(() => CheckFailureCause, { description: "What went wrong; match on this." })
  cause!: CheckFailureCause;
  @Field({ description: "What was seen, for people." })
  message!: string;
  @Field(() => Int, { nullable: true, description: "HTTP_STATUS, REDIRECT_REFUSED: the status answered." })
  httpStatus!: number | null;
  @Field(() => String, { nullable: true, description: "REDIRECT_REFUSED: the Location the answer pointed to." })
  location!: string | null;
  @Field(() => String, {
    nullable: true,
    description: "DNS failures: the response code (NXDOMAIN, SERVFAIL, REFUSED …).",
  })
  dnsResponseCode!: string | null;
  @Field(() => String, { nullable: true, description: "DESTINATION_NOT_ALLOWED: the address refused." })
  address!: string | null;
  @Field(() => String, {
    nullable: true,
    description: "DESTINATION_NOT_ALLOWED: the kind of address (loopback, private, link-local …).",
  })
  addressCategory!: string | null;
  @Field(() => String, {
    nullable: true,
    description: "The DNS name the failing query was about (for CAA, the name holding the record set).",
  })
  queryName!: string | null;
}

export function toCheckFailure(c: FailureCause | null | undefined): CheckFailure | null {
  if (!c) return null;
  return {
    cause: c.code as CheckFailureCause,
    message: c.message,
    httpStatus: c.httpStatus ?? null,
    location: c.location ?? null,
    dnsResponseCode: c.dnsResponseCode ?? null,
    address: c.address ?? null,
    addressCategory: c.addressCategory ?? null,
    queryName: c.queryName ?? null,
  };
}
