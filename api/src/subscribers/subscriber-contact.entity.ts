import { Field, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum ContactRole {
  ADMINISTRATIVE = "ADMINISTRATIVE",
  TECHNICAL = "TECHNICAL",
  BILLING = "BILLING",
  NOTICE = "NOTICE",
}
registerEnumType(ContactRole, {
  name: "ContactRole",
  description: "What a contact is for; NOTICE receives notices (NOT-1).",
});

@Entity("subscriber_contact")
@ObjectType({ description: "A contact person of a subscriber." })
export class SubscriberContact {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  @Field(() => ContactRole, { description: "What the contact is for; a NOTICE contact receives notices (NOT-1)." })
  @Column({ type: "text" })
  role!: ContactRole;

  @Field({ description: "Full name of the contact person." })
  @Column()
  name!: string;

  @Field({ description: "E-mail address of the contact person." })
  @Column()
  email!: string;

  @Field(() => String, { nullable: true, description: "Telephone number, if given." })
  @Column({ type: "text", nullable: true })
  phone!: string | null;

  @Column({ type: "int" })
  position!: number;
}
