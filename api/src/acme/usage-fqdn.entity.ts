import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum UsageFqdnState {
  ACTIVE = "ACTIVE",
  ENDED = "ENDED",
}
registerEnumType(UsageFqdnState, {
  name: "UsageFqdnState",
  description: "ACME-2: ACTIVE inside its usage period, ENDED after it (or after an early end).",
});

export enum UsageFqdnEndReason {
  ENDED_BY_RESELLER = "ENDED_BY_RESELLER",
  PERIOD_OVER = "PERIOD_OVER",
}
registerEnumType(UsageFqdnEndReason, {
  name: "UsageFqdnEndReason",
  description: "Why a usage FQDN ended: the reseller ended it, or its usage period ran out.",
});

export enum UsagePeriodKind {
  REGISTRATION = "REGISTRATION",
  CONTINUATION = "CONTINUATION",
}
registerEnumType(UsagePeriodKind, {
  name: "UsagePeriodKind",
  description: "ACME-2: the first period (registration) or a continuation (継続).",
});

/** ACME-2: a usage FQDN (利用FQDN) registered by the managing reseller for one subscriber. */
@Entity("acme_usage_fqdn")
@ObjectType({
  implements: Node,
  description:
    "ACME-2: a usage FQDN (利用FQDN): a name the subscriber's ACME client may obtain certificates for during its usage period.",
})
export class UsageFqdn implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("UsageFqdn", this.id);
  }

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  @Field({ description: "The name (lower-case A-labels); a wildcard is `*.` and its base name." })
  @Column({ type: "text" })
  name!: string;

  @Field(() => Date, { description: "When it was registered (the start of its first usage period)." })
  @Column({ name: "registered_at", type: "timestamptz" })
  registeredAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: "ACME-6: when its first ACME order was accepted; null while unused.",
  })
  @Column({ name: "first_used_at", type: "timestamptz", nullable: true })
  firstUsedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: "When it ended early (endUsageFqdn) or was closed after its period; null otherwise.",
  })
  @Column({ name: "ended_at", type: "timestamptz", nullable: true })
  endedAt!: Date | null;

  @Field(() => UsageFqdnEndReason, { nullable: true, description: "Why it ended; null while not ended." })
  @Column({ name: "end_reason", type: "text", nullable: true })
  endReason!: UsageFqdnEndReason | null;

  @Column({ name: "idempotency_key", type: "text", nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}

/** ACME-2: one usage period of a usage FQDN, with the charge it caused. */
@Entity("acme_usage_period")
@ObjectType({ description: "ACME-2: one usage period (registration or continuation) and its fee." })
export class UsagePeriod {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "usage_fqdn_id", type: "uuid" })
  usageFqdnId!: string;

  @Field(() => UsagePeriodKind, { description: "REGISTRATION or CONTINUATION." })
  @Column({ type: "text" })
  kind!: UsagePeriodKind;

  @Field(() => Date, { description: "Start of the period." })
  @Column({ name: "starts_at", type: "timestamptz" })
  startsAt!: Date;

  @Field(() => Date, { description: "End of the period (23:59:59 JST on the last day of a month, VAL-2)." })
  @Column({ name: "ends_at", type: "timestamptz" })
  endsAt!: Date;

  @Column({ name: "charge_id", type: "uuid", nullable: true })
  chargeId!: string | null;

  @Field(() => Date, { description: "When the period was registered or continued." })
  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
