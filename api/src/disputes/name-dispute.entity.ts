import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

/** APP-6 [J 8(1)ア, O 11]: a trademark or name dispute the operator recorded. */
@Entity("name_dispute")
@ObjectType({
  implements: Node,
  description: "APP-6: a trademark or name dispute recorded by the operator. Operator only.",
})
export class NameDispute implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("NameDispute", this.id);
  }

  @Field(() => [String], { description: "The names in dispute (A-labels); each covers the names below it too." })
  @Column({ name: "names", type: "text", array: true })
  names!: string[];

  @Column({ name: "certificate_id", type: "uuid", nullable: true })
  certificateId!: string | null;

  @Field({ description: "Who claims the right (e.g. the trademark holder)." })
  @Column({ name: "claimant", type: "text" })
  claimant!: string;

  @Field({ description: "What the dispute is about." })
  @Column({ name: "description", type: "text" })
  description!: string;

  @Field({ description: "While open, applications for these names are refused with NAME_IN_DISPUTE." })
  @Column({ name: "refuse_applications", type: "boolean" })
  refuseApplications!: boolean;

  @Field(() => Date, { description: "When it was recorded." })
  @Column({ name: "opened_at", type: "timestamptz" })
  openedAt!: Date;

  @Column({ name: "opened_by_key_id", type: "uuid", nullable: true })
  openedByKeyId!: string | null;

  @Field(() => Date, { nullable: true, description: "When it was closed; null while open." })
  @Column({ name: "closed_at", type: "timestamptz", nullable: true })
  closedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "How it ended." })
  @Column({ name: "resolution", type: "text", nullable: true })
  resolution!: string | null;
}
