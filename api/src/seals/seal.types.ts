import { Extensions, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { STATUS_CACHE_MAX_AGE_S } from "../status";
import { CertificateStatus } from "../certificates";
import { ValidationLevel } from "../products";
import { RevocationReasonValue } from "../revocations";

/** What a seal says (SEAL-4, REV-8): the certificate's status, or that the service has ended. */
export enum SealStatus {
  VALID = "VALID",
  NOT_YET_VALID = "NOT_YET_VALID",
  EXPIRED = "EXPIRED",
  REVOKED = "REVOKED",
  SERVICE_ENDED = "SERVICE_ENDED",
}
registerEnumType(SealStatus, {
  name: "SealStatus",
  description:
    "VALID only while the certificate is valid and its service runs; everything else means not valid (SEAL-4).",
});

@ObjectType({ description: "The certificate a seal stands for, as the verification page shows it (SEAL-5)." })
export class SealCertificate {
  @Field({ description: "Serial number, lower-case hex." })
  serialNumber!: string;
  @Field({ description: "SHA-256 fingerprint of the certificate's DER, lower-case hex." })
  sha256Fingerprint!: string;
  @Field({ description: "The certificate in PEM." })
  pem!: string;
  @Field({ description: "The certificate and its issuing CA in PEM." })
  chainPem!: string;
  @Field(() => Date, { description: "Start of validity (ISO 8601)." })
  notBefore!: Date;
  @Field(() => Date, { description: "End of validity (ISO 8601)." })
  notAfter!: Date;
  @Field(() => [String], { description: "DNS names the certificate covers." })
  domains!: string[];
  @Field(() => String, {
    nullable: true,
    description: "The verified organisation (OV/EV) as the certificate names it; null for DV.",
  })
  organizationName!: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "The same organisation's registered name in Latin letters, when it has one (for English pages); null for DV.",
  })
  organizationNameEn!: string | null;
  @Field(() => ValidationLevel, {
    nullable: true,
    description: "DV, OV or EV, as the certificate's policy identifier asserts.",
  })
  validationLevel!: ValidationLevel | null;
  @Field({ description: "Issuer distinguished name." })
  issuerName!: string;
  @Field(() => String, { nullable: true, description: "The issuing CA by name (its common name), for people." })
  issuerCommonName!: string | null;
  @Field(() => CertificateStatus, {
    description:
      "The certificate's own status at `checkedAt` (SEAL-5); the seal's `status` also reflects the service ending.",
  })
  status!: CertificateStatus;
  @Field(() => Date, {
    nullable: true,
    description: "When the certificate was revoked (ISO 8601); null if not revoked.",
  })
  revokedAt!: Date | null;
  @Field(() => RevocationReasonValue, {
    nullable: true,
    description: "RFC 5280 reason of the revocation (REV-1); null if not revoked.",
  })
  revocationReason!: RevocationReasonValue | null;
  @Field(() => Date, { nullable: true, description: "REV-2: a revocation scheduled for this time." })
  revocationScheduledAt!: Date | null;
}

@ObjectType("Seal", {
  description: "A site seal as the public sees it (SEAL-1..SEAL-5). Read live; cacheable for a few seconds.",
})
export class PublicSeal {
  @Field(() => ID, { description: "The seal id used in the embed code." })
  id!: string;
  @Field(() => SealStatus, {
    description:
      "What the badge shows: VALID only while the certificate is valid and its service runs (SEAL-4, REV-8).",
  })
  status!: SealStatus;
  @Field(() => Date, { description: "When this status was read." })
  checkedAt!: Date;
  @Field({ description: "The operator's verification page for this seal." })
  verificationUrl!: string;
  @Extensions({ cacheMaxAge: STATUS_CACHE_MAX_AGE_S })
  @Field(() => SealCertificate, { nullable: true, description: "Null when the contract has no certificate." })
  certificate!: SealCertificate | null;
}

@ObjectType({ description: "How to embed a seal: two lines for the website owner." })
export class SealEmbed {
  @Field({ description: "Embed with the stable script URL: the widget updates itself; never needs re-pasting." })
  stable!: string;
  @Field(() => String, {
    nullable: true,
    description: "Embed pinned to the current script with Subresource Integrity (re-paste when the widget changes).",
  })
  pinned!: string | null;
}
