import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum ChargeKind {
  DESIGNATION = "DESIGNATION",
  ISSUANCE = "ISSUANCE",
  RENEWAL = "RENEWAL",
  MONTHLY = "MONTHLY",
  CHANGE = "CHANGE",
  ACME_REGISTRATION = "ACME_REGISTRATION",
  ACME_CONTINUATION = "ACME_CONTINUATION",
}
registerEnumType(ChargeKind, {
  name: "ChargeKind",
  description:
    "What a fee is for: DESIGNATION of the reseller (RES-1), ISSUANCE of a new contract's term, RENEWAL of a term, one MONTHLY service period (auto-renew, unlimited management), a CHANGE accepted (CON-8), or the ACME_REGISTRATION / ACME_CONTINUATION of a usage FQDN (ACME-2).",
});

/** CON-8: a fee owed by a reseller (RES-6), with tax at the rate in force on the charge date; integer yen. */
@Entity("charge")
@ObjectType({
  implements: Node,
  description:
    "One line of the fee ledger: a fee the reseller owes the operator (RES-6), before tax, with consumption tax at the rate in force on the charge date (CON-8) and its due date (CON-7). Charges are never changed or refunded (REV-6).",
})
export class Charge implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("Charge", this.id);
  }

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Column({ name: "contract_id", type: "uuid", nullable: true })
  contractId!: string | null;

  @Field(() => ChargeKind, { description: "What the fee is for." })
  @Column({ name: "kind", type: "text" })
  kind!: ChargeKind;

  @Field({ description: "What the line says on the statement (product, term or period)." })
  @Column({ name: "description", type: "text" })
  description!: string;

  @Field(() => Int, { description: "The fee in integer yen, before tax." })
  @Column({ name: "amount_yen", type: "int" })
  amountYen!: number;

  @Field(() => Int, { description: "CON-8: the consumption-tax rate in force on the charge date, in percent." })
  @Column({ name: "tax_rate_percent", type: "int" })
  taxRatePercent!: number;

  @Field(() => Int, { description: "CON-8: consumption tax on this line, yen fractions rounded down." })
  @Column({ name: "tax_yen", type: "int" })
  taxYen!: number;

  @Field(() => Int, { description: "amountYen + taxYen." })
  get totalYen(): number {
    return this.amountYen + this.taxYen;
  }

  @Field(() => Date, {
    description: "When the fee arose (the tax point): issuance, renewal, or the start of the billed month.",
  })
  @Column({ name: "charged_at", type: "timestamptz" })
  chargedAt!: Date;

  /** CON-7 */
  @Field(() => Date, { description: "CON-7: due by the end of the month after the charge date (23:59:59 JST)." })
  @Column({ name: "due_at", type: "timestamptz" })
  dueAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: "Start of the period the fee covers (the term, or the service month); null when it covers no period.",
  })
  @Column({ name: "period_start", type: "timestamptz", nullable: true })
  periodStart!: Date | null;

  @Field(() => Date, { nullable: true, description: "End of the period the fee covers." })
  @Column({ name: "period_end", type: "timestamptz", nullable: true })
  periodEnd!: Date | null;
}
