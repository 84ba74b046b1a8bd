import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum ResellerStatus {
  ACTIVE = "ACTIVE",
  SUSPENDED = "SUSPENDED",
  TERMINATED = "TERMINATED",
}
registerEnumType(ResellerStatus, {
  name: "ResellerStatus",
  description: "RES-8, RES-9, RES-11: whether the reseller may broker.",
});

/** RES-1: a designated reseller (指定事業者) and its registered data. */
@Entity("reseller")
@ObjectType({
  implements: Node,
  description: "A designated reseller (指定事業者) that brokers applications for its subscribers (RES-1).",
})
export class Reseller implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("Reseller", this.id);
  }

  @Field({ description: "Short stable code, lower-case letters, digits and hyphens." })
  @Column()
  code!: string;

  @Field({ description: "Registered name." })
  @Column()
  name!: string;

  @Field({ description: "Registered representative." })
  @Column({ name: "representative_name" })
  representativeName!: string;

  @Field({ description: "Registered contact e-mail address." })
  @Column({ name: "contact_email" })
  contactEmail!: string;

  @Field(() => String, { nullable: true, description: "Registered contact telephone number, if any." })
  @Column({ name: "contact_phone", type: "text", nullable: true })
  contactPhone!: string | null;

  @Field(() => String, { nullable: true, description: "Registered postal address, if any." })
  @Column({ type: "text", nullable: true })
  address!: string | null;

  @Field(() => ResellerStatus, {
    description: "ACTIVE, SUSPENDED (RES-8, RES-9: no new applications or renewals) or TERMINATED (RES-11).",
  })
  @Column({ type: "text" })
  status!: ResellerStatus;

  @Field(() => Date, { description: "When the operator designated the reseller." })
  @Column({ name: "designated_at", type: "timestamptz" })
  designatedAt!: Date;

  @Field({ description: "RES-1: designation fee waived because already designated for domain names." })
  @Column({ name: "designation_fee_waived" })
  designationFeeWaived!: boolean;

  @Field({ description: "RES-12: may broker the ACME variant." })
  @Column({ name: "acme_enabled" })
  acmeEnabled!: boolean;

  @Field(() => Date, {
    nullable: true,
    description: "When the reseller's contract ended (ISO 8601); null while not terminated.",
  })
  @Column({ name: "terminated_at", type: "timestamptz", nullable: true })
  terminatedAt!: Date | null;

  @Field(() => Date, { description: "When the record was created (ISO 8601)." })
  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;

  @Column({ name: "updated_at", type: "timestamptz", default: () => "now()" })
  updatedAt!: Date;
}
