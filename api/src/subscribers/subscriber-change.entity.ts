import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum SubscriberChangeStatus {
  PENDING = "PENDING",
  CONFIRMED = "CONFIRMED",
  REJECTED = "REJECTED",
}
registerEnumType(SubscriberChangeStatus, {
  name: "SubscriberChangeStatus",
  description: "CON-6: PENDING until the operator confirms (then in effect) or rejects it.",
});

/** One field's old and new value. */
@ObjectType({ description: "One field of a subscriber change: its value before and after." })
export class SubscriberFieldChange {
  @Field({ description: "The field, e.g. `name`, `address`, `representativeName`." })
  field!: string;
  @Field(() => String, { nullable: true, description: "The value when the change was requested." })
  from!: string | null;
  @Field(() => String, { nullable: true, description: "The value asked for." })
  to!: string | null;
}

export type ChangeSet = Record<string, { from: string | null; to: string | null }>;

/** The order fields are shown in (jsonb keeps no key order). */
const FIELD_ORDER = ["name", "nameEn", "country", "stateOrProvince", "locality", "address", "representativeName"];

/** CON-6 [S 6]: a change of registered data, in effect only once the operator has confirmed it. */
@Entity("subscriber_change")
@ObjectType({
  implements: Node,
  description:
    "CON-6: a requested change of a subscriber's name, address or representative; in effect once the operator " +
    "confirms it.",
})
export class SubscriberChange implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("SubscriberChange", this.id);
  }

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Column({ name: "changes", type: "jsonb" })
  changes!: ChangeSet;

  @Field(() => [SubscriberFieldChange], {
    name: "changes",
    description: "Each field changed, with its value before and after.",
  })
  get fieldChanges(): SubscriberFieldChange[] {
    const rank = (f: string) => (FIELD_ORDER.includes(f) ? FIELD_ORDER.indexOf(f) : FIELD_ORDER.length);
    return Object.entries(this.changes)
      .sort((a, b) => rank(a[0]) - rank(b[0]))
      .map(([field, v]) => ({ field, from: v.from, to: v.to }));
  }

  @Field(() => SubscriberChangeStatus, { description: "PENDING, CONFIRMED (in effect from `decidedAt`) or REJECTED." })
  @Column({ name: "status", type: "text" })
  status!: SubscriberChangeStatus;

  @Field(() => Date, { description: "When the reseller reported the change." })
  @Column({ name: "requested_at", type: "timestamptz" })
  requestedAt!: Date;

  @Column({ name: "requested_by_key_id", type: "uuid", nullable: true })
  requestedByKeyId!: string | null;

  @Field(() => Date, {
    nullable: true,
    description: "When the operator confirmed (the change took effect) or rejected it.",
  })
  @Column({ name: "decided_at", type: "timestamptz", nullable: true })
  decidedAt!: Date | null;

  @Column({ name: "decided_by_key_id", type: "uuid", nullable: true })
  decidedByKeyId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The operator's note with the decision (e.g. the documents checked).",
  })
  @Column({ name: "decision_note", type: "text", nullable: true })
  decisionNote!: string | null;
}
