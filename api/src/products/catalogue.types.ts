import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { UserError } from "../graphql/user-error";
import { PriceKind, ProductPrice } from "./product-price.entity";
import { IssuanceMode, LiabilityBasis, Product, ValidationLevel } from "./product.entity";
import { TaxRate } from "./tax-rate.entity";

@InputType({
  description: "VAL-1: a new catalogue product. Level, issuance mode and auto-renew are fixed once created.",
})
export class CreateProductInput {
  @Field({
    description:
      "Stable code, upper-case letters, digits and underscores, e.g. `OV_CAMPAIGN`. Creating the same product " +
      "again returns it.",
  })
  code!: string;
  @Field({ description: "Name in Japanese." })
  nameJa!: string;
  @Field({ description: "Name in English." })
  nameEn!: string;
  @Field(() => ValidationLevel, {
    nullable: true,
    description: "DV, OV or EV for BUILT_IN_CA; null for BRING_YOUR_OWN.",
  })
  validationLevel?: ValidationLevel | null;
  @Field(() => IssuanceMode, { description: "BUILT_IN_CA or BRING_YOUR_OWN (VAL-8)." })
  issuanceMode!: IssuanceMode;
  @Field({ defaultValue: false, description: "Whether names may be wildcards." })
  wildcardAllowed!: boolean;
  @Field({ defaultValue: false, description: "Auto-renew type (VAL-6); not for BRING_YOUR_OWN." })
  autoRenew!: boolean;
  @Field(() => [Int], { description: "Term options in months (1 to 120), e.g. [12, 24, 36]." })
  termMonths!: number[];
  @Field({ defaultValue: false, description: "Whether an unlimited term is offered (BRING_YOUR_OWN only)." })
  unlimitedTerm!: boolean;
  @Field(() => Int, { defaultValue: 10, description: "Most names one certificate may carry (1 to 100)." })
  maxNames!: number;
  @Field({ defaultValue: false, description: "APP-5: only organisations may apply." })
  organizationsOnly!: boolean;
  @Field({ defaultValue: false, description: "APP-5: only applicants with a base in Japan may apply." })
  japanBaseRequired!: boolean;
  @Field(() => LiabilityBasis, {
    nullable: true,
    description: "CON-9: default RECEIVED_FEES; auto-renew products always use RECEIVED_LAST_12_MONTHS.",
  })
  liabilityBasis?: LiabilityBasis | null;
}

@InputType({
  description:
    "VAL-1: change a product; omitted fields stay. Contracts already made keep their term (changes apply to new " +
    "applications and renewals).",
})
export class UpdateProductInput {
  @Field(() => ID, { description: "Global ID of the product." })
  productId!: string;
  @Field(() => String, { nullable: true, description: "New name in Japanese." })
  nameJa?: string | null;
  @Field(() => String, { nullable: true, description: "New name in English." })
  nameEn?: string | null;
  @Field(() => Boolean, { nullable: true, description: "Whether names may be wildcards." })
  wildcardAllowed?: boolean | null;
  @Field(() => [Int], { nullable: true, description: "New term options in months." })
  termMonths?: number[] | null;
  @Field(() => Boolean, { nullable: true, description: "Whether an unlimited term is offered (BRING_YOUR_OWN only)." })
  unlimitedTerm?: boolean | null;
  @Field(() => Int, { nullable: true, description: "Most names per certificate." })
  maxNames?: number | null;
  @Field(() => Boolean, { nullable: true, description: "APP-5: only organisations." })
  organizationsOnly?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: "APP-5: only applicants with a base in Japan." })
  japanBaseRequired?: boolean | null;
  @Field(() => LiabilityBasis, {
    nullable: true,
    description: "CON-9: how liability caps are computed (not for auto-renew products).",
  })
  liabilityBasis?: LiabilityBasis | null;
}

@InputType({ description: "VAL-1, CON-8: a price from a date on. History is kept and a past price never changes." })
export class SetProductPriceInput {
  @Field(() => ID, { description: "Global ID of the product." })
  productId!: string;
  @Field(() => Int, { nullable: true, description: "The term option in months; null for the unlimited term." })
  termMonths?: number | null;
  @Field(() => PriceKind, { description: "TERM (fixed terms), MONTHLY (auto-renew and unlimited) or INITIAL." })
  kind!: PriceKind;
  @Field(() => Int, { description: "Integer yen before consumption tax." })
  priceYen!: number;
  @Field(() => Date, {
    nullable: true,
    description:
      "When the price takes effect (default: now). Never in the past: it takes effect at the later of this time " +
      "and the second after the product's last charge, so no fee already charged is contradicted. Setting the " +
      "price already in force changes nothing.",
  })
  effectiveFrom?: Date | null;
}

@InputType({ description: "CON-8: a consumption-tax rate from a future JST date on." })
export class SetTaxRateInput {
  @Field({
    description:
      "First JST date (YYYY-MM-DD) of the rate, from 00:00 JST; two days ahead at the least, and after every " +
      "charge already recorded.",
  })
  effectiveOn!: string;
  @Field(() => Int, { description: "Rate in whole percent (national and local combined), 0 to 100." })
  ratePercent!: number;
}

@InputType({ description: "CON-5: discontinue a product." })
export class DiscontinueProductInput {
  @Field(() => ID, { description: "Global ID of the product." })
  productId!: string;
  @Field(() => Date, { nullable: true, description: "When it is discontinued (default: now; never in the past)." })
  effectiveAt?: Date | null;
  @Field({ description: "Why; recorded and sent to the managing resellers." })
  reason!: string;
}

@ObjectType({ description: "Result of a catalogue mutation: the product as it now stands, or why nothing changed." })
export class ProductPayload {
  @Field(() => Product, { nullable: true, description: "The product; null when refused." })
  product!: Product | null;
  @Field(() => [UserError], { description: "Business refusals; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ description: "Result of setProductPrice." })
export class ProductPricePayload {
  @Field(() => ProductPrice, {
    nullable: true,
    description: "The price row (the one already in force when nothing changed); null when refused.",
  })
  price!: ProductPrice | null;
  @Field(() => [UserError], { description: "Business refusals; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ description: "Result of setTaxRate." })
export class TaxRatePayload {
  @Field(() => TaxRate, { nullable: true, description: "The rate; null when refused." })
  taxRate!: TaxRate | null;
  @Field(() => [UserError], { description: "Business refusals; empty on success." })
  userErrors!: UserError[];
}
