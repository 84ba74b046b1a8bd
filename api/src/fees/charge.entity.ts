import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum ChargeKind {
  DESIGNATION = "DESIGNATION",
  ISSUANCE = "ISSUANCE",
  RENEWAL = "RENEWAL",
  MONTHLY = "MONTHLY",
  CHANGE = "CHANGE",
}

/** CON-8: a fee owed by a reseller (RES-6), with tax at the rate in force on the charge date; integer yen. */
@Entity("charge")
export class Charge {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Column({ name: "contract_id", type: "uuid", nullable: true })
  contractId!: string | null;

  @Column({ name: "kind", type: "text" })
  kind!: ChargeKind;

  @Column({ name: "description", type: "text" })
  description!: string;

  @Column({ name: "amount_yen", type: "int" })
  amountYen!: number;

  @Column({ name: "tax_rate_percent", type: "int" })
  taxRatePercent!: number;

  @Column({ name: "tax_yen", type: "int" })
  taxYen!: number;

  @Column({ name: "charged_at", type: "timestamptz" })
  chargedAt!: Date;

  /** CON-7 */
  @Column({ name: "due_at", type: "timestamptz" })
  dueAt!: Date;

  @Column({ name: "period_start", type: "timestamptz", nullable: true })
  periodStart!: Date | null;

  @Column({ name: "period_end", type: "timestamptz", nullable: true })
  periodEnd!: Date | null;
}
