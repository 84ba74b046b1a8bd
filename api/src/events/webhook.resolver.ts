import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../graphql/context";
import { idOfType } from "../ids";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../paging";
import { PageArgs } from "../graphql/relay";
import { mutate } from "../graphql/user-error";
import {
  CreateWebhookEndpointInput,
  CreateWebhookEndpointPayload,
  DeleteWebhookEndpointInput,
  Event,
  EventConnection,
  ReplayWebhookDeliveryInput,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookDeliveryPayload,
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookEndpointConnection,
  WebhookEndpointPayload,
} from "./webhook.types";

@ArgsType()
export class EventFeedArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `Page size, 1 to ${MAX_PAGE_SIZE}.`,
  })
  first!: number;

  @Field(() => String, {
    nullable: true,
    description:
      "Feed position to continue after: the last event `id` (or page `endCursor`) you have. Omit to start at the beginning.",
  })
  after?: string | null;
}

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Mutation(() => CreateWebhookEndpointPayload, {
    description:
      "Reseller: register a webhook endpoint (NOT-1). The payload carries the signing secret, shown only this once.",
  })
  createWebhookEndpoint(
    @Arg("input", { description: "What to do; see the input type." }) input: CreateWebhookEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<CreateWebhookEndpointPayload> {
    return mutate(
      () => ctx.services.webhooks.createEndpoint(ctx, input),
      (r) => ({ webhookEndpoint: r?.endpoint ?? null, secret: r?.secret ?? null }),
    );
  }

  @Mutation(() => WebhookEndpointPayload, {
    description: "Change an endpoint's URL or event types, or pause/resume it.",
  })
  updateWebhookEndpoint(
    @Arg("input", { description: "What to do; see the input type." }) input: UpdateWebhookEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpointPayload> {
    return mutate(
      () => ctx.services.webhooks.updateEndpoint(ctx, idOfType(input.webhookEndpointId, "WebhookEndpoint"), input),
      (webhookEndpoint) => ({ webhookEndpoint }),
    );
  }

  @Mutation(() => WebhookEndpointPayload, {
    description: "Delete an endpoint: nothing more is sent to it; its delivery history stays.",
  })
  deleteWebhookEndpoint(
    @Arg("input", { description: "What to do; see the input type." }) input: DeleteWebhookEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpointPayload> {
    return mutate(
      () => ctx.services.webhooks.deleteEndpoint(ctx, idOfType(input.webhookEndpointId, "WebhookEndpoint")),
      (webhookEndpoint) => ({ webhookEndpoint }),
    );
  }

  @Mutation(() => WebhookDeliveryPayload, {
    description: "Send a delivery again (also a DEAD one), with a fresh attempt count.",
  })
  replayWebhookDelivery(
    @Arg("input", { description: "What to do; see the input type." }) input: ReplayWebhookDeliveryInput,
    @Ctx() ctx: Context,
  ): Promise<WebhookDeliveryPayload> {
    return mutate(
      () => ctx.services.webhooks.replay(ctx, idOfType(input.deliveryId, "WebhookDelivery")),
      (webhookDelivery) => ({ webhookDelivery }),
    );
  }

  @Query(() => WebhookEndpointConnection, {
    description: "The caller's webhook endpoints (the operator: everyone's), oldest first, deleted ones included.",
  })
  webhookEndpoints(@Args() args: PageArgs, @Ctx() ctx: Context): Promise<WebhookEndpointConnection> {
    return ctx.services.webhooks.endpoints(ctx, args);
  }

  @Query(() => WebhookDeliveryConnection, {
    description:
      "The caller's webhook deliveries (the operator: everyone's), newest first. `status: DEAD` lists the dead letters.",
  })
  webhookDeliveries(
    @Args() args: PageArgs,
    @Ctx() ctx: Context,
    @Arg("status", () => WebhookDeliveryStatus, { nullable: true, description: "Only deliveries in this state." })
    status?: WebhookDeliveryStatus | null,
  ): Promise<WebhookDeliveryConnection> {
    return ctx.services.webhooks.deliveries(ctx, args, status ?? null);
  }

  @Query(() => EventConnection, {
    description:
      "RES-5: the change feed — the caller's events (the operator: all) after a position, oldest first, each exactly once.",
  })
  events(@Args() args: EventFeedArgs, @Ctx() ctx: Context): Promise<EventConnection> {
    return ctx.services.webhooks.events(ctx, args);
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => Event, { description: "The event delivered." })
  event(@Root() d: WebhookDelivery, @Ctx() ctx: Context): Promise<Event> {
    return ctx.services.webhooks.eventOf(ctx, d);
  }

  @FieldResolver(() => WebhookEndpoint, { description: "Where it is sent." })
  endpoint(@Root() d: WebhookDelivery, @Ctx() ctx: Context): Promise<WebhookEndpoint> {
    return ctx.services.webhooks.endpointOf(ctx, d);
  }
}
