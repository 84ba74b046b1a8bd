import { Column, Entity, PrimaryColumn } from "typeorm";

/** CON-8: consumption tax rate, effective-dated; the rate in force on a charge date applies. */
@Entity("tax_rate")
export class TaxRate {
  @PrimaryColumn({ name: "effective_from", type: "timestamptz" })
  effectiveFrom!: Date;

  @Column({ name: "rate_percent", type: "int" })
  ratePercent!: number;
}
