import { Client, Notification } from "pg";
import { inTransaction } from "../../api/src/db/transaction";
import { EventType, WEBHOOK_DELIVER_JOB, deliveryJobKey } from "../../api/src/events/event-publisher";
import { JOBS_CHANNEL } from "../../api/src/jobs/job-runner";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * NOT-1, RES-5: a transaction's events are parked in event_pending and moved into the feed by a
 * deferred trigger inside COMMIT (migrations/1764600000000-event-feed-at-commit.ts). The trigger writes
 * delivery jobs and wakes the runners in SQL, so it must name them exactly as the service does.
 */
jest.setTimeout(120_000);

let t: TestApp;
let listener: Client;
const heard: Notification[] = [];

beforeAll(async () => {
  t = await startTestApp();
  listener = new Client({ connectionString: t.ownerUrl });
  await listener.connect();
  listener.on("notification", (n) => heard.push(n));
  await listener.query(`LISTEN ${JOBS_CHANNEL}`);
});

afterAll(async () => {
  await listener?.end();
  await t?.close();
});

test("NOT-1, RES-5: at COMMIT the feed trigger writes a transaction's events in order, their webhook deliveries and delivery jobs named as the service names them, wakes the job runners, and leaves nothing in event_pending", async () => {
  const reseller = await t.createReseller("feedtrigger");
  const [endpoint]: { id: string }[] = await t.ds.query(
    `INSERT INTO webhook_endpoint (reseller_id, url, secret, event_types, created_at, updated_at)
     VALUES ($1, 'https://hooks.akashi-demo.jp/in', repeat('s', 40), ARRAY['seal.created'], now(), now()) RETURNING id`,
    [reseller.id],
  );
  heard.length = 0;
  await inTransaction(t.ds, async (tx) => {
    for (const n of [1, 2, 3])
      await t.services.events.emit(tx, {
        type: EventType.SEAL_CREATED,
        resellerId: reseller.id,
        subjectType: "Seal",
        subjectId: `trigger-seal-${n}`,
        data: { n },
      });
  });

  const events: { id: string; subject_id: string }[] = await t.ds.query(
    `SELECT id::text, subject_id FROM event WHERE reseller_id = $1 ORDER BY id`,
    [reseller.id],
  );
  expect(events.map((e) => e.subject_id)).toEqual(["trigger-seal-1", "trigger-seal-2", "trigger-seal-3"]);
  const deliveries: { id: string; event_id: string; schedule_seq: number }[] = await t.ds.query(
    `SELECT id, event_id::text, schedule_seq FROM webhook_delivery WHERE endpoint_id = $1 ORDER BY event_id`,
    [endpoint.id],
  );
  expect(deliveries.map((d) => d.event_id)).toEqual(events.map((e) => e.id));
  const jobs: { kind: string; unique_key: string; payload: unknown }[] = await t.ds.query(
    `SELECT kind, unique_key, payload FROM job WHERE unique_key = ANY($1::text[]) ORDER BY unique_key`,
    [deliveries.map((d) => deliveryJobKey(d.id, d.schedule_seq))],
  );
  expect(jobs).toEqual(
    deliveries
      .map((d) => ({ kind: WEBHOOK_DELIVER_JOB, unique_key: deliveryJobKey(d.id, 1), payload: { deliveryId: d.id } }))
      .sort((a, b) => a.unique_key.localeCompare(b.unique_key)),
  );
  expect(await t.ds.query(`SELECT count(*)::int AS n FROM event_pending`)).toEqual([{ n: 0 }]);
  // The NOTIFY is delivered at commit; the listener hears it once its connection reads it.
  for (let i = 0; i < 200 && !heard.some((n) => n.payload === WEBHOOK_DELIVER_JOB); i++)
    await new Promise((r) => setTimeout(r, 25));
  expect(heard.map((n) => [n.channel, n.payload])).toContainEqual([JOBS_CHANNEL, WEBHOOK_DELIVER_JOB]);
});

test("NOT-1: a transaction that rolls back leaves no event, no delivery and nothing in event_pending", async () => {
  const reseller = await t.createReseller("feedrollback");
  await expect(
    inTransaction(t.ds, async (tx) => {
      await t.services.events.emit(tx, {
        type: EventType.SEAL_CREATED,
        resellerId: reseller.id,
        subjectType: "Seal",
        subjectId: "rolled-back",
        data: {},
      });
      throw new Error("changed my mind");
    }),
  ).rejects.toThrow("changed my mind");
  expect(await t.ds.query(`SELECT count(*)::int AS n FROM event WHERE reseller_id = $1`, [reseller.id])).toEqual([
    { n: 0 },
  ]);
  expect(await t.ds.query(`SELECT count(*)::int AS n FROM event_pending`)).toEqual([{ n: 0 }]);
});
