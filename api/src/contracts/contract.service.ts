import { DataSource, EntityManager } from "typeorm";
import { AuditService, snapshot, unchanged } from "../audit";
import { canSeeResellerData, requireAuthenticated } from "../auth";
import { inTransaction } from "../db/transaction";
import { autoRenewStatus, cancellationEffectiveDate, renewalWindow } from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { EventPublisher, EventType } from "../events";
import { Product } from "../products";
import { RefusalCode, fromDomain, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { Contract, ContractStatus } from "./contract.entity";

/** Contracts (CON-1..CON-5, VAL-6): read, cancel, decline renewal, stop auto-renewal. */
export class ContractService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: EventPublisher,
  ) {}

  async get(scope: RequestScope, id: string): Promise<Contract | null> {
    const c = await scope.loaders.byId(Contract).load(id);
    return c && canSeeResellerData(scope.caller, c.resellerId) ? c : null;
  }

  async list(
    scope: RequestScope,
    args: PageRequest,
    filter: { subscriberId?: string | null; status?: ContractStatus | null } = {},
  ): Promise<ConnectionShape<Contract>> {
    requireAuthenticated(scope.caller);
    const qb = this.ds.getRepository(Contract).createQueryBuilder("k");
    if (scope.caller.kind === "RESELLER") qb.where("k.reseller_id = :own", { own: scope.caller.resellerId });
    if (filter.subscriberId) qb.andWhere("k.subscriber_id = :sid", { sid: filter.subscriberId });
    if (filter.status) qb.andWhere("k.status = :status", { status: filter.status });
    return paginate(qb, args);
  }

  /** VAL-5: when a renewal may first be applied for; null for unlimited terms and auto-renew contracts. */
  renewalWindowOpensAt(contract: Contract, product: Product): Date | null {
    return contract.endsAt && !product.autoRenew ? renewalWindow(contract.endsAt).opensAt : null;
  }

  /** CON-2: notice of cancellation; effective on the later of 30 days after the notice and the date named. No refund. */
  async cancel(scope: RequestScope, id: string | null, requestedDate: string | null): Promise<Contract> {
    if (requestedDate !== null && !/^\d{4}-\d{2}-\d{2}$/.test(requestedDate))
      throw refusal(RefusalCode.INVALID_INPUT, "requestedDate must be YYYY-MM-DD (JST).", "input.requestedDate");
    return this.change(scope, id, "contract.cancel", async (c, tx) => {
      if (c.endsAt === null)
        throw refusal(
          RefusalCode.INVALID_INPUT,
          "Unlimited management ends with a cancellation date; name one.",
          "input.requestedDate",
        );
      const now = this.clock.now();
      // CON-2: the notice counts from when it first arrived. Repeating it changes nothing; naming another
      // date moves only the effective date (never the notice date), as the rule computes it from the first notice.
      const noticeArrivedAt = c.cancellationNoticedAt ?? now;
      const r = cancellationEffectiveDate({ noticeArrivedAt, requestedDate, termEnd: c.endsAt });
      if (!r.ok) throw fromDomain(r, "input.contractId");
      if (c.cancellationEffectiveAt?.getTime() === r.endsAt.getTime()) return;
      c.cancellationNoticedAt = noticeArrivedAt;
      c.cancellationEffectiveAt = r.endsAt;
      await this.events.emit(tx, {
        type: EventType.CONTRACT_CANCELLED,
        resellerId: c.resellerId,
        subjectType: "Contract",
        subjectId: toGlobalId("Contract", c.id),
        data: { effectiveAt: r.endsAt.toISOString() },
      });
    });
  }

  /**
   * CON-4: a "do not renew" reply ends the contract at the term's end.
   * @rule CON-4 — renewByDefault leaves such a contract to end with its term
   */
  async setDoNotRenew(scope: RequestScope, id: string | null, doNotRenew: boolean): Promise<Contract> {
    return this.change(scope, id, doNotRenew ? "contract.doNotRenew" : "contract.allowRenewal", async (c) => {
      c.doNotRenew = doNotRenew;
    });
  }

  /** VAL-6: notice before a month end stops the auto-renew extension at that month end. */
  async stopAutoRenew(scope: RequestScope, id: string | null): Promise<Contract> {
    return this.change(scope, id, "contract.stopAutoRenew", async (c, tx) => {
      const product = await tx.findOneByOrFail(Product, { id: c.productId });
      if (!product.autoRenew)
        throw refusal(
          RefusalCode.NOT_AUTO_RENEW,
          "Only auto-renew contracts extend month by month.",
          "input.contractId",
        );
      if (c.autoRenewStopNoticedAt) return; // already noticed: nothing changes
      c.autoRenewStopNoticedAt = this.clock.now();
    });
  }

  /** VAL-6: the service period as it stands now (current period end, or where a notice stops it). */
  autoRenewState(contract: Contract, now: Date) {
    return autoRenewStatus({
      issuedAt: contract.startsAt,
      termMonths: contract.termMonths!,
      noticeAt: contract.autoRenewStopNoticedAt,
      now,
    });
  }

  private async change(
    scope: RequestScope,
    id: string | null,
    action: string,
    apply: (c: Contract, tx: EntityManager) => Promise<void>,
  ): Promise<Contract> {
    requireAuthenticated(scope.caller);
    const result = await inTransaction(this.ds, async (tx) => {
      const c = id ? await tx.findOne(Contract, { where: { id }, lock: { mode: "pessimistic_write" } }) : null;
      if (!c || !canSeeResellerData(scope.caller, c.resellerId))
        throw refusal(RefusalCode.NOT_FOUND, "No such contract.", "input.contractId");
      if (c.status !== ContractStatus.ACTIVE)
        throw refusal(RefusalCode.CONTRACT_ENDED, "The contract has ended.", "input.contractId");
      const before = snapshot(c);
      await apply(c, tx);
      if (unchanged(before, snapshot(c))) return c;
      const saved = await tx.save(c);
      await this.audit.record(tx, scope, {
        action,
        entityType: "Contract",
        entityId: toGlobalId("Contract", c.id),
        resellerId: c.resellerId,
        before,
        after: snapshot(saved),
      });
      return saved;
    });
    scope.loaders.clearAll();
    return result;
  }
}
