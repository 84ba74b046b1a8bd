import { Field, Int, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { jstDateOf } from "../domain";

/** CON-8: consumption tax rate, effective-dated; the rate in force on a charge date applies. Never changed once written. */
@Entity("tax_rate")
@ObjectType({
  description: "CON-8: a consumption-tax rate, in force from 00:00 JST on `effectiveOn` until the next rate.",
})
export class TaxRate {
  @PrimaryColumn({ name: "effective_from", type: "timestamptz" })
  effectiveFrom!: Date;

  @Field({ description: "First JST date the rate is in force (YYYY-MM-DD)." })
  get effectiveOn(): string {
    return jstDateOf(this.effectiveFrom);
  }

  @Field(() => Int, { description: "Rate in whole percent." })
  @Column({ name: "rate_percent", type: "int" })
  ratePercent!: number;
}
