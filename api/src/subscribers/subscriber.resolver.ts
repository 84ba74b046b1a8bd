import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../graphql/context";
import { idOfType } from "../ids";
import { PageArgs } from "../graphql/relay";
import { mutate } from "../graphql/user-error";
import { Reseller } from "../resellers";
import { SubscriberContact } from "./subscriber-contact.entity";
import { Subscriber } from "./subscriber.entity";
import {
  CreateSubscriberInput,
  SubscriberConnection,
  SubscriberPayload,
  UpdateSubscriberInput,
} from "./subscriber.types";

@Resolver(() => Subscriber)
export class SubscriberResolver {
  @Query(() => SubscriberConnection, {
    description: "Subscribers the caller may see: a reseller its own (RES-3), operators all.",
  })
  subscribers(@Args() args: PageArgs, @Ctx() ctx: Context): Promise<SubscriberConnection> {
    return ctx.services.subscribers.list(ctx, args);
  }

  @Mutation(() => SubscriberPayload, { description: "Reseller: register a subscriber it will manage." })
  createSubscriber(
    @Arg("input", { description: "What to do; see the input type." }) input: CreateSubscriberInput,
    @Ctx() ctx: Context,
  ): Promise<SubscriberPayload> {
    return mutate(
      () => ctx.services.subscribers.create(ctx, input),
      (subscriber) => ({ subscriber }),
    );
  }

  @Mutation(() => SubscriberPayload, { description: "Reseller: change a subscriber it manages." })
  updateSubscriber(
    @Arg("input", { description: "What to do; see the input type." }) input: UpdateSubscriberInput,
    @Ctx() ctx: Context,
  ): Promise<SubscriberPayload> {
    const { id, ...changes } = input;
    return mutate(
      () => ctx.services.subscribers.update(ctx, idOfType(id, "Subscriber"), changes),
      (subscriber) => ({ subscriber }),
    );
  }

  @FieldResolver(() => [SubscriberContact], { description: "The subscriber's contact persons." })
  contacts(@Root() subscriber: Subscriber, @Ctx() ctx: Context): Promise<SubscriberContact[]> {
    return ctx.services.subscribers.contacts(ctx, subscriber);
  }

  @FieldResolver(() => Reseller, { nullable: true, description: "The managing reseller (J 6.4)." })
  reseller(@Root() subscriber: Subscriber, @Ctx() ctx: Context): Promise<Reseller | null> {
    return ctx.services.resellers.get(ctx, subscriber.resellerId);
  }
}
