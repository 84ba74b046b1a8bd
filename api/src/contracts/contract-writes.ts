import { EntityManager } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { Actor } from "../auth";
import { EventPublisher, EventType } from "../events";
import { toGlobalId } from "../ids";
import { Contract, ContractEndReason, ContractStatus } from "./contract.entity";
import { insertEntity } from "../db/write-entity";

/**
 * The facts a contract starts with. Cancellation, auto-renew stop and the end start empty: they are
 * later facts, written by their own paths (CON-2, CON-4, VAL-6).
 */
export interface NewContract {
  subscriberId: string;
  resellerId: string | null;
  productId: string;
  applicationId: string;
  renewedFromId: string | null;
  /** Null: the unlimited term (VAL-8, bring-your-own). */
  termMonths: number | null;
  carryOverMonths: number;
  startsAt: Date;
  endsAt: Date | null;
  servicePeriodEndsAt: Date | null;
  doNotRenew: boolean;
  createdAt: Date;
}

/**
 * CON-1: the one writer of a new contract — issuance, renewal by application (VAL-5) or by default
 * (CON-3), an ACME certificate (ACME-5) and a managed bring-your-own certificate (VAL-8) all open
 * theirs here, so each leaves the same `contract.create` audit entry, with `why` naming the rule.
 */
export async function openContract(
  tx: EntityManager,
  audit: AuditService,
  actor: Actor,
  facts: NewContract,
  why: string,
): Promise<Contract> {
  const contract = await insertEntity(tx, Contract, {
    ...facts,
    autoRenewStopNoticedAt: null,
    cancellationNoticedAt: null,
    cancellationEffectiveAt: null,
    status: ContractStatus.ACTIVE,
    endedAt: null,
    endReason: null,
  });
  await audit.record(tx, actor, {
    action: "contract.create",
    entityType: "Contract",
    entityId: toGlobalId("Contract", contract.id),
    resellerId: contract.resellerId,
    reason: why,
    after: snapshot(contract),
  });
  return contract;
}

/**
 * REC-1: the before or after of a `contract.end` audit entry — the columns an end changes, not the
 * whole contract twice (the entry names the contract; its terms do not change when it ends). Issue 11:
 * a mass revocation writes one per certificate.
 */
export function contractEndState(
  contract: Pick<Contract, "status" | "endedAt" | "endReason">,
): Record<string, unknown> {
  return { status: contract.status, endedAt: contract.endedAt?.toISOString() ?? null, endReason: contract.endReason };
}

/**
 * CON-1, CON-2, CON-4, CON-5, VAL-6, REV-6: the one writer of a contract's end, whether its term ran
 * out (the daily and month-end jobs) or its certificate was revoked. The caller holds the contract's
 * row lock. Each end leaves the same `contract.end` audit entry and `contract.ended` event (NOT-1).
 */
export async function endContract(
  tx: EntityManager,
  deps: { audit: AuditService; events: EventPublisher },
  actor: Actor,
  contract: Contract,
  reason: ContractEndReason,
  at: Date,
): Promise<void> {
  const before = contractEndState(contract);
  contract.status = ContractStatus.ENDED;
  contract.endedAt = at;
  contract.endReason = reason;
  await tx.save(contract);
  const contractId = toGlobalId("Contract", contract.id);
  await deps.audit.record(tx, actor, {
    action: "contract.end",
    entityType: "Contract",
    entityId: contractId,
    resellerId: contract.resellerId,
    reason,
    before,
    after: contractEndState(contract),
  });
  await deps.events.emit(tx, {
    type: EventType.CONTRACT_ENDED,
    resellerId: contract.resellerId,
    subjectType: "Contract",
    subjectId: contractId,
    data: { endReason: reason, endedAt: at.toISOString() },
  });
}
