import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum ContractStatus {
  ACTIVE = "ACTIVE",
  ENDED = "ENDED",
}
registerEnumType(ContractStatus, { name: "ContractStatus", description: "Whether the contract is in force." });

export enum ContractEndReason {
  TERM_END = "TERM_END",
  REVOKED = "REVOKED",
  CANCELLED = "CANCELLED",
  NOT_RENEWED = "NOT_RENEWED",
  DISCONTINUED = "DISCONTINUED",
  RENEWED = "RENEWED",
}
registerEnumType(ContractEndReason, { name: "ContractEndReason", description: "Why a contract ended." });

/** CON-1: a contract runs from acceptance until revocation or the end of its term. */
@Entity("contract")
@ObjectType({ implements: Node, description: "A contract for one certificate product and term (CON-1..CON-9)." })
export class Contract implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("Contract", this.id);
  }

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  /** Managing reseller; null once taken over by the operator (RES-11). */
  @Column({ name: "reseller_id", type: "uuid", nullable: true })
  resellerId!: string | null;

  @Column({ name: "product_id", type: "uuid" })
  productId!: string;

  @Column({ name: "application_id", type: "uuid" })
  applicationId!: string;

  @Column({ name: "renewed_from_id", type: "uuid", nullable: true })
  renewedFromId!: string | null;

  @Field(() => Int, { nullable: true, description: "Term in months; null for unlimited." })
  /** Null: the unlimited term (bring-your-own). */
  @Column({ name: "term_months", type: "int", nullable: true })
  termMonths!: number | null;

  @Field(() => Int, { description: "VAL-3: months carried over into this term." })
  @Column({ name: "carry_over_months", type: "int", default: 0 })
  carryOverMonths!: number;

  @Field(() => Date, { description: "Acceptance by the operator (CON-1)." })
  @Column({ name: "starts_at", type: "timestamptz" })
  startsAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: "Term end, 23:59:59 JST at a month end (VAL-2); null for unlimited.",
  })
  /** Null: unlimited (bring-your-own). */
  @Column({ name: "ends_at", type: "timestamptz", nullable: true })
  endsAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "VAL-6: end of the current auto-renew service period." })
  /** VAL-6: end of the current service period of an auto-renew contract. */
  @Column({ name: "service_period_ends_at", type: "timestamptz", nullable: true })
  servicePeriodEndsAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "VAL-6: when notice not to extend was given." })
  @Column({ name: "auto_renew_stop_noticed_at", type: "timestamptz", nullable: true })
  autoRenewStopNoticedAt!: Date | null;

  @Field({ description: "CON-4: the subscriber declined renewal; the contract ends with its term." })
  /** CON-4 */
  @Column({ name: "do_not_renew", type: "boolean", default: false })
  doNotRenew!: boolean;

  @Field(() => Date, { nullable: true, description: "CON-2: when the cancellation notice arrived." })
  /** CON-2 */
  @Column({ name: "cancellation_noticed_at", type: "timestamptz", nullable: true })
  cancellationNoticedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "CON-2: when the cancellation takes effect." })
  @Column({ name: "cancellation_effective_at", type: "timestamptz", nullable: true })
  cancellationEffectiveAt!: Date | null;

  @Field(() => ContractStatus, { description: "ACTIVE while in force, ENDED afterwards (CON-1)." })
  @Column({ name: "status", type: "text", default: ContractStatus.ACTIVE })
  status!: ContractStatus;

  @Field(() => Date, { nullable: true, description: "When the contract ended (ISO 8601); null while active." })
  @Column({ name: "ended_at", type: "timestamptz", nullable: true })
  endedAt!: Date | null;

  @Field(() => ContractEndReason, { nullable: true, description: "Why the contract ended; null while active." })
  @Column({ name: "end_reason", type: "text", nullable: true })
  endReason!: ContractEndReason | null;

  @Field(() => Date, { description: "When the record was created (ISO 8601)." })
  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
