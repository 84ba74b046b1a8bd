import {
  Arg,
  Ctx,
  Extensions,
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
import { badUserInput } from "../errors";
import { idOfType } from "../ids";
import { UserError, mutate } from "../graphql/user-error";
import { STATUS_CACHE_MAX_AGE_S } from "../status";
import { PublicSeal, SealEmbed } from "./seal.types";

@InputType({ description: "Input of create seal." })
export class CreateSealInput {
  @Field(() => ID, { description: "Global ID of the contract whose certificate the seal stands for." })
  contractId!: string;
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class CreateSealPayload {
  @Field(() => PublicSeal, {
    nullable: true,
    description: "The seal, as the public sees it; null when the mutation was refused.",
  })
  seal!: PublicSeal | null;
  @Field(() => SealEmbed, { nullable: true, description: "The two lines for the website owner." })
  embed!: SealEmbed | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@Resolver(() => PublicSeal)
export class SealResolver {
  // STAT-3: seal answers are public and cacheable for the same short time as certificate status.
  @Extensions({ cacheMaxAge: STATUS_CACHE_MAX_AGE_S })
  @Query(() => PublicSeal, {
    nullable: true,
    description: `Public: a site seal and the live status of its certificate; null for an unknown id. Cacheable for ${STATUS_CACHE_MAX_AGE_S} s.`,
  })
  async seal(
    @Arg("id", () => ID, { description: "The seal id from the embed code." }) id: string,
    @Ctx() ctx: Context,
  ): Promise<PublicSeal | null> {
    return ctx.services.seals.view(id);
  }

  @Extensions({ cacheMaxAge: STATUS_CACHE_MAX_AGE_S })
  @Query(() => [PublicSeal], {
    nullable: "items",
    description:
      "Public: several seals at once (the widget asks for every seal on a page in one request); same order, null for unknown ids. At most 50.",
  })
  async seals(
    @Arg("ids", () => [ID], { description: "Seal ids from the embed codes, at most 50." }) ids: string[],
    @Ctx() ctx: Context,
  ): Promise<(PublicSeal | null)[]> {
    if (ids.length > 50) throw badUserInput("At most 50 seal ids at once.");
    return ctx.services.seals.views(ids);
  }

  @Mutation(() => CreateSealPayload, {
    description:
      "Reseller or operator: a site seal for a contract's certificate (SEAL-1). Asking again returns the same seal.",
  })
  createSeal(
    @Arg("input", { description: "What to do; see the input type." }) input: CreateSealInput,
    @Ctx() ctx: Context,
  ): Promise<CreateSealPayload> {
    return mutate(
      async () => {
        const seal = await ctx.services.seals.create(ctx, idOfType(input.contractId, "Contract"));
        return { seal: await ctx.services.seals.view(seal.id), embed: ctx.services.seals.embed(seal) };
      },
      (r) => ({ seal: r?.seal ?? null, embed: r?.embed ?? null }),
    );
  }
}

@Resolver(() => Contract)
export class ContractSealResolver {
  @FieldResolver(() => PublicSeal, { nullable: true, description: "The contract's site seal, if one was requested." })
  async seal(@Root() c: Contract, @Ctx() ctx: Context): Promise<PublicSeal | null> {
    const seal = await ctx.services.seals.ofContract(ctx, c);
    // One batched lookup for every contract of a page, not one per contract.
    return seal ? ctx.loaders.batch("seal-view", (ids) => ctx.services.seals.views([...ids])).load(seal.id) : null;
  }

  @FieldResolver(() => SealEmbed, { nullable: true, description: "The embed code of the contract's seal." })
  async sealEmbed(@Root() c: Contract, @Ctx() ctx: Context): Promise<SealEmbed | null> {
    const seal = await ctx.services.seals.ofContract(ctx, c);
    return seal ? ctx.services.seals.embed(seal) : null;
  }
}
