import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";
import { CURE_NOTICE } from "../graphql/rule-descriptions";

export enum CureNoticeGround {
  MATERIAL_BREACH = "MATERIAL_BREACH",
  CREDIT_DETERIORATION = "CREDIT_DETERIORATION",
  NO_RESPONSE = "NO_RESPONSE",
}
registerEnumType(CureNoticeGround, {
  name: "CureNoticeGround",
  description:
    "RES-8 grounds: material breach (non-payment counts), a serious change in assets or credit, no answer from the registered contact for 21 days or more.",
});

/** RES-8: a cure notice to a reseller; the deadline is at least 30 days after issue. */
@Entity("reseller_cure_notice")
@ObjectType({ implements: Node, description: CURE_NOTICE })
export class ResellerCureNotice implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("ResellerCureNotice", this.id);
  }

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Field(() => CureNoticeGround, { description: "Why the notice was issued." })
  @Column({ name: "ground", type: "text" })
  ground!: CureNoticeGround;

  @Field({ description: "What must be cured, in the operator's words." })
  @Column({ name: "detail", type: "text" })
  detail!: string;

  @Field(() => Date, { description: "When the notice was issued." })
  @Column({ name: "issued_at", type: "timestamptz" })
  issuedAt!: Date;

  @Field(() => Date, { description: "Cure by this time; a suspension may start only after it." })
  @Column({ name: "deadline", type: "timestamptz" })
  deadline!: Date;

  @Field(() => Date, {
    nullable: true,
    description: "When the operator recorded the breach as cured; null while open.",
  })
  @Column({ name: "cured_at", type: "timestamptz", nullable: true })
  curedAt!: Date | null;
}
