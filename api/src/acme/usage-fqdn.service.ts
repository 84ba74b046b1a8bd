/**
 * ACME-2, ACME-6: the reseller registers usage FQDNs for a subscriber, continues and ends them. Each
 * registration and continuation is charged the 12-month DV price in force (CON-8 tax, RES-6 owed by
 * the reseller, REV-6 never refunded), audited, and announced as an event (webhooks).
 */
import { DataSource, EntityManager } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { canSeeResellerData, requireAuthenticated, requireReseller } from "../auth";
import { requireOwnSubscriber } from "../applications";
import { inTransaction } from "../db/transaction";
import { continuedEnd, normalizeHostnames, usagePeriodEnd } from "../domain";
import { formatJst } from "../domain/jst";
import { Clock } from "../domain/clock";
import { EventPublisher, EventType } from "../events";
import { FeeService } from "../fees";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { PriceKind, Product } from "../products";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { ResellerSuspension } from "../resellers";
import { requireAcmeReseller } from "./reseller-acme";
import { UsageFqdn, UsageFqdnEndReason, UsageFqdnState, UsagePeriod, UsagePeriodKind } from "./usage-fqdn.entity";
import { type UsageOfName, stateOf } from "./usage-lookup";

const MAX_NAMES_PER_CALL = 100;

export class UsageFqdnService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly fees: FeeService,
    private readonly events: EventPublisher,
  ) {}

  /** ACME-2: register names for one subscriber; idempotent with a key (same names → the same registrations). */
  async register(
    scope: RequestScope,
    input: { subscriberId: string | null; names: string[]; idempotencyKey?: string | null },
  ): Promise<UsageFqdn[]> {
    const resellerId = requireReseller(scope.caller);
    const key = input.idempotencyKey ?? null;
    if (key !== null && (key.length === 0 || key.length > 200))
      throw refusal(RefusalCode.INVALID_INPUT, "idempotencyKey must be 1-200 characters.", "input.idempotencyKey");
    return inTransaction(this.ds, async (tx) => {
      // RES-3 first: another reseller's subscriber is "not found", whatever else is wrong with the input.
      const subscriber = await requireOwnSubscriber(tx, resellerId, input.subscriberId, "input.subscriberId");
      if (input.names.length > MAX_NAMES_PER_CALL)
        throw refusal(RefusalCode.TOO_MANY_NAMES, `At most ${MAX_NAMES_PER_CALL} names per call.`, "input.names");
      // APP-12 applies to the names (ACME-2): normalizeHostname is the one place host-name rules live.
      const checked = normalizeHostnames(input.names, { allowWildcard: true });
      if (!checked.ok)
        throw refusal(
          RefusalCode.INVALID_HOSTNAME,
          checked.message,
          `input.names[${checked.index}]`,
          checked.messageJa,
        );
      const names = [...checked.names];
      // One registration per name at a time, across every caller: concurrent registrations (and retries) queue here.
      for (const n of [...names].sort())
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`acme-fqdn:${n}`]);
      if (key !== null) {
        const replay = await this.replay(tx, resellerId, key, input.subscriberId, names);
        if (replay) return replay;
      }
      await requireAcmeReseller(tx, resellerId, { newBusiness: true });
      const now = this.clock.now();
      const price = await this.price(tx, now);
      const out: UsageFqdn[] = [];
      for (const [i, name] of names.entries()) {
        await this.freeName(tx, scope, name, i);
        out.push(await this.registerOne(tx, scope, { resellerId, subscriberId: subscriber.id, name, key, now, price }));
      }
      return out;
    });
  }

  private async replay(
    tx: EntityManager,
    resellerId: string,
    key: string,
    subscriberId: string | null,
    names: string[],
  ): Promise<UsageFqdn[] | null> {
    const rows = await tx.find(UsageFqdn, { where: { resellerId, idempotencyKey: key } });
    if (rows.length === 0) return null;
    const same =
      rows[0].subscriberId === subscriberId &&
      rows.length === names.length &&
      names.every((n) => rows.some((r) => r.name === n));
    if (!same)
      throw refusal(
        RefusalCode.IDEMPOTENCY_KEY_REUSED,
        "This idempotency key was used for a different request.",
        "input.idempotencyKey",
      );
    return names.map((n) => rows.find((r) => r.name === n) as UsageFqdn);
  }

  /** A live registration of the name blocks a new one, unless its period is over (then it is closed now). */
  private async freeName(tx: EntityManager, scope: RequestScope, name: string, index: number): Promise<void> {
    const existing = await tx
      .createQueryBuilder(UsageFqdn, "u")
      .where("u.name = :name AND u.ended_at IS NULL", { name })
      .getOne();
    if (!existing) return;
    const u = await this.stateOfOne(tx, existing);
    if (u.state.state === "ACTIVE") {
      throw refusal(
        RefusalCode.USAGE_FQDN_TAKEN,
        `${name} is already registered as a usage FQDN${existing.resellerId === this.resellerOf(scope) ? " (continue it instead)" : ""}.`,
        `input.names[${index}]`,
        `${name}は既に利用FQDNとして登録されています。`,
      );
    }
    await this.close(tx, scope, existing, u.state.effectiveEnd, UsageFqdnEndReason.PERIOD_OVER);
  }

  private resellerOf(scope: RequestScope): string | null {
    return scope.caller.kind === "RESELLER" ? scope.caller.resellerId : null;
  }

  /** ACME-2: the 12-month DV price in force (before tax); refused when the catalogue has none. */
  private async price(tx: EntityManager, at: Date): Promise<number> {
    const dv = await tx.findOneByOrFail(Product, { code: "DV" });
    const price = await this.fees.priceFor(tx, dv.id, 12, PriceKind.TERM, at);
    if (price === null) throw refusal(RefusalCode.PRICE_NOT_SET, "No 12-month DV price is in force (ACME-2).");
    return price;
  }

  private async registerOne(
    tx: EntityManager,
    scope: RequestScope,
    x: { resellerId: string; subscriberId: string; name: string; key: string | null; now: Date; price: number },
  ): Promise<UsageFqdn> {
    const fqdn = await tx.save(
      tx.create(UsageFqdn, {
        resellerId: x.resellerId,
        subscriberId: x.subscriberId,
        name: x.name,
        registeredAt: x.now,
        firstUsedAt: null,
        endedAt: null,
        endReason: null,
        idempotencyKey: x.key,
        createdAt: x.now,
      }),
    );
    const end = usagePeriodEnd(x.now);
    await this.addPeriod(tx, scope, fqdn, UsagePeriodKind.REGISTRATION, x.now, end, x.price);
    await this.audit.record(tx, scope, {
      action: "acme.usageFqdn.register",
      entityType: "UsageFqdn",
      entityId: fqdn.nodeId,
      resellerId: fqdn.resellerId,
      after: { ...snapshot(fqdn), periodEndsAt: end.toISOString() },
    });
    await this.events.emit(tx, {
      type: EventType.USAGE_FQDN_REGISTERED,
      resellerId: fqdn.resellerId,
      subjectType: "UsageFqdn",
      subjectId: fqdn.nodeId,
      data: { name: fqdn.name, periodEndsAt: end.toISOString() },
    });
    return fqdn;
  }

  /** RES-6, CON-8, ACME-2: the period and its charge, in the caller's transaction. */
  private async addPeriod(
    tx: EntityManager,
    scope: RequestScope,
    fqdn: UsageFqdn,
    kind: UsagePeriodKind,
    startsAt: Date,
    endsAt: Date,
    price: number,
  ): Promise<UsagePeriod> {
    const now = this.clock.now();
    const registration = kind === UsagePeriodKind.REGISTRATION;
    const charge = await this.fees.recordCharge(
      tx,
      {
        resellerId: fqdn.resellerId,
        contractId: null,
        kind: registration ? "ACME_REGISTRATION" : "ACME_CONTINUATION",
        description: `ACME利用FQDN ${fqdn.name} 12か月 / ACME usage FQDN ${fqdn.name}, 12 months (${registration ? "registration" : "continuation"})`,
        amountYen: price,
        chargedAt: now,
        periodStart: startsAt,
        periodEnd: endsAt,
      },
      scope,
    );
    return tx.save(
      tx.create(UsagePeriod, { usageFqdnId: fqdn.id, kind, startsAt, endsAt, chargeId: charge.id, createdAt: now }),
    );
  }

  /** ACME-2: a continuation before the period ends adds 12 months to its end; one continuation ahead at a time. */
  async continue(scope: RequestScope, id: string | null): Promise<UsageFqdn> {
    const resellerId = requireReseller(scope.caller);
    return inTransaction(this.ds, async (tx) => {
      await requireAcmeReseller(tx, resellerId, { newBusiness: true });
      const fqdn = await this.lockOwn(tx, resellerId, id);
      const now = this.clock.now();
      const u = await this.stateOfOne(tx, fqdn);
      if (fqdn.endedAt !== null || u.state.state === "ENDED") {
        throw refusal(
          RefusalCode.USAGE_FQDN_ENDED,
          `${fqdn.name} has ended; register it again instead.`,
          "input.usageFqdnId",
          `${fqdn.name}の利用期間は終了しています。`,
        );
      }
      const last = u.periods[u.periods.length - 1];
      if (last.startsAt > now) {
        throw refusal(
          RefusalCode.USAGE_FQDN_ALREADY_CONTINUED,
          `${fqdn.name} is already continued until ${formatJst(last.endsAt)}.`,
          "input.usageFqdnId",
          `${fqdn.name}は既に継続済みです。`,
        );
      }
      const end = continuedEnd(last.endsAt);
      await this.addPeriod(tx, scope, fqdn, UsagePeriodKind.CONTINUATION, last.endsAt, end, await this.price(tx, now));
      await this.audit.record(tx, scope, {
        action: "acme.usageFqdn.continue",
        entityType: "UsageFqdn",
        entityId: fqdn.nodeId,
        resellerId,
        after: { name: fqdn.name, periodEndsAt: end.toISOString() },
      });
      await this.events.emit(tx, {
        type: EventType.USAGE_FQDN_CONTINUED,
        resellerId,
        subjectType: "UsageFqdn",
        subjectId: fqdn.nodeId,
        data: { name: fqdn.name, periodEndsAt: end.toISOString() },
      });
      scope.loaders.clearAll();
      return fqdn;
    });
  }

  /** The reseller ends a usage FQDN now (no refund, REV-6); ending an ended one changes nothing. */
  async end(scope: RequestScope, id: string | null, reason: string | null): Promise<UsageFqdn> {
    const resellerId = requireReseller(scope.caller);
    return inTransaction(this.ds, async (tx) => {
      await requireAcmeReseller(tx, resellerId, { newBusiness: false });
      const fqdn = await this.lockOwn(tx, resellerId, id);
      if (fqdn.endedAt !== null) return fqdn;
      const u = await this.stateOfOne(tx, fqdn);
      const over = u.state.state === "ENDED";
      await this.close(
        tx,
        scope,
        fqdn,
        over ? u.state.effectiveEnd : this.clock.now(),
        over ? UsageFqdnEndReason.PERIOD_OVER : UsageFqdnEndReason.ENDED_BY_RESELLER,
        reason,
      );
      scope.loaders.clearAll();
      return fqdn;
    });
  }

  private async close(
    tx: EntityManager,
    scope: RequestScope,
    fqdn: UsageFqdn,
    at: Date,
    reason: UsageFqdnEndReason,
    comment: string | null = null,
  ): Promise<void> {
    const before = snapshot(fqdn);
    fqdn.endedAt = at;
    fqdn.endReason = reason;
    await tx.update(UsageFqdn, { id: fqdn.id }, { endedAt: at, endReason: reason });
    await this.audit.record(tx, scope, {
      action: "acme.usageFqdn.end",
      entityType: "UsageFqdn",
      entityId: fqdn.nodeId,
      resellerId: fqdn.resellerId,
      reason: comment ?? reason,
      before,
      after: snapshot(fqdn),
    });
    await this.events.emit(tx, {
      type: EventType.USAGE_FQDN_ENDED,
      resellerId: fqdn.resellerId,
      subjectType: "UsageFqdn",
      subjectId: fqdn.nodeId,
      data: { name: fqdn.name, endedAt: at.toISOString(), endReason: reason },
    });
  }

  private async lockOwn(tx: EntityManager, resellerId: string, id: string | null): Promise<UsageFqdn> {
    const fqdn = id ? await tx.findOne(UsageFqdn, { where: { id }, lock: { mode: "pessimistic_write" } }) : null;
    if (!fqdn || fqdn.resellerId !== resellerId)
      throw refusal(RefusalCode.NOT_FOUND, "No such usage FQDN among yours.", "input.usageFqdnId");
    return fqdn;
  }

  private async stateOfOne(tx: EntityManager, fqdn: UsageFqdn): Promise<UsageOfName> {
    const periods = await tx.find(UsagePeriod, { where: { usageFqdnId: fqdn.id }, order: { startsAt: "ASC" } });
    const suspensions = await tx.find(ResellerSuspension, { where: { resellerId: fqdn.resellerId } });
    return stateOf(fqdn, periods, suspensions, this.clock.now());
  }

  // ---- reading (RES-3: a reseller its own, operators all) ----

  async get(scope: RequestScope, id: string): Promise<UsageFqdn | null> {
    const u = await scope.loaders.byId(UsageFqdn).load(id);
    return u && canSeeResellerData(scope.caller, u.resellerId) ? u : null;
  }

  async list(
    scope: RequestScope,
    args: PageRequest,
    filter: { subscriberId?: string | null; name?: string | null },
  ): Promise<ConnectionShape<UsageFqdn>> {
    requireAuthenticated(scope.caller);
    const qb = this.ds.getRepository(UsageFqdn).createQueryBuilder("u");
    if (scope.caller.kind === "RESELLER") qb.andWhere("u.reseller_id = :own", { own: scope.caller.resellerId });
    if (filter.subscriberId !== undefined) qb.andWhere("u.subscriber_id = :sid", { sid: filter.subscriberId });
    if (filter.name) qb.andWhere("u.name = :name", { name: filter.name.toLowerCase() });
    return paginate(qb, args);
  }

  /** Periods and state of a usage FQDN, batched per request (two queries for a page). */
  async view(scope: RequestScope, fqdn: UsageFqdn): Promise<UsageOfName> {
    const periods = await scope.loaders.manyBy(UsagePeriod, "usageFqdnId", { startsAt: "ASC" }).load(fqdn.id);
    const suspensions = await scope.loaders.manyBy(ResellerSuspension, "resellerId").load(fqdn.resellerId);
    return stateOf(fqdn, periods, suspensions, this.clock.now());
  }

  stateName(u: UsageOfName): UsageFqdnState {
    return u.state.state === "ACTIVE" ? UsageFqdnState.ACTIVE : UsageFqdnState.ENDED;
  }
}
