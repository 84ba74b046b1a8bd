import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { CertificateConnection } from "../certificates";
import { Certificate } from "../certificates";
import { Charge } from "../fees";
import type { Context } from "../graphql/context";
import { idOfType } from "../ids";
import { PageArgs } from "../graphql/relay";
import { mutate } from "../graphql/user-error";
import { Subscriber } from "../subscribers";
import { AcmeAccount } from "./acme-account.entity";
import { AcmeOrder } from "./acme-order.entity";
import {
  AcmeAccountConnection,
  AcmeEabCredentialConnection,
  AcmeEabCredentialPayload,
  AcmeOrderConnection,
  CreateAcmeEabCredentialInput,
  CreateAcmeEabCredentialPayload,
  EndUsageFqdnInput,
  RegisterUsageFqdnsInput,
  RegisterUsageFqdnsPayload,
  RevokeAcmeEabCredentialInput,
  SubscriberFilterArgs,
  UsageFqdnConnection,
  UsageFqdnIdInput,
  UsageFqdnPayload,
} from "./acme.types";
import { AcmeEabCredential, EabCredentialStatus } from "./eab-credential.entity";
import { UsageFqdn, UsageFqdnState, UsagePeriod } from "./usage-fqdn.entity";

const subscriberFilter = (f: SubscriberFilterArgs) =>
  f.subscriberId == null ? {} : { subscriberId: idOfType(f.subscriberId, "Subscriber") };

/** Thin: the reseller's side of the ACME variant (ACME-1/2/3/6) and what the operator sees of it. */
@Resolver(() => UsageFqdn)
export class UsageFqdnResolver {
  @Query(() => UsageFqdnConnection, {
    description: "ACME-2: usage FQDNs: a reseller its own, operators all; oldest first.",
  })
  usageFqdns(
    @Args() args: PageArgs,
    @Args() filter: SubscriberFilterArgs,
    @Ctx() ctx: Context,
  ): Promise<UsageFqdnConnection> {
    return ctx.services.usageFqdns.list(ctx, args, subscriberFilter(filter));
  }

  @Mutation(() => RegisterUsageFqdnsPayload, {
    description:
      "Reseller (ACME-1): register usage FQDNs for a subscriber for 12 months each; charged (ACME-2), refused while suspended (ACME-6).",
  })
  registerUsageFqdns(
    @Arg("input", { description: "What to do; see the input type." }) input: RegisterUsageFqdnsInput,
    @Ctx() ctx: Context,
  ): Promise<RegisterUsageFqdnsPayload> {
    return mutate(
      () =>
        ctx.services.usageFqdns.register(ctx, { ...input, subscriberId: idOfType(input.subscriberId, "Subscriber") }),
      (usageFqdns) => ({ usageFqdns: usageFqdns ?? [] }),
    );
  }

  @Mutation(() => UsageFqdnPayload, {
    description:
      "Reseller: continue a usage FQDN before its period ends: 12 months more, charged (ACME-2); one continuation ahead at a time.",
  })
  continueUsageFqdn(
    @Arg("input", { description: "What to do; see the input type." }) input: UsageFqdnIdInput,
    @Ctx() ctx: Context,
  ): Promise<UsageFqdnPayload> {
    return mutate(
      () => ctx.services.usageFqdns.continue(ctx, idOfType(input.usageFqdnId, "UsageFqdn")),
      (usageFqdn) => ({ usageFqdn }),
    );
  }

  @Mutation(() => UsageFqdnPayload, {
    description: "Reseller: end a usage FQDN now (no refund, REV-6); new ACME orders for it are refused.",
  })
  endUsageFqdn(
    @Arg("input", { description: "What to do; see the input type." }) input: EndUsageFqdnInput,
    @Ctx() ctx: Context,
  ): Promise<UsageFqdnPayload> {
    return mutate(
      () => ctx.services.usageFqdns.end(ctx, idOfType(input.usageFqdnId, "UsageFqdn"), input.reason ?? null),
      (usageFqdn) => ({ usageFqdn }),
    );
  }

  @FieldResolver(() => Subscriber, { nullable: true, description: "The subscriber it is registered for." })
  subscriber(@Root() u: UsageFqdn, @Ctx() ctx: Context): Promise<Subscriber | null> {
    return ctx.services.subscribers.get(ctx, u.subscriberId);
  }

  @FieldResolver(() => UsageFqdnState, {
    description: "ACTIVE inside its usage period, ENDED after it (ACME-2, ACME-6).",
  })
  async state(@Root() u: UsageFqdn, @Ctx() ctx: Context): Promise<UsageFqdnState> {
    return ctx.services.usageFqdns.stateName(await ctx.services.usageFqdns.view(ctx, u));
  }

  @FieldResolver(() => Date, {
    description: "When usage ends (or ended): the end of the last period that takes effect (ACME-6), or the early end.",
  })
  async periodEndsAt(@Root() u: UsageFqdn, @Ctx() ctx: Context): Promise<Date> {
    return (await ctx.services.usageFqdns.view(ctx, u)).state.effectiveEnd;
  }

  @FieldResolver(() => [UsagePeriod], { description: "Every usage period (registration, continuations) with its fee." })
  async periods(@Root() u: UsageFqdn, @Ctx() ctx: Context): Promise<UsagePeriod[]> {
    return (await ctx.services.usageFqdns.view(ctx, u)).periods;
  }
}

@Resolver(() => UsagePeriod)
export class UsagePeriodResolver {
  @FieldResolver(() => Charge, { nullable: true, description: "The charge of this period (CON-8, RES-6)." })
  charge(@Root() p: UsagePeriod, @Ctx() ctx: Context): Promise<Charge | null> {
    return p.chargeId ? ctx.services.fees.get(ctx, p.chargeId) : Promise.resolve(null);
  }
}

@Resolver(() => AcmeEabCredential)
export class AcmeEabCredentialResolver {
  @Query(() => AcmeEabCredentialConnection, {
    description:
      "ACME-3: EAB credentials: a reseller its own, operators all; oldest first. HMAC keys are never shown here.",
  })
  acmeEabCredentials(
    @Args() args: PageArgs,
    @Args() filter: SubscriberFilterArgs,
    @Ctx() ctx: Context,
  ): Promise<AcmeEabCredentialConnection> {
    return ctx.services.eabCredentials.list(ctx, args, subscriberFilter(filter));
  }

  @Mutation(() => CreateAcmeEabCredentialPayload, {
    description:
      "Reseller (ACME-1, ACME-3): EAB credentials for a subscriber's ACME account; the HMAC key is shown once.",
  })
  createAcmeEabCredential(
    @Arg("input", { description: "What to do; see the input type." }) input: CreateAcmeEabCredentialInput,
    @Ctx() ctx: Context,
  ): Promise<CreateAcmeEabCredentialPayload> {
    return mutate(
      () =>
        ctx.services.eabCredentials.create(ctx, { ...input, subscriberId: idOfType(input.subscriberId, "Subscriber") }),
      (r) => ({
        eabCredential: r?.credential ?? null,
        hmacKey: r?.hmacKey ?? null,
        directoryUrl: r?.directoryUrl ?? null,
      }),
    );
  }

  @Mutation(() => AcmeEabCredentialPayload, {
    description: "Reseller: revoke an unused EAB credential at once (ACME-3).",
  })
  revokeAcmeEabCredential(
    @Arg("input", { description: "What to do; see the input type." }) input: RevokeAcmeEabCredentialInput,
    @Ctx() ctx: Context,
  ): Promise<AcmeEabCredentialPayload> {
    return mutate(
      () => ctx.services.eabCredentials.revoke(ctx, idOfType(input.eabCredentialId, "AcmeEabCredential")),
      (eabCredential) => ({ eabCredential }),
    );
  }

  @FieldResolver(() => EabCredentialStatus, { description: "UNUSED, USED, REVOKED or EXPIRED." })
  status(@Root() c: AcmeEabCredential, @Ctx() ctx: Context): EabCredentialStatus {
    return c.status(ctx.services.clock.now());
  }

  @FieldResolver(() => Subscriber, { nullable: true, description: "The subscriber whose account it binds." })
  subscriber(@Root() c: AcmeEabCredential, @Ctx() ctx: Context): Promise<Subscriber | null> {
    return ctx.services.subscribers.get(ctx, c.subscriberId);
  }

  @FieldResolver(() => AcmeAccount, { nullable: true, description: "The ACME account it bound; null while unused." })
  account(@Root() c: AcmeEabCredential, @Ctx() ctx: Context): Promise<AcmeAccount | null> {
    return c.accountId ? ctx.services.acmeAccounts.account(ctx, c.accountId) : Promise.resolve(null);
  }
}

@Resolver(() => AcmeAccount)
export class AcmeAccountResolver {
  @Query(() => AcmeAccountConnection, {
    description: "ACME-3: ACME accounts: a reseller those of its subscribers, operators all; oldest first.",
  })
  acmeAccounts(
    @Args() args: PageArgs,
    @Args() filter: SubscriberFilterArgs,
    @Ctx() ctx: Context,
  ): Promise<AcmeAccountConnection> {
    return ctx.services.acmeAccounts.accounts(ctx, args, subscriberFilter(filter));
  }

  @FieldResolver(() => String, { description: "The account URL (RFC 8555 `kid`; RFC 8657 `accounturi` in CAA)." })
  accountUrl(@Root() a: AcmeAccount, @Ctx() ctx: Context): string {
    return ctx.services.acmeAccounts.urls.account(a.id);
  }

  @FieldResolver(() => Subscriber, { nullable: true, description: "The subscriber the account belongs to." })
  subscriber(@Root() a: AcmeAccount, @Ctx() ctx: Context): Promise<Subscriber | null> {
    return ctx.services.subscribers.get(ctx, a.subscriberId);
  }

  @FieldResolver(() => AcmeEabCredential, { nullable: true, description: "The EAB credential that bound it." })
  eabCredential(@Root() a: AcmeAccount, @Ctx() ctx: Context): Promise<AcmeEabCredential | null> {
    return ctx.services.eabCredentials.get(ctx, a.eabCredentialId);
  }

  @FieldResolver(() => AcmeOrderConnection, { description: "The account's orders, oldest first." })
  orders(@Root() a: AcmeAccount, @Args() args: PageArgs, @Ctx() ctx: Context): Promise<AcmeOrderConnection> {
    return ctx.services.acmeAccounts.orders(a, args);
  }

  @FieldResolver(() => CertificateConnection, {
    description: "ACME-5: certificates issued through the account, oldest first.",
  })
  certificates(@Root() a: AcmeAccount, @Args() args: PageArgs, @Ctx() ctx: Context): Promise<CertificateConnection> {
    return ctx.services.acmeAccounts.certificates(a, args);
  }
}

@Resolver(() => AcmeOrder)
export class AcmeOrderResolver {
  @FieldResolver(() => Certificate, {
    nullable: true,
    description: "The certificate issued for the order; null until valid.",
  })
  certificate(@Root() o: AcmeOrder, @Ctx() ctx: Context): Promise<Certificate | null> {
    return o.certificateId ? ctx.services.certificates.get(ctx, o.certificateId) : Promise.resolve(null);
  }

  @FieldResolver(() => AcmeAccount, { nullable: true, description: "The account that placed it." })
  account(@Root() o: AcmeOrder, @Ctx() ctx: Context): Promise<AcmeAccount | null> {
    return ctx.services.acmeAccounts.account(ctx, o.accountId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "Why the order is invalid (the problem type and detail); null otherwise.",
  })
  error(@Root() o: AcmeOrder): string | null {
    return o.error ? `${o.error.type}: ${o.error.detail}` : null;
  }
}
