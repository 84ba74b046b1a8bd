import {
  Arg,
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
import type { Context } from "../graphql/context";
import { idOfType } from "../ids";
import { badUserInput } from "../errors";
import { UserError, mutate } from "../graphql/user-error";
import { Reseller } from "./reseller.entity";
import { ApiKey } from "../auth";

@InputType({
  description:
    "A new API key. Operators: for a reseller (`resellerId`) or, without it, an operator key. Resellers: only for themselves.",
})
export class CreateApiKeyInput {
  @Field(() => ID, {
    nullable: true,
    description:
      "Global ID of the reseller the key is for. Operators: omit for an operator key. Resellers: omit, or give their own ID.",
  })
  resellerId?: string | null;
  @Field({ description: "A name to tell keys apart." })
  name!: string;
  @Field(() => Date, { nullable: true, description: "Optional expiry." })
  expiresAt?: Date | null;
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class CreateApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: "The key created; null when the mutation was refused." })
  apiKey!: ApiKey | null;
  @Field(() => String, { nullable: true, description: "The secret key, shown this once only. Store it now." })
  key!: string | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@InputType({ description: "Input of revoke api key." })
export class RevokeApiKeyInput {
  @Field(() => ID, { description: "Global ID of the API key to revoke." })
  id!: string;
  @Field(() => String, { nullable: true, description: "Why the key is revoked; recorded in the audit log." })
  reason?: string | null;
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class RevokeApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: "The key as it now stands; null when the mutation was refused." })
  apiKey!: ApiKey | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Query(() => [ApiKey], { description: "API keys: a reseller its own, operators all." })
  apiKeys(@Ctx() ctx: Context): Promise<ApiKey[]> {
    return ctx.services.apiKeys.list(ctx);
  }

  @Mutation(() => CreateApiKeyPayload, {
    description: "Create an API key (RES-2). Rotate by creating the new key first, then revoking the old one.",
  })
  createApiKey(
    @Arg("input", { description: "What to do; see the input type." }) input: CreateApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<CreateApiKeyPayload> {
    let resellerId: string | null = null;
    if (input.resellerId != null) {
      resellerId = idOfType(input.resellerId, "Reseller");
      if (!resellerId) throw badUserInput("input.resellerId is not a Reseller ID.");
    } else if (ctx.caller.kind === "RESELLER") {
      resellerId = ctx.caller.resellerId;
    }
    return mutate(
      () => ctx.services.apiKeys.create(ctx, { resellerId, name: input.name, expiresAt: input.expiresAt }),
      (created) => ({ apiKey: created?.apiKey ?? null, key: created?.key ?? null }),
    );
  }

  @Mutation(() => RevokeApiKeyPayload, {
    description: "Revoke an API key at once (RES-2). Revoking a revoked key changes nothing.",
  })
  revokeApiKey(
    @Arg("input", { description: "What to do; see the input type." }) input: RevokeApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<RevokeApiKeyPayload> {
    return mutate(
      () => ctx.services.apiKeys.revoke(ctx, idOfType(input.id, "ApiKey"), input.reason ?? null),
      (apiKey) => ({ apiKey }),
    );
  }

  @FieldResolver(() => Reseller, {
    nullable: true,
    description: "The reseller the key acts for; null for operator keys.",
  })
  reseller(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<Reseller | null> {
    return key.resellerId ? ctx.services.resellers.get(ctx, key.resellerId) : Promise.resolve(null);
  }
}
