import {
  Arg,
  Args,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { Contract } from "../contracts";
import type { Context } from "../graphql/context";
import { idOfType } from "../ids";
import { Connection, PageArgs } from "../graphql/relay";
import { UserError, mutate } from "../graphql/user-error";
import { SubscriberChange, SubscriberChangeStatus } from "./subscriber-change.entity";
import { SubscriberSuccession, SuccessionKind } from "./subscriber-succession.entity";
import { Subscriber } from "./subscriber.entity";
import { SUCCESSION_NOTIFIED_ON } from "../graphql/rule-descriptions";

@ObjectType({ description: "A page of subscriber changes." })
export class SubscriberChangeConnection extends Connection(SubscriberChange) {}

@InputType({ description: "CON-6: confirm a pending change; it takes effect now." })
export class ConfirmSubscriberChangeInput {
  @Field(() => ID, { description: "Global ID of the pending change." })
  changeId!: string;
  @Field(() => String, {
    nullable: true,
    description: "What was checked (e.g. the certificate of registered matters).",
  })
  note?: string | null;
}

@InputType({ description: "CON-6: reject a pending change; nothing changes." })
export class RejectSubscriberChangeInput {
  @Field(() => ID, { description: "Global ID of the pending change." })
  changeId!: string;
  @Field({ description: "Why, shown to the reseller." })
  reason!: string;
}

@InputType({ description: "CON-6: a successor by merger or split." })
export class RecordSuccessionInput {
  @Field(() => ID, { description: "Global ID of the subscriber whose position passed." })
  predecessorSubscriberId!: string;
  @Field(() => ID, { description: "Global ID of the successor, registered by the same reseller (createSubscriber)." })
  successorSubscriberId!: string;
  @Field(() => SuccessionKind, {
    description: "MERGER (every active contract moves) or SPLIT (the contracts named move).",
  })
  kind!: SuccessionKind;
  @Field({ description: "JST date of the succession (YYYY-MM-DD)." })
  succeededOn!: string;
  @Field({ description: SUCCESSION_NOTIFIED_ON })
  notifiedOn!: string;
  @Field(() => [ID], { nullable: true, description: "SPLIT only: the contracts the successor takes over." })
  contractIds?: string[] | null;
  @Field(() => String, { nullable: true, description: "A note for the record." })
  note?: string | null;
}

@ObjectType({ description: "Result of a subscriber-change decision." })
export class SubscriberChangePayload {
  @Field(() => SubscriberChange, { nullable: true, description: "The change as it now stands; null when refused." })
  change!: SubscriberChange | null;
  @Field(() => [UserError], { description: "Business refusals; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ description: "Result of recordSuccession." })
export class SuccessionPayload {
  @Field(() => SubscriberSuccession, {
    nullable: true,
    description: "The succession recorded (the same one when recorded again); null when refused.",
  })
  succession!: SubscriberSuccession | null;
  @Field(() => [UserError], { description: "Business refusals; empty on success." })
  userErrors!: UserError[];
}

@Resolver(() => SubscriberChange)
export class SubscriberChangeResolver {
  @Mutation(() => SubscriberChangePayload, {
    description: "CON-6: the operator confirms a change of a subscriber's name, address or representative.",
  })
  confirmSubscriberChange(
    @Arg("input", { description: "Which change; see the input type." }) input: ConfirmSubscriberChangeInput,
    @Ctx() ctx: Context,
  ): Promise<SubscriberChangePayload> {
    return mutate(
      () =>
        ctx.services.subscriberChanges.confirm(ctx, idOfType(input.changeId, "SubscriberChange"), input.note ?? null),
      (change) => ({ change }),
    );
  }

  @Mutation(() => SubscriberChangePayload, { description: "CON-6: the operator rejects a pending change." })
  rejectSubscriberChange(
    @Arg("input", { description: "Which change and why; see the input type." }) input: RejectSubscriberChangeInput,
    @Ctx() ctx: Context,
  ): Promise<SubscriberChangePayload> {
    return mutate(
      () => ctx.services.subscriberChanges.reject(ctx, idOfType(input.changeId, "SubscriberChange"), input.reason),
      (change) => ({ change }),
    );
  }

  @Mutation(() => SuccessionPayload, {
    description: "CON-6: the operator records a successor by merger or split; the contracts move to it.",
  })
  recordSuccession(
    @Arg("input", { description: "The succession; see the input type." }) input: RecordSuccessionInput,
    @Ctx() ctx: Context,
  ): Promise<SuccessionPayload> {
    return mutate(
      () =>
        ctx.services.successions.record(ctx, {
          predecessorId: idOfType(input.predecessorSubscriberId, "Subscriber"),
          successorId: idOfType(input.successorSubscriberId, "Subscriber"),
          kind: input.kind,
          succeededOn: input.succeededOn,
          notifiedOn: input.notifiedOn,
          contractIds: input.contractIds?.map((id) => idOfType(id, "Contract")) ?? null,
          note: input.note ?? null,
        }),
      (succession) => ({ succession }),
    );
  }

  @Query(() => SubscriberChangeConnection, {
    description: "CON-6: changes waiting for the operator's confirmation, oldest first (operator).",
  })
  pendingSubscriberChanges(@Args() page: PageArgs, @Ctx() ctx: Context): Promise<SubscriberChangeConnection> {
    return ctx.services.subscriberChanges.queue(ctx, page);
  }

  @FieldResolver(() => Subscriber, { nullable: true, description: "The subscriber concerned." })
  subscriber(@Root() c: SubscriberChange, @Ctx() ctx: Context): Promise<Subscriber | null> {
    return ctx.services.subscribers.get(ctx, c.subscriberId);
  }
}

@Resolver(() => Subscriber)
export class SubscriberHistoryResolver {
  @FieldResolver(() => [SubscriberChange], {
    description: "CON-6: the dated history of changes of registered data, oldest first.",
  })
  changes(@Root() s: Subscriber, @Ctx() ctx: Context): Promise<SubscriberChange[]> {
    return ctx.services.subscriberChanges.history(ctx, s);
  }

  @FieldResolver(() => SubscriberChange, {
    nullable: true,
    description: "CON-6: the change waiting for the operator's confirmation, if any.",
  })
  async pendingChange(@Root() s: Subscriber, @Ctx() ctx: Context): Promise<SubscriberChange | null> {
    return (
      (await ctx.services.subscriberChanges.history(ctx, s)).find((c) => c.status === SubscriberChangeStatus.PENDING) ??
      null
    );
  }

  @FieldResolver(() => [SubscriberSuccession], {
    description: "CON-6: successions this subscriber took part in, as predecessor or successor.",
  })
  successions(@Root() s: Subscriber, @Ctx() ctx: Context): Promise<SubscriberSuccession[]> {
    return ctx.services.successions.of(ctx, s);
  }
}

@Resolver(() => SubscriberSuccession)
export class SuccessionResolver {
  @FieldResolver(() => Subscriber, { nullable: true, description: "The subscriber whose position passed." })
  predecessor(@Root() s: SubscriberSuccession, @Ctx() ctx: Context): Promise<Subscriber | null> {
    return ctx.services.subscribers.get(ctx, s.predecessorId);
  }

  @FieldResolver(() => Subscriber, { nullable: true, description: "The successor." })
  successor(@Root() s: SubscriberSuccession, @Ctx() ctx: Context): Promise<Subscriber | null> {
    return ctx.services.subscribers.get(ctx, s.successorId);
  }

  @FieldResolver(() => [Contract], { description: "The contracts that moved to the successor." })
  async contracts(@Root() s: SubscriberSuccession, @Ctx() ctx: Context): Promise<Contract[]> {
    const all = await Promise.all(s.contractIds.map((id) => ctx.services.contracts.get(ctx, id)));
    return all.filter((c): c is Contract => c !== null);
  }
}
