import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum ContractStatus {
  ACTIVE = "ACTIVE",
  ENDED = "ENDED",
}

export enum ContractEndReason {
  TERM_END = "TERM_END",
  REVOKED = "REVOKED",
  CANCELLED = "CANCELLED",
  NOT_RENEWED = "NOT_RENEWED",
  DISCONTINUED = "DISCONTINUED",
  RENEWED = "RENEWED",
}

/** CON-1: a contract runs from acceptance until revocation or the end of its term. */
@Entity("contract")
export class Contract {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

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

  /** Null: the unlimited term (bring-your-own). */
  @Column({ name: "term_months", type: "int", nullable: true })
  termMonths!: number | null;

  @Column({ name: "carry_over_months", type: "int", default: 0 })
  carryOverMonths!: number;

  @Column({ name: "starts_at", type: "timestamptz" })
  startsAt!: Date;

  /** Null: unlimited (bring-your-own). */
  @Column({ name: "ends_at", type: "timestamptz", nullable: true })
  endsAt!: Date | null;

  /** VAL-6: end of the current service period of an auto-renew contract. */
  @Column({ name: "service_period_ends_at", type: "timestamptz", nullable: true })
  servicePeriodEndsAt!: Date | null;

  @Column({ name: "auto_renew_stop_noticed_at", type: "timestamptz", nullable: true })
  autoRenewStopNoticedAt!: Date | null;

  /** CON-4 */
  @Column({ name: "do_not_renew", type: "boolean", default: false })
  doNotRenew!: boolean;

  /** CON-2 */
  @Column({ name: "cancellation_noticed_at", type: "timestamptz", nullable: true })
  cancellationNoticedAt!: Date | null;

  @Column({ name: "cancellation_effective_at", type: "timestamptz", nullable: true })
  cancellationEffectiveAt!: Date | null;

  @Column({ name: "status", type: "text", default: ContractStatus.ACTIVE })
  status!: ContractStatus;

  @Column({ name: "ended_at", type: "timestamptz", nullable: true })
  endedAt!: Date | null;

  @Column({ name: "end_reason", type: "text", nullable: true })
  endReason!: ContractEndReason | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
