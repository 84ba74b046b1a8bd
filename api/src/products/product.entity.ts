import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../graphql/global-id";
import { Node } from "../graphql/node";

export enum ValidationLevel {
  DV = "DV",
  OV = "OV",
  EV = "EV",
}
registerEnumType(ValidationLevel, { name: "ValidationLevel", description: "How much of the subscriber the CA verifies." });

export enum IssuanceMode {
  BUILT_IN_CA = "BUILT_IN_CA",
  BRING_YOUR_OWN = "BRING_YOUR_OWN",
}
registerEnumType(IssuanceMode, { name: "IssuanceMode", description: "Whether Akashi's CA issues the certificate or manages one the subscriber brings (VAL-8)." });

/** VAL-1: a catalogue entry. Products are data, not code. */
@Entity("product")
@ObjectType({ implements: Node, description: "A certificate product of the catalogue (VAL-1)." })
export class Product implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("Product", this.id);
  }

  @Field({ description: "Stable product code, e.g. `DV` or `OV_AUTO_RENEW`." })
  @Column()
  code!: string;

  @Field({ description: "Name in Japanese." })
  @Column({ name: "name_ja" })
  nameJa!: string;

  @Field({ description: "Name in English." })
  @Column({ name: "name_en" })
  nameEn!: string;

  @Field(() => ValidationLevel, { nullable: true, description: "Validation level; null for bring-your-own management." })
  @Column({ name: "validation_level", type: "text", nullable: true })
  validationLevel!: ValidationLevel | null;

  @Field(() => IssuanceMode, { description: "BUILT_IN_CA: Akashi issues the certificate; BRING_YOUR_OWN: Akashi manages one the subscriber brings (VAL-8)." })
  @Column({ name: "issuance_mode", type: "text" })
  issuanceMode!: IssuanceMode;

  @Field({ description: "Whether names may be wildcards (`*.akashi-demo.jp`)." })
  @Column({ name: "wildcard_allowed" })
  wildcardAllowed!: boolean;

  @Field({ description: "Auto-renew type: the service period is extended month by month (VAL-6)." })
  @Column({ name: "auto_renew" })
  autoRenew!: boolean;

  @Field(() => [Int], { description: "Term options in months." })
  @Column({ name: "term_months", type: "int", array: true })
  termMonths!: number[];

  @Field({ description: "Whether an unlimited term is offered (bring-your-own management)." })
  @Column({ name: "unlimited_term" })
  unlimitedTerm!: boolean;

  @Field(() => Int, { description: "Most names one certificate may carry." })
  @Column({ name: "max_names" })
  maxNames!: number;

  @Field({ description: "APP-5: only organisations may apply." })
  @Column({ name: "organizations_only" })
  organizationsOnly!: boolean;

  @Field({ description: "APP-5: only applicants with a base in Japan may apply." })
  @Column({ name: "japan_base_required" })
  japanBaseRequired!: boolean;

  @Field(() => Date, { nullable: true, description: "CON-5: contracts of a discontinued product end at their term's end and cannot be renewed." })
  @Column({ name: "discontinued_at", type: "timestamptz", nullable: true })
  discontinuedAt!: Date | null;

  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
