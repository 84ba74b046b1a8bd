import { EntityManager } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { revokeAllKeysOf } from "./api-key-governance.service";
import { Actor } from "../auth";
import { toGlobalId } from "../ids";
import { JobHandler, enqueueJob } from "../jobs/job-runner";
import { Clock } from "../domain/clock";
import { EventPublisher, EventType } from "../events";
import { Reseller, ResellerStatus } from "./reseller.entity";
import { resellerStatusAt } from "./reseller-status";
import { ResellerSuspension } from "./suspension.entity";
import { ResellerTermination } from "./termination.entity";

export const RESELLER_STATUS_JOB = "reseller.status";

/** Re-evaluates the reseller's status at `runAt` (a suspension's start or end, a termination date). */
export async function enqueueStatusCheck(tx: EntityManager, resellerId: string, runAt: Date): Promise<void> {
  await enqueueJob(tx, {
    kind: RESELLER_STATUS_JOB,
    runAt,
    uniqueKey: `reseller-status:${resellerId}:${runAt.toISOString()}`,
    payload: { resellerId },
  });
}

/**
 * Brings `reseller.status` (and `terminated_at`) in line with the suspension and termination rows
 * at the clock's now (reseller-status.ts is the rule). On becoming TERMINATED every key of the
 * reseller stops working (RES-11). Audited when it changes. Returns the reseller as it now is.
 */
export async function syncResellerStatus(
  tx: EntityManager,
  audit: AuditService,
  actor: Actor,
  resellerId: string,
  now: Date,
  events: EventPublisher | null = null,
): Promise<Reseller> {
  const reseller = await tx.findOneOrFail(Reseller, { where: { id: resellerId }, lock: { mode: "pessimistic_write" } });
  const suspensions = await tx.findBy(ResellerSuspension, { resellerId });
  const termination = await tx.findOneBy(ResellerTermination, { resellerId });
  const status = resellerStatusAt({
    terminationEffectiveAt: termination?.effectiveAt ?? null,
    suspensions,
    now,
  }) as ResellerStatus;
  if (status === reseller.status) return reseller;
  const before = snapshot(reseller);
  const previousStatus = reseller.status;
  reseller.status = status;
  reseller.terminatedAt = status === ResellerStatus.TERMINATED ? termination!.effectiveAt : null;
  reseller.updatedAt = now;
  await tx.update(Reseller, { id: reseller.id }, { status, terminatedAt: reseller.terminatedAt, updatedAt: now });
  await audit.record(tx, actor, {
    action: "reseller.status",
    entityType: "Reseller",
    entityId: toGlobalId("Reseller", reseller.id),
    resellerId: reseller.id,
    reason: `${previousStatus} → ${status}`,
    before,
    after: snapshot(reseller),
  });
  // NOT-1: the reseller's feed learns of its suspension and reinstatement.
  if (events && status !== ResellerStatus.TERMINATED) {
    await events.emit(tx, {
      type: status === ResellerStatus.SUSPENDED ? EventType.RESELLER_SUSPENDED : EventType.RESELLER_REINSTATED,
      resellerId: reseller.id,
      subjectType: "Reseller",
      subjectId: reseller.nodeId,
      data: { status, previousStatus: before.status },
    });
  }
  if (status === ResellerStatus.TERMINATED)
    await revokeAllKeysOf(
      tx,
      audit,
      actor,
      reseller.id,
      termination!.effectiveAt,
      "RES-11: the reseller's contract has ended",
    );
  return reseller;
}

export function resellerStatusJob(clock: Clock, audit: AuditService, events: EventPublisher | null = null): JobHandler {
  return async (job, tx) => {
    await syncResellerStatus(
      tx,
      audit,
      { caller: { kind: "SYSTEM", label: "reseller-status" }, requestId: null },
      String(job.payload.resellerId),
      clock.now(),
      events,
    );
  };
}
