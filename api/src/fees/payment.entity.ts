import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum PaymentMethod {
  BANK_TRANSFER = "BANK_TRANSFER",
  DIRECT_DEBIT = "DIRECT_DEBIT",
  CREDIT_CARD = "CREDIT_CARD",
  CASH = "CASH",
  OTHER = "OTHER",
}
registerEnumType(PaymentMethod, { name: "PaymentMethod", description: "How a payment was made." });

/** RES-6, CON-9: money a reseller paid against one monthly statement. Never changed once recorded. */
@Entity("payment")
@ObjectType({
  implements: Node,
  description:
    "A payment received from a reseller against one monthly statement (RES-6). Payments are history: never changed " +
    "or removed.",
})
export class Payment implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("Payment", this.id);
  }

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Field({ description: "The statement paid, YYYY-MM (JST)." })
  @Column({ name: "statement_month", type: "text" })
  statementMonth!: string;

  @Field(() => Int, { description: "Integer yen received." })
  @Column({ name: "amount_yen", type: "int" })
  amountYen!: number;

  @Field({ description: "The JST date the money was received (YYYY-MM-DD); CON-9 counts it from 00:00 JST that day." })
  @Column({ name: "received_on", type: "date" })
  receivedOn!: string;

  @Field(() => PaymentMethod, { description: "How it was paid." })
  @Column({ name: "method", type: "text" })
  method!: PaymentMethod;

  @Field({ description: "The transfer's or receipt's reference; unique per reseller." })
  @Column({ name: "reference", type: "text" })
  reference!: string;

  @Field(() => String, { nullable: true, description: "The operator's note." })
  @Column({ name: "note", type: "text", nullable: true })
  note!: string | null;

  @Field(() => Date, { description: "When the operator recorded it (ISO 8601)." })
  @Column({ name: "recorded_at", type: "timestamptz" })
  recordedAt!: Date;

  @Column({ name: "recorded_by_key_id", type: "uuid", nullable: true })
  recordedByKeyId!: string | null;
}
