import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";
import { HANDOVER_DUE_FREE } from "../graphql/rule-descriptions";

/** RES-11, J 6.5, REV-9: the end of a reseller's contract and the takeover of what it managed. */
@Entity("reseller_termination")
@ObjectType({
  implements: Node,
  description:
    "The termination of a reseller's contract (RES-11): handover demand, auto-renew revocation date (REV-9) and takeover.",
})
export class ResellerTermination implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("ResellerTermination", this.id);
  }

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Field(() => Date, { description: "When the operator decided the termination (and demanded the handover data)." })
  @Column({ name: "decided_at", type: "timestamptz" })
  decidedAt!: Date;

  @Field(() => Date, {
    description: "When the contract ends: the reseller's keys stop working and it brokers nothing more.",
  })
  @Column({ name: "effective_at", type: "timestamptz" })
  effectiveAt!: Date;

  @Field(() => Date, { description: HANDOVER_DUE_FREE })
  @Column({ name: "handover_deadline", type: "timestamptz" })
  handoverDeadline!: Date;

  @Field(() => Date, {
    nullable: true,
    description: "REV-9: when the auto-renew-type certificates it managed are revoked; null: none scheduled.",
  })
  @Column({ name: "auto_renew_revocation_date", type: "timestamptz", nullable: true })
  autoRenewRevocationDate!: Date | null;

  @Field({ description: "The operator's reason." })
  @Column({ type: "text" })
  reason!: string;

  @Field(() => Date, { nullable: true, description: "When the remaining contracts were taken over." })
  @Column({ name: "taken_over_at", type: "timestamptz", nullable: true })
  takenOverAt!: Date | null;

  @Column({ name: "successor_reseller_id", type: "uuid", nullable: true })
  successorResellerId!: string | null;
}
