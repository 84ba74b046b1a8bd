import { EntityManager } from "typeorm";
import { CommitBuffer } from "../db/commit-hooks";
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

type Row = [
  Date,
  string,
  string | null,
  string | null,
  string | null,
  string,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
];

/**
 * REC-1: the audit entry is part of the caller's transaction, so the change and its record commit
 * together or not at all. A transaction's entries are written as it commits (db/commit-hooks.ts), in
 * one statement, in the order they were recorded.
 * @rule REC-1 — the append-only triggers are in migrations/1763700000000-initial-schema.ts
 */
export class AuditService {
  private readonly pending = new CommitBuffer<Row>("AuditService.record", (tx, rows) => this.write(tx, rows));

  constructor(private readonly clock: Clock) {}

  async record(tx: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    const c = actor.caller;
    const row: Row = [
      this.clock.now(),
      c.kind,
      c.kind === "OPERATOR" || c.kind === "RESELLER" ? c.keyId : null,
      c.kind === "OPERATOR" || c.kind === "RESELLER" ? c.keyPublicId : c.kind === "SYSTEM" ? c.label : null,
      entry.resellerId,
      entry.action,
      entry.entityType,
      entry.entityId,
      entry.reason ?? null,
      entry.before == null ? null : JSON.stringify(entry.before),
      entry.after == null ? null : JSON.stringify(entry.after),
      actor.requestId,
    ];
    this.pending.add(tx, row);
  }

  private async write(tx: EntityManager, rows: Row[]): Promise<void> {
    // At most 1,000 rows a statement (PostgreSQL allows 65,535 parameters).
    for (let at = 0; at < rows.length; at += 1000) {
      const chunk = rows.slice(at, at + 1000);
      const width = chunk[0].length;
      const values = chunk
        .map((_, i) => `(${Array.from({ length: width }, (__, j) => `$${i * width + j + 1}`).join(", ")})`)
        .join(", ");
      await tx.query(
        `INSERT INTO audit_event (occurred_at, actor_kind, actor_key_id, actor_label, reseller_id, action, entity_type, entity_id, reason, before, after, request_id)
         VALUES ${values}`,
        chunk.flat(),
      );
    }
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
