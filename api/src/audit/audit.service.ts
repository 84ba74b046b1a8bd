import { EntityManager } from "typeorm";
import { BufferedWrite, CommitBuffer } from "../db/commit-hooks";
import { Actor } from "../auth";
import { Clock } from "../domain/clock";

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

/**
 * One entry as a JSON object, made when it is recorded (so a later change to the entity it describes
 * cannot reach it): its before/after are serialised once and spliced in as they are.
 */
type EntryJson = string;

/**
 * REC-1: the audit entry is part of the caller's transaction, so the change and its record commit
 * together or not at all. A transaction's entries are written as it commits (db/commit-hooks.ts), in
 * one statement, in the order they were recorded.
 * @rule REC-1 — the append-only triggers are in migrations/1763700000000-initial-schema.ts
 */
export class AuditService {
  private readonly pending = new CommitBuffer<EntryJson>("AuditService.record", async (_tx, entries) =>
    this.write(entries),
  );

  constructor(private readonly clock: Clock) {}

  async record(tx: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    const c = actor.caller;
    const head = JSON.stringify({
      occurred_at: this.clock.now(),
      actor_kind: c.kind,
      actor_key_id: c.kind === "OPERATOR" || c.kind === "RESELLER" ? c.keyId : null,
      actor_label:
        c.kind === "OPERATOR" || c.kind === "RESELLER" ? c.keyPublicId : c.kind === "SYSTEM" ? c.label : null,
      reseller_id: entry.resellerId,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      reason: entry.reason ?? null,
      request_id: actor.requestId,
    });
    const json = (state: object | null | undefined) => (state == null ? "null" : JSON.stringify(state));
    this.pending.add(tx, `${head.slice(0, -1)},"before":${json(entry.before)},"after":${json(entry.after)}}`);
  }

  private write(entries: EntryJson[]): BufferedWrite {
    // One statement and one JSON document for any number of entries: a mass revocation's batch of
    // 10,000 entries used to be ten statements of 12,000 parameters, each parsed and planned afresh,
    // and every before/after escaped again as a parameter (issue 11). Ids follow the recorded order.
    return {
      text: `INSERT INTO audit_event (occurred_at, actor_kind, actor_key_id, actor_label, reseller_id, action, entity_type, entity_id, reason, before, after, request_id)
       SELECT e.occurred_at, e.actor_kind, e.actor_key_id, e.actor_label, e.reseller_id, e.action, e.entity_type, e.entity_id, e.reason, e.before, e.after, e.request_id
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (occurred_at timestamptz, actor_kind text, actor_key_id uuid, actor_label text,
              reseller_id uuid, action text, entity_type text, entity_id text, reason text, before jsonb, after jsonb, request_id text))
         WITH ORDINALITY AS e(occurred_at, actor_kind, actor_key_id, actor_label, reseller_id, action, entity_type, entity_id, reason, before, after, request_id, n)
       ORDER BY e.n`,
      values: [`[${entries.join(",")}]`],
    };
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
