import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";
import { SUCCESSION_LATE } from "../graphql/rule-descriptions";

export enum SuccessionKind {
  MERGER = "MERGER",
  SPLIT = "SPLIT",
}
registerEnumType(SuccessionKind, {
  name: "SuccessionKind",
  description: "CON-6: succession by merger (合併) or by company split (会社分割).",
});

/** CON-6 [S 6]: the successor of a subscriber by merger or split, and the contracts that moved to it. */
@Entity("subscriber_succession")
@ObjectType({
  implements: Node,
  description:
    "CON-6: a succession by merger or split; the contracts named moved to the successor. Late when notified more " +
    "than 30 days after.",
})
export class SubscriberSuccession implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("SubscriberSuccession", this.id);
  }

  @Column({ name: "predecessor_id", type: "uuid" })
  predecessorId!: string;

  @Column({ name: "successor_id", type: "uuid" })
  successorId!: string;

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Field(() => SuccessionKind, { description: "MERGER or SPLIT." })
  @Column({ name: "kind", type: "text" })
  kind!: SuccessionKind;

  @Field({ description: "JST date of the succession (YYYY-MM-DD)." })
  @Column({ name: "succeeded_on", type: "date" })
  succeededOn!: string;

  @Field({ description: "JST date the successor notified it (YYYY-MM-DD)." })
  @Column({ name: "notified_on", type: "date" })
  notifiedOn!: string;

  @Field({ description: SUCCESSION_LATE })
  @Column({ name: "late", type: "boolean" })
  late!: boolean;

  @Column({ name: "contract_ids", type: "uuid", array: true })
  contractIds!: string[];

  @Field(() => String, { nullable: true, description: "The operator's note." })
  @Column({ name: "note", type: "text", nullable: true })
  note!: string | null;

  @Field(() => Date, { description: "When the operator recorded it." })
  @Column({ name: "recorded_at", type: "timestamptz" })
  recordedAt!: Date;

  @Column({ name: "recorded_by_key_id", type: "uuid", nullable: true })
  recordedByKeyId!: string | null;
}
