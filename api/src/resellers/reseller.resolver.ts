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
import { ApiKey } from "../auth";
import type { Context } from "../graphql/context";
import { idOfType } from "../ids";
import { Connection, PageArgs } from "../graphql/relay";
import { UserError, mutate } from "../graphql/user-error";
import { SubscriberConnection } from "../subscribers";
import { Reseller } from "./reseller.entity";

@ObjectType({ description: "A page of resellers." })
export class ResellerConnection extends Connection(Reseller) {}

@InputType({ description: "RES-1: a reseller's registered data." })
export class CreateResellerInput {
  @Field({ description: "Short stable code: 2-63 lower-case letters, digits, hyphens." })
  code!: string;
  @Field({ description: "Registered name of the reseller." })
  name!: string;
  @Field({ description: "Name of its representative." })
  representativeName!: string;
  @Field({ description: "Contact e-mail address; operator notices go here (RES-5, RES-8)." })
  contactEmail!: string;
  @Field(() => String, { nullable: true, description: "Contact telephone number." })
  contactPhone?: string | null;
  @Field(() => String, { nullable: true, description: "Postal address." })
  address?: string | null;
  @Field({ defaultValue: false, description: "RES-1: already designated for domain names, so no designation fee." })
  designationFeeWaived!: boolean;
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class CreateResellerPayload {
  @Field(() => Reseller, {
    nullable: true,
    description: "The reseller designated; null when the mutation was refused.",
  })
  reseller!: Reseller | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@Resolver(() => Reseller)
export class ResellerResolver {
  @Query(() => ResellerConnection, { description: "Operator only: every reseller." })
  resellers(@Args() args: PageArgs, @Ctx() ctx: Context): Promise<ResellerConnection> {
    return ctx.services.resellers.list(ctx, args);
  }

  @Query(() => Reseller, { nullable: true, description: "A reseller by ID: operators any, a reseller itself only." })
  reseller(
    @Arg("id", () => ID, { description: "Global ID of the reseller." }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Reseller | null> {
    const uuid = idOfType(id, "Reseller");
    return uuid ? ctx.services.resellers.get(ctx, uuid) : Promise.resolve(null);
  }

  @Mutation(() => CreateResellerPayload, { description: "Operator only: designate a reseller (RES-1)." })
  createReseller(
    @Arg("input", { description: "What to do; see the input type." }) input: CreateResellerInput,
    @Ctx() ctx: Context,
  ): Promise<CreateResellerPayload> {
    return mutate(
      () => ctx.services.resellers.create(ctx, input),
      (reseller) => ({ reseller }),
    );
  }

  @FieldResolver(() => SubscriberConnection, { description: "The reseller's subscribers." })
  subscribers(@Root() reseller: Reseller, @Args() args: PageArgs, @Ctx() ctx: Context): Promise<SubscriberConnection> {
    return ctx.services.subscribers.list(ctx, args, reseller.id);
  }

  @FieldResolver(() => [ApiKey], {
    description: "The reseller's API keys (RES-2), newest last. Secrets are never shown.",
  })
  apiKeys(@Root() reseller: Reseller, @Ctx() ctx: Context): Promise<ApiKey[]> {
    return ctx.services.apiKeys.list(ctx, reseller.id);
  }
}
