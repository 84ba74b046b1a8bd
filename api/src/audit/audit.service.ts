import { EntityManager } from "typeorm";
import { Actor } from "../auth/caller";
import { Clock } from "../domain/clock";
import { AuditEvent, ActorKind } from "./audit-event.entity";

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  /** The reseller whose records these are (REC-2 retention); null for operator-only objects. */
  resellerId: string | null;
  reason?: string | null;
  before?: object | null;
  after?: object | null;
}

/** REC-1: writes the audit entry inside the caller's transaction, so the change and its record commit together. */
export class AuditService {
  constructor(private readonly clock: Clock) {}

  async record(tx: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    const c = actor.caller;
    await tx.insert(AuditEvent, {
      occurredAt: this.clock.now(),
      actorKind: c.kind as ActorKind,
      actorKeyId: c.kind === "OPERATOR" || c.kind === "RESELLER" ? c.keyId : null,
      actorLabel: c.kind === "OPERATOR" || c.kind === "RESELLER" ? c.keyPublicId : c.kind === "SYSTEM" ? c.label : null,
      resellerId: entry.resellerId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      reason: entry.reason ?? null,
      before: (entry.before ?? null) as never,
      after: (entry.after ?? null) as never,
      requestId: actor.requestId,
    });
  }
}

/** A JSON snapshot for before/after: drops secrets and binary columns that do not belong in an audit trail. */
export function snapshot(entity: object, omit: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entity)) {
    if (omit.includes(k) || Buffer.isBuffer(v)) continue;
    out[k] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

/**
 * Whether a change would change nothing: repeating a mutation (a retry, or twenty identical calls at
 * once) then writes no audit entry, no event and no notice, and answers with the object as it is.
 */
export function unchanged(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  return JSON.stringify(before) === JSON.stringify(after);
}
