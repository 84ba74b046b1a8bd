import { toGlobalId } from "../../api/src/ids";
import { TestApp } from "./test-app";

/**
 * CON-1: what every contract's start and end leave behind, whoever wrote them: one `contract.create`
 * audit entry per contract; per ended contract one `contract.end` entry and one `contract.ended` event (NOT-1).
 * Returns the contracts that break this, so a failure names them.
 */
export async function contractWriteGaps(
  app: TestApp,
): Promise<{ id: string; creates: number; ends: number; endedEvents: number }[]> {
  const contracts: { id: string; status: string }[] = await app.ds.query(
    `SELECT id, status FROM contract ORDER BY created_at`,
  );
  const audits: { entity_id: string; action: string }[] = await app.ds.query(
    `SELECT entity_id, action FROM audit_event WHERE entity_type = 'Contract' AND action IN ('contract.create', 'contract.end')`,
  );
  const events: { subject_id: string }[] = await app.ds.query(
    `SELECT subject_id FROM event WHERE type = 'contract.ended'`,
  );
  const count = <T>(list: T[], pick: (x: T) => boolean) => list.filter(pick).length;
  return contracts
    .map((k) => {
      const gid = toGlobalId("Contract", k.id);
      return {
        id: k.id,
        ended: k.status === "ENDED" ? 1 : 0,
        creates: count(audits, (a) => a.entity_id === gid && a.action === "contract.create"),
        ends: count(audits, (a) => a.entity_id === gid && a.action === "contract.end"),
        endedEvents: count(events, (e) => e.subject_id === gid),
      };
    })
    .filter((r) => r.creates !== 1 || r.ends !== r.ended || r.endedEvents !== r.ended)
    .map(({ ended: _, ...r }) => r);
}

/**
 * REV-2, REV-9, VAL-4, NOT-1: every revocation that was ever scheduled (whoever scheduled it) left one
 * `revocation.scheduled` event and one `revocation.schedule` audit entry. Returns the ones that did not.
 */
export async function scheduledRevocationGaps(app: TestApp): Promise<{ id: string; events: number; audits: number }[]> {
  const scheduled: { id: string }[] = await app.ds.query(
    `SELECT id FROM revocation WHERE scheduled_for IS NOT NULL ORDER BY requested_at`,
  );
  const events: { revocation_id: string }[] = await app.ds.query(
    `SELECT data->>'revocationId' AS revocation_id FROM event WHERE type = 'revocation.scheduled'`,
  );
  const audits: { revocation_id: string }[] = await app.ds.query(
    `SELECT after->>'id' AS revocation_id FROM audit_event WHERE action = 'revocation.schedule'`,
  );
  return scheduled
    .map((r) => ({
      id: r.id,
      events: events.filter((e) => e.revocation_id === toGlobalId("Revocation", r.id)).length,
      audits: audits.filter((a) => a.revocation_id === r.id).length,
    }))
    .filter((r) => r.events !== 1 || r.audits !== 1);
}
