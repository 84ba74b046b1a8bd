import { Field, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLJSON } from "graphql-scalars";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum ActorKind {
  OPERATOR = "OPERATOR",
  RESELLER = "RESELLER",
  PUBLIC = "PUBLIC",
  SYSTEM = "SYSTEM",
}
registerEnumType(ActorKind, { name: "ActorKind", description: "Who caused an audited change." });

/** REC-1: one append-only audit entry. The database refuses UPDATE, and DELETE inside the REC-2 window. */
@Entity("audit_event")
@ObjectType({ description: "An append-only audit entry (REC-1): who changed what, when, why, before and after." })
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Field(() => Date, { description: "When the change was committed (ISO 8601)." })
  @Column({ name: "occurred_at", type: "timestamptz" })
  occurredAt!: Date;

  @Field(() => ActorKind, { description: "Who caused the change: OPERATOR, RESELLER, PUBLIC or SYSTEM." })
  @Column({ name: "actor_kind", type: "text" })
  actorKind!: ActorKind;

  @Column({ name: "actor_key_id", type: "uuid", nullable: true })
  actorKeyId!: string | null;

  @Field(() => String, { nullable: true, description: "The key's public ID or the system component." })
  @Column({ name: "actor_label", type: "text", nullable: true })
  actorLabel!: string | null;

  @Column({ name: "reseller_id", type: "uuid", nullable: true })
  resellerId!: string | null;

  @Field({ description: "What happened, e.g. `subscriber.create`." })
  @Column()
  action!: string;

  @Field({ description: "The kind of object changed." })
  @Column({ name: "entity_type" })
  entityType!: string;

  @Field({ description: "The changed object's global ID." })
  @Column({ name: "entity_id" })
  entityId!: string;

  @Field(() => String, { nullable: true, description: "The reason the actor gave, if any." })
  @Column({ type: "text", nullable: true })
  reason!: string | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      "State before the change as JSON (secrets and binary data left out); null when there was none, e.g. on creation.",
  })
  @Column({ type: "jsonb", nullable: true })
  before!: Record<string, unknown> | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: "State after the change as JSON (secrets and binary data left out); null when not recorded.",
  })
  @Column({ type: "jsonb", nullable: true })
  after!: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: "The request that caused it, as in the logs." })
  @Column({ name: "request_id", type: "text", nullable: true })
  requestId!: string | null;
}
