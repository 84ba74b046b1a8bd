import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { RevocationReason } from "./revocation-reason";

export enum RevocationRequester {
  SUBSCRIBER = "SUBSCRIBER",
  RESELLER = "RESELLER",
  OPERATOR = "OPERATOR",
  SYSTEM = "SYSTEM",
}

export enum RevocationStatus {
  SCHEDULED = "SCHEDULED",
  EXECUTED = "EXECUTED",
  WITHDRAWN = "WITHDRAWN",
}

/** REV-7: a revocation, scheduled or immediate; final once executed, withdrawable only while scheduled. */
@Entity("revocation")
export class Revocation {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "certificate_id", type: "uuid" })
  certificateId!: string;

  @Column({ name: "requested_by", type: "text" })
  requestedBy!: RevocationRequester;

  @Column({ name: "requester_key_id", type: "uuid", nullable: true })
  requesterKeyId!: string | null;

  @Column({ name: "reason", type: "text" })
  reason!: RevocationReason;

  @Column({ name: "operator_ground", type: "text", nullable: true })
  operatorGround!: string | null;

  @Column({ name: "comment", type: "text", nullable: true })
  comment!: string | null;

  @Column({ name: "status", type: "text" })
  status!: RevocationStatus;

  @Column({ name: "requested_at", type: "timestamptz" })
  requestedAt!: Date;

  @Column({ name: "scheduled_for", type: "timestamptz", nullable: true })
  scheduledFor!: Date | null;

  /** REV-10 */
  @Column({ name: "deadline_at", type: "timestamptz" })
  deadlineAt!: Date;

  @Column({ name: "executed_at", type: "timestamptz", nullable: true })
  executedAt!: Date | null;

  @Column({ name: "withdrawn_at", type: "timestamptz", nullable: true })
  withdrawnAt!: Date | null;

  @Column({ name: "problem_report_id", type: "uuid", nullable: true })
  problemReportId!: string | null;

  @Column({ name: "mass_revocation_id", type: "uuid", nullable: true })
  massRevocationId!: string | null;
}
