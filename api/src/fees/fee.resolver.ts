import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Contract } from "../contracts";
import type { Context } from "../graphql/context";
import { idOfType } from "../ids";
import { Connection, PageArgs } from "../graphql/relay";
import { Charge } from "./charge.entity";

/** Stands for a reseller ID that names no reseller: a reseller is refused, an operator gets nothing. */
const NO_RESELLER = "00000000-0000-0000-0000-000000000000";

function resellerArg(resellerId: string | null | undefined): string | null {
  if (resellerId === null || resellerId === undefined) return null;
  return idOfType(resellerId, "Reseller") ?? NO_RESELLER;
}

@ObjectType({ description: "A page of charges." })
class ChargeConnection extends Connection(Charge) {}

@ObjectType({ description: "CON-8: the lines of a statement at one consumption-tax rate." })
export class TaxByRate {
  @Field(() => Int, { description: "Rate in percent." })
  ratePercent!: number;
  @Field(() => Int, { description: "Sum of the lines' amounts before tax at this rate." })
  baseYen!: number;
  @Field(() => Int, { description: "Sum of the lines' tax at this rate (each line rounded down on its own)." })
  taxYen!: number;
}

@ObjectType({
  description:
    "A reseller's fee statement for one JST calendar month (RES-6, CON-7, CON-8). Every total is exactly the sum of the lines: tax is rounded down per line when the charge is recorded, never again on the statement.",
})
export class Statement {
  @Field({ description: "The month, YYYY-MM (JST)." })
  month!: string;
  @Field(() => [Charge], { description: "Every charge dated in the month, oldest first." })
  lines!: Charge[];
  @Field(() => Int, { description: "Sum of the lines' amounts before tax." })
  subtotalYen!: number;
  @Field(() => Int, { description: "Sum of the lines' tax." })
  taxYen!: number;
  @Field(() => Int, { description: "subtotalYen + taxYen." })
  totalYen!: number;
  @Field(() => [TaxByRate], { description: "Subtotal and tax per rate, ascending by rate." })
  taxByRate!: TaxByRate[];
}

@Resolver(() => Charge)
export class ChargeResolver {
  @Query(() => Statement, {
    description:
      "The fee statement of a month (RES-6). Resellers get their own (another reseller's ID is FORBIDDEN, RES-3); operators name the reseller. CSV: GET /statements/YYYY-MM.csv.",
  })
  statement(
    @Arg("month", { description: "YYYY-MM, a JST calendar month." }) month: string,
    @Ctx() ctx: Context,
    @Arg("resellerId", () => ID, {
      nullable: true,
      description: "Operators: the reseller. Resellers may leave it out.",
    })
    resellerId?: string | null,
  ): Promise<Statement> {
    return ctx.services.fees.statement(ctx, resellerArg(resellerId), month);
  }

  @Query(() => ChargeConnection, {
    description: "Charges, oldest first: a reseller's own; an operator's of every reseller unless one is named.",
  })
  charges(
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
    @Arg("resellerId", () => ID, { nullable: true, description: "Operators: only this reseller's charges." })
    resellerId?: string | null,
    @Arg("month", () => String, { nullable: true, description: "Only charges dated in this JST month (YYYY-MM)." })
    month?: string | null,
  ) {
    return ctx.services.fees.list(ctx, page, { resellerId: resellerArg(resellerId), month: month ?? null });
  }

  @FieldResolver(() => Contract, {
    nullable: true,
    description: "The contract the fee is for; null for fees of the reseller itself (designation).",
  })
  contract(@Root() c: Charge, @Ctx() ctx: Context): Promise<Contract | null> {
    return c.contractId ? ctx.services.contracts.get(ctx, c.contractId) : Promise.resolve(null);
  }
}

@Resolver(() => Contract)
export class ContractFeesResolver {
  @FieldResolver(() => Int, {
    description:
      "CON-9: the liability cap of this contract in yen — the fees received for it; for auto-renew products those of the last 12 months. Until payments are recorded, the charges (tax included) stand in for fees received. Read-only.",
  })
  liabilityCapYen(@Root() c: Contract, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.fees.liabilityCapYen(ctx, c);
  }

  @FieldResolver(() => [Charge], {
    description: "The fees charged for this contract, oldest first (RES-6); a reseller sees those it owes.",
  })
  async charges(@Root() c: Contract, @Ctx() ctx: Context): Promise<Charge[]> {
    const all = await ctx.loaders.manyBy(Charge, "contractId", { chargedAt: "ASC", id: "ASC" }).load(c.id);
    // RES-3: after a takeover (RES-11) the fees owed by the former reseller stay its own.
    return ctx.caller.kind === "RESELLER"
      ? all.filter((ch) => ch.resellerId === (ctx.caller as { resellerId: string }).resellerId)
      : all;
  }
}
