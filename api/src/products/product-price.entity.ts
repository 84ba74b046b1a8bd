import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum PriceKind {
  TERM = "TERM",
  MONTHLY = "MONTHLY",
  INITIAL = "INITIAL",
}
registerEnumType(PriceKind, {
  name: "PriceKind",
  description: "TERM: once per term; MONTHLY: per service month; INITIAL: once on acceptance (CON-8).",
});

/** VAL-1, CON-8: price per product and term, effective-dated, integer yen before tax. */
@Entity("product_price")
@ObjectType({
  implements: Node,
  description:
    "A price of a product, in integer yen before consumption tax, in force from `effectiveFrom` until the next price " +
    "of the same term and kind. Never changed once written.",
})
export class ProductPrice implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("ProductPrice", this.id);
  }

  @Column({ name: "product_id", type: "uuid" })
  productId!: string;

  @Field(() => Int, { nullable: true, description: "Term in months; null for the unlimited term." })
  @Column({ name: "term_months", type: "int", nullable: true })
  termMonths!: number | null;

  @Field(() => PriceKind, { description: "TERM, MONTHLY or INITIAL: when the price is charged (CON-8)." })
  @Column({ type: "text" })
  kind!: PriceKind;

  @Field(() => Int, { description: "Price in yen, before tax." })
  @Column({ name: "price_yen", type: "int" })
  priceYen!: number;

  @Field(() => Date, { description: "When this price takes effect (ISO 8601)." })
  @Column({ name: "effective_from", type: "timestamptz" })
  effectiveFrom!: Date;
}
