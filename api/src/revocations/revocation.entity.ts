import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Node, toGlobalId } from "../ids";
import type { RevocationReason } from "./revocation-reason";
import { REVOCATION_DEADLINE } from "../graphql/rule-descriptions";

export enum RevocationRequester {
  SUBSCRIBER = "SUBSCRIBER",
  RESELLER = "RESELLER",
  OPERATOR = "OPERATOR",
  SYSTEM = "SYSTEM",
}
registerEnumType(RevocationRequester, { name: "RevocationRequester", description: "Who asked for a revocation." });

export enum RevocationStatus {
  SCHEDULED = "SCHEDULED",
  EXECUTED = "EXECUTED",
  WITHDRAWN = "WITHDRAWN",
}
registerEnumType(RevocationStatus, {
  name: "RevocationStatus",
  description: "SCHEDULED until executed or withdrawn; EXECUTED is final (REV-7).",
});

/** REV-7: a revocation, scheduled or immediate; final once executed, withdrawable only while scheduled. */
@Entity("revocation")
@ObjectType({
  implements: Node,
  description:
    "A revocation request: executed at once, or scheduled for the end of the month and withdrawable until then (REV-1..REV-7).",
})
export class Revocation implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("Revocation", this.id);
  }

  @Column({ name: "certificate_id", type: "uuid" })
  certificateId!: string;

  @Field(() => RevocationRequester, {
    description:
      "Who asked (REV-1): the subscriber via its reseller, the managing reseller, the operator, or the system (e.g. a reissue).",
  })
  @Column({ name: "requested_by", type: "text" })
  requestedBy!: RevocationRequester;

  @Column({ name: "requester_key_id", type: "uuid", nullable: true })
  requesterKeyId!: string | null;

  @Column({ name: "reason", type: "text" })
  reason!: RevocationReason;

  @Column({ name: "operator_ground", type: "text", nullable: true })
  operatorGround!: string | null;

  @Field(() => String, { nullable: true, description: "Free text given with the request." })
  @Column({ name: "comment", type: "text", nullable: true })
  comment!: string | null;

  @Field(() => RevocationStatus, { description: "SCHEDULED, EXECUTED (final, REV-7) or WITHDRAWN." })
  @Column({ name: "status", type: "text" })
  status!: RevocationStatus;

  @Field(() => Date, { description: "When the revocation was requested (ISO 8601)." })
  @Column({ name: "requested_at", type: "timestamptz" })
  requestedAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: "REV-2: when a scheduled revocation will be executed (end of month, JST).",
  })
  @Column({ name: "scheduled_for", type: "timestamptz", nullable: true })
  scheduledFor!: Date | null;

  @Field(() => Date, { description: REVOCATION_DEADLINE })
  /** REV-10 */
  @Column({ name: "deadline_at", type: "timestamptz" })
  deadlineAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: "When the certificate was revoked (ISO 8601); null until executed.",
  })
  @Column({ name: "executed_at", type: "timestamptz", nullable: true })
  executedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: "When a scheduled revocation was withdrawn (ISO 8601, REV-7); null otherwise.",
  })
  @Column({ name: "withdrawn_at", type: "timestamptz", nullable: true })
  withdrawnAt!: Date | null;

  @Column({ name: "problem_report_id", type: "uuid", nullable: true })
  problemReportId!: string | null;

  @Column({ name: "mass_revocation_id", type: "uuid", nullable: true })
  massRevocationId!: string | null;
}
