import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum MassRevocationStatus {
  RUNNING = "RUNNING",
  COMPLETED = "COMPLETED",
}
registerEnumType(MassRevocationStatus, {
  name: "MassRevocationStatus",
  description: "RUNNING until every batch is done.",
});

/** REV-4: an operator revocation of many certificates, either all of an issuing CA or a list of serials. */
@Entity("mass_revocation")
@ObjectType({
  implements: Node,
  description:
    "REV-4: revocation of every unexpired certificate of an issuing CA or of a list of serials, run as resumable batches.",
})
export class MassRevocation implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("MassRevocation", this.id);
  }

  /** Exactly one of issuingCaId and serials is set. */
  @Column({ name: "issuing_ca_id", type: "uuid", nullable: true })
  issuingCaId!: string | null;

  @Column({ name: "serials", type: "text", array: true, nullable: true })
  serials!: string[] | null;

  @Column({ name: "reason", type: "text" })
  reason!: string;

  @Field(() => MassRevocationStatus, { description: "RUNNING until every batch is done, then COMPLETED." })
  @Column({ name: "status", type: "text" })
  status!: MassRevocationStatus;

  @Field(() => Int, { description: "Certificates to revoke, counted at the start." })
  @Column({ name: "total", type: "int", default: 0 })
  total!: number;

  @Field(() => Int, { description: "Certificates handled so far." })
  @Column({ name: "done", type: "int", default: 0 })
  done!: number;

  /** Chains of batches still running (issue 11: they run side by side); the one that brings this to 0 completes it. */
  @Column({ name: "chains_running", type: "int", default: 0 })
  chainsRunning!: number;

  @Field(() => Date, { description: "When the operator started it (ISO 8601)." })
  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: "When the last batch finished (ISO 8601); null while RUNNING." })
  @Column({ name: "completed_at", type: "timestamptz", nullable: true })
  completedAt!: Date | null;
}
