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
import { Certificate } from "../certificates";
import type { Context } from "../graphql/context";
import { idOfType } from "../ids";
import { Connection, PageArgs } from "../graphql/relay";
import { UserError, mutate } from "../graphql/user-error";
import { Product } from "../products";
import { Reseller } from "../resellers";
import { Subscriber } from "../subscribers";
import { Contract, ContractStatus } from "./contract.entity";
import { CANCELLATION_DESIRED_END } from "../graphql/rule-descriptions";

@ObjectType({ description: "A page of contracts." })
export class ContractConnection extends Connection(Contract) {}

@InputType({ description: "CON-2: cancel during the term." })
export class CancelContractInput {
  @Field(() => ID, { description: "Global ID of the contract to cancel." })
  contractId!: string;
  @Field(() => String, { nullable: true, description: CANCELLATION_DESIRED_END })
  requestedDate?: string | null;
}

@InputType({ description: "CON-4: decline (or accept again) renewal at the term's end." })
export class SetDoNotRenewInput {
  @Field(() => ID, { description: "Global ID of the contract." })
  contractId!: string;
  @Field({ description: "True: end the contract at its term's end (CON-4); false: renew as usual (CON-3)." })
  doNotRenew!: boolean;
}

@InputType({ description: "Input of contract id." })
export class ContractIdInput {
  @Field(() => ID, { description: "Global ID of the contract." })
  contractId!: string;
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class ContractPayload {
  @Field(() => Contract, {
    nullable: true,
    description: "The contract as it now stands; null when the mutation was refused.",
  })
  contract!: Contract | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@Resolver(() => Contract)
export class ContractResolver {
  @Query(() => ContractConnection, { description: "Contracts: a reseller the ones it manages, operators all." })
  contracts(
    @Args() args: PageArgs,
    @Ctx() ctx: Context,
    @Arg("status", () => ContractStatus, {
      nullable: true,
      description: "Only contracts in this status; all when omitted.",
    })
    status?: ContractStatus | null,
  ): Promise<ContractConnection> {
    return ctx.services.contracts.list(ctx, args, { status });
  }

  @Mutation(() => ContractPayload, { description: "Notice of cancellation (CON-2). No refund." })
  cancelContract(
    @Arg("input", { description: "What to do; see the input type." }) input: CancelContractInput,
    @Ctx() ctx: Context,
  ): Promise<ContractPayload> {
    return mutate(
      () => ctx.services.contracts.cancel(ctx, idOfType(input.contractId, "Contract"), input.requestedDate ?? null),
      (contract) => ({ contract }),
    );
  }

  @Mutation(() => ContractPayload, { description: "Reply to a renewal notice (CON-3, CON-4)." })
  setDoNotRenew(
    @Arg("input", { description: "What to do; see the input type." }) input: SetDoNotRenewInput,
    @Ctx() ctx: Context,
  ): Promise<ContractPayload> {
    return mutate(
      () => ctx.services.contracts.setDoNotRenew(ctx, idOfType(input.contractId, "Contract"), input.doNotRenew),
      (contract) => ({ contract }),
    );
  }

  @Mutation(() => ContractPayload, {
    description: "VAL-6: notice not to extend an auto-renew contract after the current month.",
  })
  stopAutoRenew(
    @Arg("input", { description: "What to do; see the input type." }) input: ContractIdInput,
    @Ctx() ctx: Context,
  ): Promise<ContractPayload> {
    return mutate(
      () => ctx.services.contracts.stopAutoRenew(ctx, idOfType(input.contractId, "Contract")),
      (contract) => ({ contract }),
    );
  }

  @FieldResolver(() => Subscriber, {
    nullable: true,
    description: "The subscriber holding the contract; null if the caller may not see it.",
  })
  subscriber(@Root() c: Contract, @Ctx() ctx: Context): Promise<Subscriber | null> {
    return ctx.services.subscribers.get(ctx, c.subscriberId);
  }

  @FieldResolver(() => Reseller, {
    nullable: true,
    description: "The managing reseller (J 6.4); null once the operator manages it (RES-11).",
  })
  managingReseller(@Root() c: Contract, @Ctx() ctx: Context): Promise<Reseller | null> {
    return c.resellerId ? ctx.services.resellers.get(ctx, c.resellerId) : Promise.resolve(null);
  }

  @FieldResolver(() => Product, { description: "The product contracted for." })
  async product(@Root() c: Contract, @Ctx() ctx: Context): Promise<Product> {
    return (await ctx.services.products.get(ctx, c.productId))!;
  }

  @FieldResolver(() => [Certificate], { description: "Every certificate of this contract, newest first." })
  certificates(@Root() c: Contract, @Ctx() ctx: Context): Promise<Certificate[]> {
    return ctx.services.certificates.ofContract(ctx, c);
  }

  @FieldResolver(() => Certificate, { nullable: true, description: "The certificate that runs latest." })
  async currentCertificate(@Root() c: Contract, @Ctx() ctx: Context): Promise<Certificate | null> {
    return (await ctx.services.certificates.ofContract(ctx, c))[0] ?? null;
  }

  @FieldResolver(() => Date, { nullable: true, description: "VAL-5: from when a renewal may be applied for." })
  async renewalWindowOpensAt(@Root() c: Contract, @Ctx() ctx: Context): Promise<Date | null> {
    const product = await ctx.services.products.get(ctx, c.productId);
    return product ? ctx.services.contracts.renewalWindowOpensAt(c, product) : null;
  }

  @FieldResolver(() => Contract, { nullable: true, description: "The contract this one renews." })
  renewedFrom(@Root() c: Contract, @Ctx() ctx: Context): Promise<Contract | null> {
    return c.renewedFromId ? ctx.services.contracts.get(ctx, c.renewedFromId) : Promise.resolve(null);
  }
}
