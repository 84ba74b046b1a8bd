import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { Field, ObjectType, registerEnumType } from "type-graphql";
import type { DcvEvidence } from "../validation";

export enum DomainValidationMethod {
  HTTP_FILE = "HTTP_FILE",
  DNS_TXT = "DNS_TXT",
  ACME_HTTP_01 = "ACME_HTTP_01",
  ACME_DNS_01 = "ACME_DNS_01",
}
registerEnumType(DomainValidationMethod, {
  name: "DomainValidationMethod",
  description:
    "HTTP_FILE: http://NAME/.well-known/pki-validation/TOKEN.txt containing TOKEN; DNS_TXT: TXT record at _pki-validation.NAME with TOKEN; " +
    "ACME_HTTP_01 and ACME_DNS_01: the ACME challenges (RFC 8555 §8.3, §8.4), answered by the subscriber's ACME client.",
});

export enum DomainValidationStatus {
  PENDING = "PENDING",
  VALID = "VALID",
  FAILED = "FAILED",
}
registerEnumType(DomainValidationStatus, {
  name: "DomainValidationStatus",
  description: "Result of the latest check.",
});

/** APP-9: a domain control validation with its evidence. */
@Entity("domain_validation")
@ObjectType({ description: "APP-9: proof of control of one DNS name, with its evidence." })
export class DomainValidation {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  @Column({ name: "application_id", type: "uuid", nullable: true })
  applicationId!: string | null;

  @Field({ description: "The DNS name validated (a wildcard is validated at its base name)." })
  @Column({ name: "name", type: "text" })
  name!: string;

  @Field(() => DomainValidationMethod, { description: "How control is proved: HTTP_FILE or DNS_TXT." })
  @Column({ name: "method", type: "text" })
  method!: DomainValidationMethod;

  @Field({ description: "The random value to publish: as the body of the HTTP file, or as the TXT record." })
  @Column({ name: "token", type: "text" })
  token!: string;

  @Field(() => DomainValidationStatus, { description: "Result of the latest check: PENDING, VALID or FAILED." })
  @Column({ name: "status", type: "text" })
  status!: DomainValidationStatus;

  @Column({ name: "evidence", type: "jsonb", nullable: true })
  evidence!: DcvEvidence | null;

  @Field(() => Date, {
    nullable: true,
    description: "When the check ran; a VALID result is reused within the APP-9 reuse period.",
  })
  @Column({ name: "checked_at", type: "timestamptz", nullable: true })
  checkedAt!: Date | null;

  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
