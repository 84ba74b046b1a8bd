import { GraphQLJSON } from "graphql-scalars";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { toGlobalId } from "../ids";
import { Node } from "../ids";
import { Connection } from "../graphql/relay";
import { UserError } from "../graphql/user-error";
import { EventType } from "./event-publisher";

export enum WebhookDeliveryStatus {
  PENDING = "PENDING",
  IN_FLIGHT = "IN_FLIGHT",
  DELIVERED = "DELIVERED",
  DEAD = "DEAD",
}
registerEnumType(WebhookDeliveryStatus, {
  name: "WebhookDeliveryStatus",
  description:
    "PENDING until sent (or between retries); IN_FLIGHT while a worker sends it; DELIVERED once the endpoint answered 2xx; DEAD after the last attempt failed (replayable).",
});

/** NOT-1: one entry of the change feed; its `id` is also its position in the feed. */
@ObjectType({
  description: "Something that happened to a reseller's records (NOT-1). The same event is what webhooks deliver.",
})
export class Event {
  @Field(() => ID, {
    description:
      "Event id and feed position (increasing); the `Akashi-Event-Id` header and the payload's `id` carry the same value.",
  })
  id!: string;

  @Field(() => EventType, { description: "What happened." })
  type!: EventType;

  @Field(() => Date, { description: "When the change that caused it committed its transaction (the service's clock)." })
  occurredAt!: Date;

  @Field(() => ID, { nullable: true, description: "Global ID of the reseller whose feed holds the event." })
  resellerId!: string | null;

  @Field({ description: "GraphQL type of the object the event is about, e.g. `Application`." })
  subjectType!: string;

  @Field(() => ID, { description: "Global ID of the object the event is about." })
  subjectId!: string;

  @Field(() => GraphQLJSON, { description: "Event-specific details (the webhook payload's `data`)." })
  data!: Record<string, unknown>;
}

@ObjectType({
  description:
    "A page of the change feed, oldest first. Keep the last `endCursor` and ask again with `after` to catch up with no gaps.",
})
export class EventConnection extends Connection(Event) {}

@ObjectType({
  implements: Node,
  description:
    "Where a reseller has its events sent (NOT-1). The signing secret is shown once, when the endpoint is created.",
})
export class WebhookEndpoint implements Node {
  id!: string;
  resellerId!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("WebhookEndpoint", this.id);
  }

  @Field({ description: "Where deliveries are POSTed." })
  url!: string;

  @Field(() => [EventType], { description: "The event types sent to this endpoint." })
  eventTypes!: EventType[];

  @Field({ description: "False once deleted (or paused): no new deliveries are made for it." })
  active!: boolean;

  @Field(() => Date, { description: "When it was registered." })
  createdAt!: Date;

  @Field(() => Date, { description: "When it was last changed." })
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: "When it was deleted." })
  disabledAt!: Date | null;
}

@ObjectType({ description: "A page of webhook endpoints, oldest first." })
export class WebhookEndpointConnection extends Connection(WebhookEndpoint) {}

@ObjectType({
  implements: Node,
  description:
    "One event on its way to one endpoint: retried with exponential back-off until delivered or dead (NOT-1).",
})
export class WebhookDelivery implements Node {
  id!: string;
  eventId!: string;
  endpointId!: string;
  resellerId!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("WebhookDelivery", this.id);
  }

  @Field(() => WebhookDeliveryStatus, { description: "Where the delivery stands." })
  status!: WebhookDeliveryStatus;

  @Field(() => Int, { description: "Attempts made so far (reset by a replay)." })
  attempts!: number;

  @Field(() => Date, { description: "When the next attempt is due (PENDING), or when the last one was scheduled." })
  nextAttemptAt!: Date;

  @Field(() => Int, {
    nullable: true,
    description: "HTTP status of the last answer; null when none came (timeout, refused connection).",
  })
  lastStatusCode!: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Why the last attempt failed, as a coarse category: `HTTP_<status>` (e.g. `HTTP_503`), `TIMEOUT`, `CONNECTION_REFUSED`, `CONNECTION_RESET`, " +
      "`HOST_UNREACHABLE`, `DNS_ERROR`, `TLS_ERROR`, `DESTINATION_NOT_ALLOWED` (the host is or resolves to a non-public address), " +
      "`ENDPOINT_INACTIVE` or `NETWORK_ERROR`; null while no attempt has failed, and after a delivered one.",
  })
  lastError!: string | null;

  @Field(() => Date, { nullable: true, description: "When the last attempt started." })
  lastAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "When the endpoint acknowledged it (2xx)." })
  deliveredAt!: Date | null;

  @Field(() => Date, { description: "When the event was emitted for this endpoint." })
  createdAt!: Date;
}

@ObjectType({ description: "A page of webhook deliveries, newest first." })
export class WebhookDeliveryConnection extends Connection(WebhookDelivery) {}

@InputType({ description: "Register an endpoint for this reseller's events (NOT-1)." })
export class CreateWebhookEndpointInput {
  @Field({
    description: "https URL (http and loopback only where the operator allows insecure endpoints); no credentials.",
  })
  url!: string;

  @Field(() => [EventType], { description: "The event types to send; at least one." })
  eventTypes!: EventType[];

  @Field(() => String, {
    nullable: true,
    description: "Retrying with the same key returns the same endpoint (and secret) instead of a second one.",
  })
  idempotencyKey?: string | null;
}

@ObjectType({ description: "The new endpoint and its signing secret, or why it was refused." })
export class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { nullable: true, description: "The endpoint; null when refused." })
  webhookEndpoint!: WebhookEndpoint | null;

  @Field(() => String, {
    nullable: true,
    description: "The signing secret for `Akashi-Signature`. Shown only here: store it.",
  })
  secret!: string | null;

  @Field(() => [UserError], { description: "Why nothing was created; empty on success." })
  userErrors!: UserError[];
}

@InputType({ description: "Change an endpoint; omitted fields stay as they are." })
export class UpdateWebhookEndpointInput {
  @Field(() => ID, { description: "The endpoint's global ID." })
  webhookEndpointId!: string;

  @Field(() => String, { nullable: true, description: "A new URL (same rules as at creation)." })
  url?: string | null;

  @Field(() => [EventType], { nullable: true, description: "A new list of event types; at least one." })
  eventTypes?: EventType[] | null;

  @Field(() => Boolean, { nullable: true, description: "Pause (false) or resume (true) new deliveries." })
  active?: boolean | null;
}

@InputType({ description: "Delete (deactivate) an endpoint." })
export class DeleteWebhookEndpointInput {
  @Field(() => ID, { description: "The endpoint's global ID." })
  webhookEndpointId!: string;
}

@ObjectType({ description: "The changed endpoint, or why the change was refused." })
export class WebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { nullable: true, description: "The endpoint as it is now; null when refused." })
  webhookEndpoint!: WebhookEndpoint | null;

  @Field(() => [UserError], { description: "Why nothing changed; empty on success." })
  userErrors!: UserError[];
}

@InputType({ description: "Send a delivery again, also a DEAD or DELIVERED one (the attempt count starts afresh)." })
export class ReplayWebhookDeliveryInput {
  @Field(() => ID, { description: "The delivery's global ID." })
  deliveryId!: string;
}

@ObjectType({ description: "The re-queued delivery, or why it was refused." })
export class WebhookDeliveryPayload {
  @Field(() => WebhookDelivery, { nullable: true, description: "The delivery, PENDING again; null when refused." })
  webhookDelivery!: WebhookDelivery | null;

  @Field(() => [UserError], { description: "Why nothing changed; empty on success." })
  userErrors!: UserError[];
}
