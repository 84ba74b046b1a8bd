import { Field, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { CAA_RESULT_USED_FOR } from "../graphql/rule-descriptions";
import type { CaaEvidence } from "../validation";

export enum CaaCheckStatus {
  PERMITTED = "PERMITTED",
  REFUSED = "REFUSED",
  FAILED = "FAILED",
}
registerEnumType(CaaCheckStatus, {
  name: "CaaCheckStatus",
  description:
    "APP-11: PERMITTED (no CAA record set, or one naming this CA), REFUSED (CAA forbids it) or FAILED (the DNS did not answer: issuance is blocked).",
});

/** APP-11: one CAA look-up for one name, with its evidence; issuance needs a PERMITTED one no older than 8 hours. */
@Entity("caa_check")
@ObjectType({
  description: "APP-11: the CAA look-up of one name (RFC 8659 tree climbing), recorded with the validation evidence.",
})
export class CaaCheck {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  @Field({ description: "The name looked up, as applied for (a wildcard is looked up at its base name)." })
  @Column({ type: "text" })
  name!: string;

  /** RFC 8657 accounturi context: the ACME account, or null for the GraphQL path. */
  @Column({ name: "account_id", type: "uuid", nullable: true })
  accountId!: string | null;

  @Field({
    description:
      "The validation method the check was made for (RFC 8657 validationmethods): http-01, dns-01, ca-http-file or ca-dns-txt.",
  })
  @Column({ type: "text" })
  method!: string;

  @Field(() => CaaCheckStatus, { description: "The decision." })
  @Column({ type: "text" })
  status!: CaaCheckStatus;

  @Field(() => Date, { description: CAA_RESULT_USED_FOR })
  @Column({ name: "checked_at", type: "timestamptz" })
  checkedAt!: Date;

  @Column({ type: "jsonb" })
  evidence!: CaaEvidence;

  @Column({ name: "domain_validation_id", type: "uuid", nullable: true })
  domainValidationId!: string | null;

  @Column({ name: "application_id", type: "uuid", nullable: true })
  applicationId!: string | null;

  /** Insertion order (the newest of two look-ups in the same instant wins). */
  @Column({ type: "bigint", insert: false, update: false })
  seq!: string;
}
