import { Field, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

/** RES-1: one changed field of a reseller's registered data, with the date of the change. */
@Entity("reseller_registration_change")
@ObjectType({ description: "A change of a reseller's registered data (RES-1), with its date." })
export class ResellerRegistrationChange {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Field({ description: "The changed field: name, representativeName, contactEmail, contactPhone or address." })
  @Column({ type: "text" })
  field!: string;

  @Field(() => String, { nullable: true, description: "The value before the change." })
  @Column({ name: "old_value", type: "text", nullable: true })
  oldValue!: string | null;

  @Field(() => String, { nullable: true, description: "The value after the change." })
  @Column({ name: "new_value", type: "text", nullable: true })
  newValue!: string | null;

  @Field(() => Date, { description: "When the change took effect." })
  @Column({ name: "changed_at", type: "timestamptz" })
  changedAt!: Date;

  @Column({ name: "actor_key_id", type: "uuid", nullable: true })
  actorKeyId!: string | null;
}
