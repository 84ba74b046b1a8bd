import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum AcmeApplicationDecision {
  APPROVED = "APPROVED",
  REJECTED = "REJECTED",
}
registerEnumType(AcmeApplicationDecision, {
  name: "AcmeApplicationDecision",
  description: "The operator's decision on an ACME-variant application (RES-12).",
});

/** RES-12: the reseller's own application to broker the ACME variant. */
@Entity("reseller_acme_application")
@ObjectType({
  implements: Node,
  description:
    "A reseller's application to broker the ACME variant (RES-12); the operator approves it with enableAcme.",
})
export class ResellerAcmeApplication implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("ResellerAcmeApplication", this.id);
  }

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Field({ description: "The reseller's note to the operator." })
  @Column({ type: "text" })
  note!: string;

  @Field(() => Date, { description: "When the reseller applied." })
  @Column({ name: "requested_at", type: "timestamptz" })
  requestedAt!: Date;

  @Field(() => AcmeApplicationDecision, { nullable: true, description: "Null while undecided." })
  @Column({ type: "text", nullable: true })
  decision!: AcmeApplicationDecision | null;

  @Field(() => Date, { nullable: true, description: "When the operator decided." })
  @Column({ name: "decided_at", type: "timestamptz", nullable: true })
  decidedAt!: Date | null;
}
