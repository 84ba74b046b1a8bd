import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum SubscriberKind {
  ORGANIZATION = "ORGANIZATION",
  INDIVIDUAL = "INDIVIDUAL",
}
registerEnumType(SubscriberKind, { name: "SubscriberKind", description: "Organisation or individual." });

export enum Language {
  JA = "ja",
  EN = "en",
}
registerEnumType(Language, { name: "Language", description: "Language for notices: JA (Japanese) or EN (English)." });

/** A subscriber (証明書利用者). It acts only through its managing reseller (J 6.1-6.4); RES-3 keeps it private to that reseller. */
@Entity("subscriber")
@ObjectType({
  implements: Node,
  description: "A person or organisation that holds contracts and certificates, managed by one reseller.",
})
export class Subscriber implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("Subscriber", this.id);
  }

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Field(() => SubscriberKind, {
    description: "ORGANIZATION or INDIVIDUAL; some products accept only organisations (APP-5).",
  })
  @Column({ type: "text" })
  kind!: SubscriberKind;

  @Field({ description: "Legal name (organisation) or full name (individual), as it appears in OV/EV certificates." })
  @Column()
  name!: string;

  @Field(() => String, { nullable: true, description: "Name in Latin letters, if different." })
  @Column({ name: "name_en", type: "text", nullable: true })
  nameEn!: string | null;

  @Field({ description: "ISO 3166-1 alpha-2 country code, upper case." })
  @Column({ type: "char", length: 2 })
  country!: string;

  @Field(() => String, { nullable: true, description: "Prefecture or state." })
  @Column({ name: "state_or_province", type: "text", nullable: true })
  stateOrProvince!: string | null;

  @Field(() => String, { nullable: true, description: "City, ward, town or village." })
  @Column({ type: "text", nullable: true })
  locality!: string | null;

  @Field(() => String, { nullable: true, description: "Street address below the locality." })
  @Column({ type: "text", nullable: true })
  address!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Name of the organisation's representative; changes take effect once confirmed (CON-6).",
  })
  @Column({ name: "representative_name", type: "text", nullable: true })
  representativeName!: string | null;

  @Field(() => Language, { description: "Language notices to this subscriber are written in: `ja` or `en`." })
  @Column({ name: "preferred_language", type: "text" })
  preferredLanguage!: Language;

  @Field(() => Date, { nullable: true, description: "When the operator verified the organisation data (OV/EV)." })
  @Column({ name: "verified_at", type: "timestamptz", nullable: true })
  verifiedAt!: Date | null;

  @Field(() => Date, { description: "When the record was created (ISO 8601)." })
  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;

  @Field(() => Date, { description: "When the record last changed (ISO 8601)." })
  @Column({ name: "updated_at", type: "timestamptz", default: () => "now()" })
  updatedAt!: Date;
}
