import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Node, toGlobalId } from "../ids";
import { PROBLEM_REPORT_ANSWER_DUE } from "../graphql/rule-descriptions";

export enum ProblemReportStatus {
  OPEN = "OPEN",
  ANSWERED = "ANSWERED",
  REVOKED = "REVOKED",
  DISMISSED = "DISMISSED",
}
registerEnumType(ProblemReportStatus, { name: "ProblemReportStatus", description: "Where a problem report stands." });

/** REV-5: a problem report from anyone, reviewed by the operator; first answer due within 24 hours (REV-10). */
@Entity("problem_report")
@ObjectType({
  implements: Node,
  description: "A problem reported by anyone about a certificate, e.g. a leaked private key (REV-5).",
})
export class ProblemReport implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("ProblemReport", this.id);
  }

  @Field({
    description:
      "REV-5: the short receipt number the reporter was given (e.g. 4827-1930), to read out on the telephone.",
  })
  @Column({ name: "receipt_number", type: "text", unique: true })
  receiptNumber!: string;

  @Column({ name: "certificate_id", type: "uuid", nullable: true })
  certificateId!: string | null;

  @Field(() => String, {
    name: "serialNumber",
    nullable: true,
    description: "Serial number (lower-case hex) of the certificate reported, as given or found from the fingerprint.",
  })
  @Column({ name: "serial_hex", type: "text", nullable: true })
  serialHex!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Where the reporter asked to be answered; personal data, operator only.",
  })
  @Column({ name: "reporter_email", type: "text", nullable: true })
  reporterEmail!: string | null;

  @Field({ description: "What the reporter says is wrong, as submitted." })
  @Column({ name: "description", type: "text" })
  description!: string;

  @Column({ name: "proof_der", type: "bytea", nullable: true })
  proofDer!: Buffer | null;

  @Field({ description: "The report carried a CSR signed by the certificate's private key: the key is out." })
  @Column({ name: "proof_verified", type: "boolean", default: false })
  proofVerified!: boolean;

  @Column({ name: "client_address", type: "text", nullable: true })
  clientAddress!: string | null;

  @Field(() => Date, { description: "When the report was received (ISO 8601)." })
  @Column({ name: "received_at", type: "timestamptz" })
  receivedAt!: Date;

  @Field(() => Date, { description: PROBLEM_REPORT_ANSWER_DUE })
  @Column({ name: "first_answer_due_at", type: "timestamptz" })
  firstAnswerDueAt!: Date;

  @Field(() => ProblemReportStatus, { description: "OPEN, ANSWERED, REVOKED or DISMISSED." })
  @Column({ name: "status", type: "text", default: ProblemReportStatus.OPEN })
  status!: ProblemReportStatus;

  @Field(() => String, { nullable: true, description: "The operator's answer; null until answered." })
  @Column({ name: "answer", type: "text", nullable: true })
  answer!: string | null;

  @Field(() => Date, {
    nullable: true,
    description: "When the first answer was given (ISO 8601, REV-10); null until answered.",
  })
  @Column({ name: "answered_at", type: "timestamptz", nullable: true })
  answeredAt!: Date | null;
}
