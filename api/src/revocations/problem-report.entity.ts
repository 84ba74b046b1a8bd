import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum ProblemReportStatus {
  OPEN = "OPEN",
  ANSWERED = "ANSWERED",
  REVOKED = "REVOKED",
  DISMISSED = "DISMISSED",
}

/** REV-5: a problem report from anyone, reviewed by the operator; first answer due within 24 hours (REV-10). */
@Entity("problem_report")
export class ProblemReport {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "certificate_id", type: "uuid", nullable: true })
  certificateId!: string | null;

  @Column({ name: "serial_hex", type: "text", nullable: true })
  serialHex!: string | null;

  @Column({ name: "reporter_email", type: "text", nullable: true })
  reporterEmail!: string | null;

  @Column({ name: "description", type: "text" })
  description!: string;

  @Column({ name: "proof_der", type: "bytea", nullable: true })
  proofDer!: Buffer | null;

  @Column({ name: "proof_verified", type: "boolean", default: false })
  proofVerified!: boolean;

  @Column({ name: "client_address", type: "text", nullable: true })
  clientAddress!: string | null;

  @Column({ name: "received_at", type: "timestamptz" })
  receivedAt!: Date;

  @Column({ name: "first_answer_due_at", type: "timestamptz" })
  firstAnswerDueAt!: Date;

  @Column({ name: "status", type: "text", default: ProblemReportStatus.OPEN })
  status!: ProblemReportStatus;

  @Column({ name: "answer", type: "text", nullable: true })
  answer!: string | null;

  @Column({ name: "answered_at", type: "timestamptz", nullable: true })
  answeredAt!: Date | null;
}
