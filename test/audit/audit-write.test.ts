import { AuditService } from "../../api/src/audit";
import { systemActor } from "../../api/src/auth";
import { inTransaction } from "../../api/src/db/transaction";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * REC-1: a transaction's audit entries are written as it commits, in one statement carrying one JSON
 * document (issue 11), so what goes in must come back exactly: text that JSON escapes, nested states,
 * the recorded order, and nothing at all when the transaction rolls back.
 */
jest.setTimeout(120_000);

let t: TestApp;
let audit: AuditService;
const ACTION = "test.audit-write";

beforeAll(async () => {
  t = await startTestApp();
  audit = new AuditService(t.clock);
});

afterAll(async () => {
  await t?.close();
});

const TRICKY = [
  `quote " backslash \\ slash / tab \t newline \n`,
  "日本語の理由 — 失効",
  "emoji 🔐 and \u2028 line separator",
  "",
];

test("REC-1: 2,500 entries of one transaction go in once, in the order recorded, each exactly as given", async () => {
  const entityId = `audit-write-${Date.now()}`;
  const entries = Array.from({ length: 2500 }, (_, i) => ({
    action: ACTION,
    entityType: "Test",
    entityId,
    resellerId: null,
    reason: TRICKY[i % TRICKY.length] + i,
    before: i % 3 === 0 ? null : { n: i, text: TRICKY[(i + 1) % TRICKY.length], list: [1, "two", null] },
    after: { n: i + 1, nested: { deep: [TRICKY[i % TRICKY.length]] }, flag: i % 2 === 0 },
  }));
  await inTransaction(t.ds, async (tx) => {
    for (const e of entries) await audit.record(tx, systemActor("audit-write test"), e);
  });
  const rows: { reason: string; before: unknown; after: unknown; actor_kind: string; actor_label: string }[] =
    await t.ds.query(
      `SELECT reason, before, after, actor_kind, actor_label FROM audit_event WHERE action = $1 AND entity_id = $2 ORDER BY id`,
      [ACTION, entityId],
    );
  expect(rows.map((r) => ({ reason: r.reason, before: r.before, after: r.after }))).toEqual(
    entries.map((e) => ({ reason: e.reason, before: e.before, after: e.after })),
  );
  expect(new Set(rows.map((r) => `${r.actor_kind} ${r.actor_label}`))).toEqual(new Set(["SYSTEM audit-write test"]));
});

test("REC-1: a later change to the object an entry describes does not reach the entry", async () => {
  const entityId = `audit-write-later-${Date.now()}`;
  const state = { names: ["a.example.jp"], status: "ACTIVE" };
  await inTransaction(t.ds, async (tx) => {
    await audit.record(tx, systemActor("audit-write test"), {
      action: ACTION,
      entityType: "Test",
      entityId,
      resellerId: null,
      after: state,
    });
    state.names.push("b.example.jp");
    state.status = "ENDED";
  });
  const [row] = await t.ds.query(`SELECT after FROM audit_event WHERE action = $1 AND entity_id = $2`, [
    ACTION,
    entityId,
  ]);
  expect(row.after).toEqual({ names: ["a.example.jp"], status: "ACTIVE" });
});

test("REC-1: a transaction that rolls back leaves none of its entries", async () => {
  const entityId = `audit-write-rollback-${Date.now()}`;
  await expect(
    inTransaction(t.ds, async (tx) => {
      await audit.record(tx, systemActor("audit-write test"), {
        action: ACTION,
        entityType: "Test",
        entityId,
        resellerId: null,
        after: { n: 1 },
      });
      throw new Error("the change fails after its entry was recorded");
    }),
  ).rejects.toThrow("the change fails");
  const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM audit_event WHERE entity_id = $1`, [entityId]);
  expect(n).toBe(0);
});
