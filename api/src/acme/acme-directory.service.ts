/** ACME-3, ACME-5: the ACME accounts, their orders and certificates as the reseller (its own) and the operator (all) see them. */
import { DataSource } from "typeorm";
import { canSeeResellerData, requireAuthenticated } from "../auth";
import { Certificate } from "../certificates";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { RequestScope } from "../request-scope";
import { AcmeAccount } from "./acme-account.entity";
import { AcmeOrder } from "./acme-order.entity";
import { AcmeUrls } from "./acme-urls";

export class AcmeAccountQueries {
  constructor(
    private readonly ds: DataSource,
    readonly urls: AcmeUrls,
  ) {}

  async account(scope: RequestScope, id: string): Promise<AcmeAccount | null> {
    const a = await scope.loaders.byId(AcmeAccount).load(id);
    return a && canSeeResellerData(scope.caller, a.resellerId) ? a : null;
  }

  async order(scope: RequestScope, id: string): Promise<AcmeOrder | null> {
    const o = await scope.loaders.byId(AcmeOrder).load(id);
    return o && canSeeResellerData(scope.caller, o.resellerId) ? o : null;
  }

  async accounts(
    scope: RequestScope,
    args: PageRequest,
    filter: { subscriberId?: string | null },
  ): Promise<ConnectionShape<AcmeAccount>> {
    requireAuthenticated(scope.caller);
    const qb = this.ds.getRepository(AcmeAccount).createQueryBuilder("a");
    if (scope.caller.kind === "RESELLER") qb.andWhere("a.reseller_id = :own", { own: scope.caller.resellerId });
    if (filter.subscriberId !== undefined) qb.andWhere("a.subscriber_id = :sid", { sid: filter.subscriberId });
    return paginate(qb, args);
  }

  /** The account's orders (the caller already may see the account). */
  async orders(account: AcmeAccount, args: PageRequest): Promise<ConnectionShape<AcmeOrder>> {
    return paginate(
      this.ds.getRepository(AcmeOrder).createQueryBuilder("o").where("o.account_id = :id", { id: account.id }),
      args,
    );
  }

  /** Certificates issued through the account's orders. */
  async certificates(account: AcmeAccount, args: PageRequest): Promise<ConnectionShape<Certificate>> {
    const qb = this.ds
      .getRepository(Certificate)
      .createQueryBuilder("c")
      .innerJoin(AcmeOrder, "o", "o.certificate_id = c.id")
      .where("o.account_id = :id", { id: account.id });
    return paginate(qb, args);
  }
}
