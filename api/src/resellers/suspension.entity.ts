import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

/** RES-8, RES-9: a suspension of a reseller, after an uncured notice or (RES-9) immediate. */
@Entity("reseller_suspension")
@ObjectType({
  implements: Node,
  description:
    "A suspension of a reseller (RES-8 after an uncured notice, RES-9 immediate): while in force, new applications and renewals are refused.",
})
export class ResellerSuspension implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("ResellerSuspension", this.id);
  }

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Column({ name: "cure_notice_id", type: "uuid", nullable: true })
  cureNoticeId!: string | null;

  @Field({
    description:
      "RES-9: suspended at once, without notice, for compromised credentials or a breach of the credential rules.",
  })
  @Column({ name: "immediate", type: "boolean", default: false })
  immediate!: boolean;

  @Field({ description: "The reason stated in the suspension notice." })
  @Column({ name: "reason", type: "text" })
  reason!: string;

  @Field(() => Date, { description: "Start of the suspension." })
  @Column({ name: "starts_at", type: "timestamptz" })
  startsAt!: Date;

  /** Null: until cured. */
  @Field(() => Date, {
    nullable: true,
    description: "End of the suspension; null: until cured (lifted by the operator).",
  })
  @Column({ name: "ends_at", type: "timestamptz", nullable: true })
  endsAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "When the operator lifted it; null while not lifted." })
  @Column({ name: "lifted_at", type: "timestamptz", nullable: true })
  liftedAt!: Date | null;
}
