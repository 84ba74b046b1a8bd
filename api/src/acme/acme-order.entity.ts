import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum AcmeOrderStatus {
  PENDING = "pending",
  READY = "ready",
  PROCESSING = "processing",
  VALID = "valid",
  INVALID = "invalid",
}
registerEnumType(AcmeOrderStatus, {
  name: "AcmeOrderStatus",
  description: "RFC 8555 §7.1.6: pending, ready, processing, valid (certificate issued) or invalid.",
});

/** A problem document as stored with an order or authorisation (RFC 7807). */
export interface StoredProblem {
  type: string;
  detail: string;
  status?: number;
  subproblems?: { type: string; detail: string; identifier: { type: string; value: string } }[];
}

/** ACME-4: an order of an ACME account (RFC 8555 §7.1.3). */
@Entity("acme_order")
@ObjectType({ implements: Node, description: "ACME-4: an order placed by an ACME account (RFC 8555 §7.1.3)." })
export class AcmeOrder implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("AcmeOrder", this.id);
  }

  @Column({ name: "account_id", type: "uuid" })
  accountId!: string;

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  @Field(() => [String], { description: "The DNS identifiers ordered (a wildcard as `*.` and its base name)." })
  @Column({ type: "text", array: true })
  names!: string[];

  @Field(() => AcmeOrderStatus, { description: "pending, ready, processing, valid or invalid." })
  @Column({ type: "text" })
  status!: AcmeOrderStatus;

  @Field(() => Date, { description: "When an unfinished order expires." })
  @Column({ name: "expires_at", type: "timestamptz" })
  expiresAt!: Date;

  @Column({ type: "jsonb", nullable: true })
  error!: StoredProblem | null;

  @Column({ name: "certificate_id", type: "uuid", nullable: true })
  certificateId!: string | null;

  @Column({ name: "replaces_certificate_id", type: "uuid", nullable: true })
  replacesCertificateId!: string | null;

  @Field(() => Date, { description: "When the order was placed." })
  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}
