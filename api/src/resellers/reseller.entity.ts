import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../graphql/global-id";
import { Node } from "../graphql/node";

export enum ResellerStatus {
  ACTIVE = "ACTIVE",
  SUSPENDED = "SUSPENDED",
  TERMINATED = "TERMINATED",
}
registerEnumType(ResellerStatus, { name: "ResellerStatus", description: "RES-8, RES-9, RES-11: whether the reseller may broker." });

/** RES-1: a designated reseller (指定事業者) and its registered data. */
@Entity("reseller")
@ObjectType({ implements: Node, description: "A designated reseller (指定事業者) that brokers applications for its subscribers (RES-1)." })
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

  @Field(() => String, { nullable: true })
  @Column({ name: "contact_phone", type: "text", nullable: true })
  contactPhone!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  address!: string | null;

  @Field(() => ResellerStatus)
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

  @Field(() => Date, { nullable: true })
  @Column({ name: "terminated_at", type: "timestamptz", nullable: true })
  terminatedAt!: Date | null;

  @Field(() => Date)
  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;

  @Column({ name: "updated_at", type: "timestamptz", default: () => "now()" })
  updatedAt!: Date;
}
