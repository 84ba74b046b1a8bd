import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { toGlobalId } from "../ids";
import { Node } from "../ids";
import { ProhibitedConduct } from "./prohibited-conduct";
import { DomainValidationMethod } from "./domain-validation.entity";
import { ApplicationStatus } from "../domain/application-lifecycle";

export enum ApplicationKind {
  NEW = "NEW",
  RENEWAL = "RENEWAL",
  REISSUE = "REISSUE",
  REPLACEMENT = "REPLACEMENT",
  IMPORT = "IMPORT",
  /** ACME-5: the record behind a certificate an ACME client obtained (no review; the order is the application). */
  ACME = "ACME",
}
registerEnumType(ApplicationKind, { name: "ApplicationKind", description: "What an application asks for." });

// The states and their moves are the domain's lifecycle table; the entity stores them and GraphQL names them.
export { ApplicationStatus };
registerEnumType(ApplicationStatus, { name: "ApplicationStatus", description: "APP-2 review state." });

/** APP-2: an application (new, renewal, reissue, import) and its review state. */
@Entity("application")
@ObjectType({
  implements: Node,
  description: "An application for a certificate: new, renewal, reissue, replacement or import (APP-1..APP-10).",
})
export class Application implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("Application", this.id);
  }

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  @Column({ name: "product_id", type: "uuid" })
  productId!: string;

  @Field(() => ApplicationKind, {
    description: "What the application asks for: a new certificate, a renewal, a reissue, a replacement or an import.",
  })
  @Column({ name: "kind", type: "text" })
  kind!: ApplicationKind;

  /** The existing contract for RENEWAL and REISSUE. */
  @Column({ name: "contract_id", type: "uuid", nullable: true })
  contractId!: string | null;

  @Field(() => Int, { nullable: true, description: "Term in months; null for an unlimited bring-your-own term." })
  /** Null: the unlimited term (bring-your-own). */
  @Column({ name: "term_months", type: "int", nullable: true })
  termMonths!: number | null;

  @Field(() => [String], { description: "DNS names (A-labels); the first is the common name." })
  @Column({ name: "names", type: "text", array: true })
  names!: string[];

  @Column({ name: "csr_der", type: "bytea", nullable: true })
  csrDer!: Buffer | null;

  @Column({ name: "carry_over_certificate_der", type: "bytea", nullable: true })
  carryOverCertificateDer!: Buffer | null;

  @Field(() => Int, { description: "VAL-3: whole months carried over from the old certificate, fixed at issuance." })
  @Column({ name: "carry_over_months", type: "int", default: 0 })
  carryOverMonths!: number;

  @Field(() => ApplicationStatus, { description: "Where the application stands in review (APP-2)." })
  @Column({ name: "status", type: "text" })
  status!: ApplicationStatus;

  @Column({ name: "terms_version_id", type: "uuid" })
  termsVersionId!: string;

  @Column({ name: "idempotency_key", type: "text", nullable: true })
  idempotencyKey!: string | null;

  @Field(() => String, { nullable: true, description: "What the operator asked for (APP-2)." })
  @Column({ name: "documents_request", type: "text", nullable: true })
  documentsRequest!: string | null;

  @Field(() => Date, { nullable: true, description: "When the requested documents are due (business days, CAL-1)." })
  @Column({ name: "documents_due_at", type: "timestamptz", nullable: true })
  documentsDueAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: "The ground of a rejection (APP-4..APP-7), e.g. THIRD_PARTY_TRADEMARK.",
  })
  @Column({ name: "refusal_code", type: "text", nullable: true })
  refusalCode!: string | null;

  @Field(() => String, { nullable: true, description: "The operator's reason for a rejection." })
  @Column({ name: "rejection_reason", type: "text", nullable: true })
  rejectionReason!: string | null;

  @Field(() => [ProhibitedConduct], {
    nullable: true,
    description: "APP-7: the prohibited conduct a PROHIBITED_CONDUCT rejection was for.",
  })
  @Column({ name: "prohibited_conduct", type: "text", array: true, nullable: true })
  prohibitedConduct!: ProhibitedConduct[] | null;

  @Column({ name: "reviewer_key_id", type: "uuid", nullable: true })
  reviewerKeyId!: string | null;

  @Field(() => Date, { description: "When the reseller submitted the application (ISO 8601)." })
  @Column({ name: "submitted_at", type: "timestamptz" })
  submittedAt!: Date;

  @Field(() => Date, { nullable: true, description: "When it was issued, rejected or withdrawn." })
  @Column({ name: "decided_at", type: "timestamptz", nullable: true })
  decidedAt!: Date | null;

  @Field(() => Date, { description: "When the record was created (ISO 8601)." })
  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;

  @Field(() => Date, { description: "When the record last changed (ISO 8601)." })
  @Column({ name: "updated_at", type: "timestamptz", default: () => "now()" })
  updatedAt!: Date;

  /** SHA-256 of the submitted request, to tell an idempotent retry from a reused key. */
  @Column({ name: "request_hash", type: "text", nullable: true })
  requestHash!: string | null;

  @Field(() => DomainValidationMethod, {
    description: "Domain-control method asked for: HTTP_FILE or DNS_TXT (wildcards always DNS_TXT).",
  })
  @Column({ name: "dcv_method", type: "text" })
  dcvMethod!: DomainValidationMethod;

  @Field({ description: "VAL-4: revoke the superseded certificate at once instead of after the grace period." })
  /** VAL-4: revoke the superseded certificate at once instead of after the grace period. */
  @Column({ name: "revoke_superseded_immediately", type: "boolean" })
  revokeSupersededImmediately!: boolean;
}
