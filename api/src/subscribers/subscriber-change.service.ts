import { DataSource, EntityManager } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { canSeeResellerData, requireOperator } from "../auth";
import { inTransaction } from "../db/transaction";
import { Clock } from "../domain/clock";
import { EventPublisher, EventType } from "../events";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { ChangeSet, SubscriberChange, SubscriberChangeStatus } from "./subscriber-change.entity";
import { Subscriber } from "./subscriber.entity";

/** CON-6 [S 6]: the registered data whose change takes effect only once the operator confirms it. */
export const REGISTERED_FIELDS = [
  "name",
  "nameEn",
  "country",
  "stateOrProvince",
  "locality",
  "address",
  "representativeName",
] as const;
export type RegisteredField = (typeof REGISTERED_FIELDS)[number];

const keyOf = (scope: RequestScope) =>
  scope.caller.kind === "OPERATOR" || scope.caller.kind === "RESELLER" ? scope.caller.keyId : null;

/**
 * CON-6: which asked-for changes need the operator's confirmation — the registered data of a
 * subscriber the operator has already verified (at its first issuance). Before that nothing has been
 * confirmed yet, so changes apply at once. Returns the changes that really differ.
 * @rule CON-6 — a successor's 30-day notice period is domain/succession.ts
 */
export function registeredChanges(
  subscriber: Subscriber,
  asked: Partial<Record<RegisteredField, string | null>>,
): ChangeSet | null {
  if (subscriber.verifiedAt === null) return null;
  const set: ChangeSet = {};
  for (const f of REGISTERED_FIELDS) {
    const v = asked[f];
    if (v === undefined) continue;
    const to = typeof v === "string" ? v.trim() : null;
    const from = subscriber[f] ?? null;
    if (to !== from) set[f] = { from, to };
  }
  return set;
}

/** CON-6: pending changes of registered data, confirmed or rejected by the operator, kept as a dated history. */
export class SubscriberChangeService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: EventPublisher,
  ) {}

  /**
   * In the updating transaction (the subscriber row locked): records the change as PENDING. The same
   * change asked again is the one already pending; a different one waits until that is decided.
   */
  async request(
    tx: EntityManager,
    scope: RequestScope,
    subscriber: Subscriber,
    set: ChangeSet,
  ): Promise<SubscriberChange> {
    const pending = await tx.findOneBy(SubscriberChange, {
      subscriberId: subscriber.id,
      status: SubscriberChangeStatus.PENDING,
    });
    if (pending) {
      if (JSON.stringify(sorted(pending.changes)) === JSON.stringify(sorted(set))) return pending;
      throw refusal(
        RefusalCode.SUBSCRIBER_CHANGE_PENDING,
        "A change of this subscriber's registered data is waiting for the operator's confirmation (CON-6).",
        "input.id",
        "登録事項の変更が当社の確認待ちです。",
      );
    }
    const change = await tx.save(
      tx.create(SubscriberChange, {
        subscriberId: subscriber.id,
        resellerId: subscriber.resellerId,
        changes: set,
        status: SubscriberChangeStatus.PENDING,
        requestedAt: this.clock.now(),
        requestedByKeyId: keyOf(scope),
        decidedAt: null,
        decidedByKeyId: null,
        decisionNote: null,
      }),
    );
    await this.audit.record(tx, scope, {
      action: "subscriber.change.request",
      entityType: "SubscriberChange",
      entityId: change.nodeId,
      resellerId: subscriber.resellerId,
      after: snapshot(change),
    });
    await this.events.emit(tx, {
      type: EventType.SUBSCRIBER_CHANGE_REQUESTED,
      resellerId: subscriber.resellerId,
      subjectType: "Subscriber",
      subjectId: subscriber.nodeId,
      data: { changeId: change.nodeId, fields: Object.keys(set) },
    });
    return change;
  }

  /** CON-6: the operator confirms; the change takes effect now. Confirming it again returns it as it is. */
  confirm(scope: RequestScope, changeId: string | null, note: string | null): Promise<SubscriberChange> {
    return this.decide(scope, changeId, SubscriberChangeStatus.CONFIRMED, note, async (tx, change, subscriber) => {
      const before = snapshot(subscriber);
      for (const [f, v] of Object.entries(change.changes)) (subscriber as unknown as Record<string, unknown>)[f] = v.to;
      subscriber.updatedAt = this.clock.now();
      const saved = await tx.save(subscriber);
      await this.audit.record(tx, scope, {
        action: "subscriber.update",
        entityType: "Subscriber",
        entityId: saved.nodeId,
        resellerId: saved.resellerId,
        reason: `CON-6: change ${change.nodeId} confirmed`,
        before,
        after: snapshot(saved),
      });
    });
  }

  /** The operator rejects (e.g. the documents do not prove it); nothing changes. */
  reject(scope: RequestScope, changeId: string | null, reason: string): Promise<SubscriberChange> {
    const why = reason.trim();
    if (why.length === 0 || why.length > 2000)
      throw refusal(RefusalCode.INVALID_INPUT, "reason must be 1-2000 characters.", "input.reason");
    return this.decide(scope, changeId, SubscriberChangeStatus.REJECTED, why, async () => undefined);
  }

  async get(scope: RequestScope, id: string): Promise<SubscriberChange | null> {
    const c = await scope.loaders.byId(SubscriberChange).load(id);
    return c && canSeeResellerData(scope.caller, c.resellerId) ? c : null;
  }

  /** The dated history of a subscriber the caller may see, oldest first. */
  history(scope: RequestScope, subscriber: Subscriber): Promise<SubscriberChange[]> {
    return scope.loaders
      .manyBy(SubscriberChange, "subscriberId", { requestedAt: "ASC", id: "ASC" })
      .load(subscriber.id);
  }

  /** The operator's queue: pending changes, oldest first. */
  queue(scope: RequestScope, args: PageRequest): Promise<ConnectionShape<SubscriberChange>> {
    requireOperator(scope.caller);
    const qb = this.ds
      .getRepository(SubscriberChange)
      .createQueryBuilder("c")
      .where("c.status = :pending", { pending: SubscriberChangeStatus.PENDING });
    return paginate(qb, args, ["requested_at", "id"]);
  }

  private async decide(
    scope: RequestScope,
    changeId: string | null,
    status: SubscriberChangeStatus,
    note: string | null,
    apply: (tx: EntityManager, change: SubscriberChange, subscriber: Subscriber) => Promise<void>,
  ): Promise<SubscriberChange> {
    requireOperator(scope.caller);
    const result = await inTransaction(this.ds, async (tx) => {
      const change = changeId
        ? await tx.findOne(SubscriberChange, { where: { id: changeId }, lock: { mode: "pessimistic_write" } })
        : null;
      if (!change) throw refusal(RefusalCode.NOT_FOUND, "No such subscriber change.", "input.changeId");
      if (change.status === status) return change;
      if (change.status !== SubscriberChangeStatus.PENDING) {
        throw refusal(
          RefusalCode.SUBSCRIBER_CHANGE_DECIDED,
          `The change was already ${change.status.toLowerCase()}.`,
          "input.changeId",
          "この変更はすでに処理済みです。",
        );
      }
      const subscriber = await tx.findOneOrFail(Subscriber, {
        where: { id: change.subscriberId },
        lock: { mode: "pessimistic_write" },
      });
      const before = snapshot(change);
      await apply(tx, change, subscriber);
      Object.assign(change, {
        status,
        decidedAt: this.clock.now(),
        decidedByKeyId: keyOf(scope),
        decisionNote: note?.trim() || null,
      });
      const saved = await tx.save(change);
      await this.audit.record(tx, scope, {
        action: `subscriber.change.${status.toLowerCase()}`,
        entityType: "SubscriberChange",
        entityId: saved.nodeId,
        resellerId: saved.resellerId,
        before,
        after: snapshot(saved),
      });
      await this.events.emit(tx, {
        type: EventType.SUBSCRIBER_CHANGE_DECIDED,
        resellerId: saved.resellerId,
        subjectType: "Subscriber",
        subjectId: subscriber.nodeId,
        data: {
          changeId: saved.nodeId,
          status,
          fields: Object.keys(saved.changes),
          decidedAt: saved.decidedAt?.toISOString() ?? null,
        },
      });
      return saved;
    });
    scope.loaders.clearAll();
    return result;
  }
}

/** A change set in a canonical form (jsonb does not keep key order). */
function sorted(set: ChangeSet): [string, string | null, string | null][] {
  return Object.entries(set)
    .map(([f, v]): [string, string | null, string | null] => [f, v.from, v.to])
    .sort((a, b) => a[0].localeCompare(b[0]));
}
