import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { Context } from "./context";
import { badUserInput } from "../errors";
import { fromGlobalId } from "../ids";
import { Node } from "../ids";
import { ProductPrice } from "../products/product-price.entity";

/**
 * `node(id:)` goes through the same service `get` as every other path, so the authorisation a list
 * applies applies here too (RES-3): an object the caller may not see is simply null.
 */
type Fetcher = (ctx: Context, id: string) => Promise<object | null>;

const fetchers: Record<string, Fetcher> = {
  Product: (ctx, id) => ctx.services.products.get(ctx, id),
  Reseller: (ctx, id) => ctx.services.resellers.get(ctx, id),
  ResellerCureNotice: (ctx, id) => ctx.services.resellerDiscipline.getCureNotice(ctx, id),
  ResellerSuspension: (ctx, id) => ctx.services.resellerDiscipline.getSuspension(ctx, id),
  ResellerTermination: (ctx, id) => ctx.services.resellerTermination.get(ctx, id),
  ResellerAcmeApplication: (ctx, id) => ctx.services.resellerRegistration.getAcmeApplication(ctx, id),
  Subscriber: (ctx, id) => ctx.services.subscribers.get(ctx, id),
  ApiKey: (ctx, id) => ctx.services.apiKeys.get(ctx, id),
  Application: (ctx, id) => ctx.services.applications.get(ctx, id),
  Contract: (ctx, id) => ctx.services.contracts.get(ctx, id),
  Certificate: (ctx, id) => ctx.services.certificates.get(ctx, id),
  Revocation: (ctx, id) => ctx.services.revocations.get(ctx, id),
  ProblemReport: (ctx, id) => ctx.services.problemReports.get(ctx, id),
  MassRevocation: (ctx, id) => ctx.services.massRevocations.get(ctx, id),
  WebhookEndpoint: (ctx, id) => ctx.services.webhooks.endpoint(ctx, id),
  WebhookDelivery: (ctx, id) => ctx.services.webhooks.delivery(ctx, id),
  Charge: (ctx, id) => ctx.services.fees.get(ctx, id),
  Notice: (ctx, id) => ctx.services.notices.get(ctx, id),
  Announcement: (ctx, id) => ctx.services.announcements.get(id),
  Payment: (ctx, id) => ctx.services.payments.get(ctx, id),
  ProductPrice: (ctx, id) => ctx.loaders.byId(ProductPrice).load(id),
  SubscriberChange: (ctx, id) => ctx.services.subscriberChanges.get(ctx, id),
  SubscriberSuccession: (ctx, id) => ctx.services.successions.get(ctx, id),
  NameDispute: (ctx, id) => ctx.services.disputes.get(ctx, id),
  UsageFqdn: (ctx, id) => ctx.services.usageFqdns.get(ctx, id),
  AcmeEabCredential: (ctx, id) => ctx.services.eabCredentials.get(ctx, id),
  AcmeAccount: (ctx, id) => ctx.services.acmeAccounts.account(ctx, id),
  AcmeOrder: (ctx, id) => ctx.services.acmeAccounts.order(ctx, id),
};

async function fetchNode(ctx: Context, globalId: string): Promise<object | null> {
  const parsed = fromGlobalId(globalId);
  const fetch = parsed ? fetchers[parsed.type] : undefined;
  return parsed && fetch ? fetch(ctx, parsed.id) : null;
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description: "Any object by its global ID; null when unknown or not visible to the caller.",
  })
  node(
    @Arg("id", () => ID, { description: "The object's global ID, as returned in any `id` field." }) id: string,
    @Ctx() ctx: Context,
  ): Promise<object | null> {
    return fetchNode(ctx, id);
  }

  @Query(() => [Node], {
    nullable: "items",
    description: "Several objects by global ID (at most 100), in the same order; null where unknown or not visible.",
  })
  nodes(
    @Arg("ids", () => [ID], { description: "Global IDs; only the first 100 are looked up." }) ids: string[],
    @Ctx() ctx: Context,
  ): Promise<(object | null)[]> {
    if (ids.length > 100) throw badUserInput("At most 100 ids at once.");
    return Promise.all(ids.map((id) => fetchNode(ctx, id)));
  }
}
