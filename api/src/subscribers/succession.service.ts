import { DataSource, EntityManager, In } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { canSeeResellerData, requireOperator } from "../auth";
import { Contract, ContractStatus } from "../contracts";
import { inTransaction } from "../db/transaction";
import { jstDateOf, parseJstDate, successionNoticeLate } from "../domain";
import { Clock } from "../domain/clock";
import { EventPublisher, EventType } from "../events";
import { toGlobalId } from "../ids";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { Seal } from "../seals";
import { SubscriberSuccession, SuccessionKind } from "./subscriber-succession.entity";
import { Subscriber } from "./subscriber.entity";

export interface SuccessionInput {
  predecessorId: string | null;
  successorId: string | null;
  kind: SuccessionKind;
  succeededOn: string;
  notifiedOn: string;
  /** SPLIT: the contracts the successor takes over (at least one). MERGER: every active contract; must be left out. */
  contractIds: (string | null)[] | null;
  note: string | null;
}

function date(value: string, field: string): string {
  let ok = /^\d{4}-\d{2}-\d{2}$/.test(value);
  try {
    if (ok) parseJstDate(value);
  } catch {
    ok = false;
  }
  if (!ok) throw refusal(RefusalCode.INVALID_INPUT, `${field} must be a JST date (YYYY-MM-DD).`, `input.${field}`);
  return value;
}

/**
 * CON-6 [S 6]: a successor by merger or split takes over the subscriber's position. The operator
 * records it with the notification date (late when more than 30 days after the succession — flagged,
 * not refused: the position passed by law), and the contracts move to the successor, their seals
 * with them (a succession is not a transfer, SEAL-3). The certificates stay as issued: a certificate
 * naming the successor needs a new application (APP-8).
 */
export class SuccessionService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: EventPublisher,
  ) {}

  async record(scope: RequestScope, input: SuccessionInput): Promise<SubscriberSuccession> {
    requireOperator(scope.caller);
    const succeededOn = date(input.succeededOn, "succeededOn");
    const notifiedOn = date(input.notifiedOn, "notifiedOn");
    if (notifiedOn < succeededOn || notifiedOn > jstDateOf(this.clock.now())) {
      throw refusal(
        RefusalCode.INVALID_INPUT,
        "notifiedOn must be on or after succeededOn, and not in the future.",
        "input.notifiedOn",
      );
    }
    const note = input.note?.trim() || null;
    const result = await inTransaction(this.ds, async (tx) => {
      const { predecessor, successor } = await this.parties(tx, input);
      const existing = await tx.findOneBy(SubscriberSuccession, {
        predecessorId: predecessor.id,
        successorId: successor.id,
        kind: input.kind,
        succeededOn,
      });
      if (existing) return existing;
      const contracts = await this.contractsToMove(tx, predecessor, input);
      const succession = await tx.save(
        tx.create(SubscriberSuccession, {
          predecessorId: predecessor.id,
          successorId: successor.id,
          resellerId: predecessor.resellerId,
          kind: input.kind,
          succeededOn,
          notifiedOn,
          late: successionNoticeLate(succeededOn, notifiedOn),
          contractIds: contracts.map((c) => c.id),
          note,
          recordedAt: this.clock.now(),
          recordedByKeyId: scope.caller.kind === "OPERATOR" ? scope.caller.keyId : null,
        }),
      );
      await this.move(tx, scope, contracts, successor, input.kind);
      await this.audit.record(tx, scope, {
        action: "subscriber.succession.record",
        entityType: "SubscriberSuccession",
        entityId: succession.nodeId,
        resellerId: succession.resellerId,
        after: snapshot(succession),
      });
      await this.events.emit(tx, {
        type: EventType.SUBSCRIBER_SUCCEEDED,
        resellerId: succession.resellerId,
        subjectType: "Subscriber",
        subjectId: predecessor.nodeId,
        data: {
          successionId: succession.nodeId,
          successorId: successor.nodeId,
          kind: input.kind,
          succeededOn,
          notifiedOn,
          late: succession.late,
          contractIds: contracts.map((c) => c.nodeId),
        },
      });
      return succession;
    });
    scope.loaders.clearAll();
    return result;
  }

  /** The contracts (and their seals) pass to the successor, each move audited. */
  private async move(
    tx: EntityManager,
    scope: RequestScope,
    contracts: Contract[],
    successor: Subscriber,
    kind: SuccessionKind,
  ) {
    for (const c of contracts) {
      const before = snapshot(c);
      c.subscriberId = successor.id;
      await tx.save(c);
      await this.audit.record(tx, scope, {
        action: "contract.succeed",
        entityType: "Contract",
        entityId: c.nodeId,
        resellerId: c.resellerId,
        reason: `CON-6: ${kind}`,
        before,
        after: snapshot(c),
      });
    }
    if (contracts.length > 0) {
      await tx.update(Seal, { contractId: In(contracts.map((c) => c.id)) }, { subscriberId: successor.id });
    }
  }

  async get(scope: RequestScope, id: string): Promise<SubscriberSuccession | null> {
    const s = await scope.loaders.byId(SubscriberSuccession).load(id);
    return s && canSeeResellerData(scope.caller, s.resellerId) ? s : null;
  }

  /** Successions in which the subscriber was the predecessor or the successor, oldest first. */
  async of(scope: RequestScope, subscriber: Subscriber): Promise<SubscriberSuccession[]> {
    const [from, to] = await Promise.all([
      scope.loaders.manyBy(SubscriberSuccession, "predecessorId", { recordedAt: "ASC" }).load(subscriber.id),
      scope.loaders.manyBy(SubscriberSuccession, "successorId", { recordedAt: "ASC" }).load(subscriber.id),
    ]);
    return [...from, ...to].sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
  }

  /** Both subscribers, locked in a fixed order; the successor is registered with the same managing reseller. */
  private async parties(
    tx: EntityManager,
    input: SuccessionInput,
  ): Promise<{ predecessor: Subscriber; successor: Subscriber }> {
    if (!input.predecessorId) throw refusal(RefusalCode.NOT_FOUND, "No such subscriber.", "input.predecessorId");
    if (!input.successorId) throw refusal(RefusalCode.NOT_FOUND, "No such subscriber.", "input.successorId");
    const ids = [input.predecessorId, input.successorId].sort();
    const rows = await tx.find(Subscriber, {
      where: { id: In(ids) },
      order: { id: "ASC" },
      lock: { mode: "pessimistic_write" },
    });
    const predecessor = rows.find((r) => r.id === input.predecessorId);
    const successor = rows.find((r) => r.id === input.successorId);
    if (!predecessor) throw refusal(RefusalCode.NOT_FOUND, "No such subscriber.", "input.predecessorId");
    if (!successor) throw refusal(RefusalCode.NOT_FOUND, "No such subscriber.", "input.successorId");
    if (predecessor.id === successor.id || predecessor.resellerId !== successor.resellerId) {
      throw refusal(
        RefusalCode.SUCCESSOR_NOT_ALLOWED,
        "The successor must be another subscriber registered by the same managing reseller.",
        "input.successorId",
        "承継者は同じ指定事業者に登録された別の契約者である必要があります。",
      );
    }
    return { predecessor, successor };
  }

  private async contractsToMove(
    tx: EntityManager,
    predecessor: Subscriber,
    input: SuccessionInput,
  ): Promise<Contract[]> {
    const active = await tx.find(Contract, {
      where: { subscriberId: predecessor.id, status: ContractStatus.ACTIVE },
      order: { createdAt: "ASC", id: "ASC" },
      lock: { mode: "pessimistic_write" },
    });
    if (input.kind === SuccessionKind.MERGER) {
      if (input.contractIds?.length)
        throw refusal(
          RefusalCode.INVALID_INPUT,
          "A merger passes every contract on; leave contractIds out.",
          "input.contractIds",
        );
      return active;
    }
    const named = input.contractIds ?? [];
    if (named.length === 0)
      throw refusal(
        RefusalCode.INVALID_INPUT,
        "A split names the contracts the successor takes over.",
        "input.contractIds",
      );
    return named.map((id, i) => {
      const c = active.find((k) => k.id === id);
      if (!c)
        throw refusal(
          RefusalCode.NOT_FOUND,
          `No active contract ${id === null ? "" : toGlobalId("Contract", id)} of the predecessor.`,
          `input.contractIds[${i}]`,
        );
      return c;
    });
  }
}
