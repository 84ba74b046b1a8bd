import { Extensions, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum ValidationLevel {
  DV = "DV",
  OV = "OV",
  EV = "EV",
}
registerEnumType(ValidationLevel, {
  name: "ValidationLevel",
  description: "How much of the subscriber the CA verifies.",
});

export enum IssuanceMode {
  BUILT_IN_CA = "BUILT_IN_CA",
  BRING_YOUR_OWN = "BRING_YOUR_OWN",
}
registerEnumType(IssuanceMode, {
  name: "IssuanceMode",
  description: "Whether Akashi's CA issues the certificate or manages one the subscriber brings (VAL-8).",
});

/** CON-9: how the liability cap shown on a contract of the product is computed. */
export enum LiabilityBasis {
  RECEIVED_FEES = "RECEIVED_FEES",
  RECEIVED_LAST_12_MONTHS = "RECEIVED_LAST_12_MONTHS",
  PRORATED_REMAINING_MONTHS = "PRORATED_REMAINING_MONTHS",
}
registerEnumType(LiabilityBasis, {
  name: "LiabilityBasis",
  description:
    "CON-9: RECEIVED_FEES — the fees actually received (J 19); RECEIVED_LAST_12_MONTHS — those received in the last 12 months " +
    "(auto-renew products, always); PRORATED_REMAINING_MONTHS — the received fee pro-rated over the whole months remaining (S 25).",
});

/** VAL-1: a catalogue entry. Products are data, not code. */
@Entity("product")
@Extensions({ cacheInherit: true })
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

  @Field(() => ValidationLevel, {
    nullable: true,
    description: "Validation level; null for bring-your-own management.",
  })
  @Column({ name: "validation_level", type: "text", nullable: true })
  validationLevel!: ValidationLevel | null;

  @Field(() => IssuanceMode, {
    description:
      "BUILT_IN_CA: Akashi issues the certificate; BRING_YOUR_OWN: Akashi manages one the subscriber brings (VAL-8).",
  })
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

  @Field(() => Date, {
    nullable: true,
    description: "CON-5: contracts of a discontinued product end at their term's end and cannot be renewed.",
  })
  @Column({ name: "discontinued_at", type: "timestamptz", nullable: true })
  discontinuedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: "CON-5: why the product was discontinued, as the operator recorded it.",
  })
  @Column({ name: "discontinuation_reason", type: "text", nullable: true })
  discontinuationReason!: string | null;

  @Field(() => LiabilityBasis, { description: "CON-9: how the liability cap of this product's contracts is computed." })
  @Column({ name: "liability_basis", type: "text" })
  liabilityBasis!: LiabilityBasis;

  @Field(() => Date, { description: "When the operator last changed the product (ISO 8601)." })
  @Column({ name: "updated_at", type: "timestamptz", default: () => "now()" })
  updatedAt!: Date;

  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
