import { DataSource } from "typeorm";
import { createDataSource } from "../../api/src/db/data-source";
import { EventType } from "../../api/src/events/event-publisher";
import { WebhookDeliverer, webhookBackoffMs } from "../../api/src/events/webhook-deliverer";
import { checkWebhookUrl } from "../../api/src/events/webhook-url";
import { toGlobalId } from "../../api/src/ids";
import { JobRunner } from "../../api/src/jobs/job-runner";
import { createLogger } from "../../api/src/logger";
import { RefusalError } from "../../api/src/refusal";
import { gqlOk } from "../support/lifecycle";
import { TestApp, startTestApp } from "../support/test-app";
import { README_VERIFY_SOURCE, WebhookReceiver, readmeText, readmeVerify } from "./webhook-receiver";

/** NOT-1: signed webhooks — retries with back-off, crash safety of the hand-off, dead letters, replay, RES-3. */
const START = new Date("2026-11-21T03:00:00Z");
const BACKOFF_MS = 60_000;
const TIMEOUT_MS = 2_000;
const MAX_ATTEMPTS = 4;
const OPTIONS = {
  timeoutMs: TIMEOUT_MS,
  backoffMs: BACKOFF_MS,
  backoffCapMs: 3_600_000,
  maxAttempts: MAX_ATTEMPTS,
  allowInsecure: true,
};
const LEASE_MS = TIMEOUT_MS + 60_000;
const receiver = new WebhookReceiver();
const verify = readmeVerify();
let t: TestApp;
let alpha: { id: string; key: string };
let beta: { id: string; key: string };
let secret: string;
let endpointId: string;
let subjectSeq = 0;

const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  secret webhookEndpoint { id url eventTypes active } userErrors { code field message messageJa } } }`;
const DELIVERIES = `query($status: WebhookDeliveryStatus, $after: String) { webhookDeliveries(first: 50, status: $status, after: $after) {
  edges { node { id status attempts lastStatusCode lastError deliveredAt event { id type subjectId } endpoint { id } } } } }`;

async function emit(resellerId: string, type = EventType.APPLICATION_SUBMITTED): Promise<{ subjectId: string }> {
  const subjectId = toGlobalId("Application", `00000000-0000-4000-8000-${String(++subjectSeq).padStart(12, "0")}`);
  await t.ds.transaction((tx) =>
    t.services.events.emit(tx, { type, resellerId, subjectType: "Application", subjectId, data: { n: subjectSeq } }),
  );
  return { subjectId };
}

/** Deliveries to alpha's endpoint of events emitted since the test began. */
async function deliveryRows(): Promise<any[]> {
  return t.ds.query(
    `SELECT d.id, d.status, d.attempts, d.next_attempt_at, d.delivered_at, d.last_status_code, d.event_id::text AS event_id
     FROM webhook_delivery d WHERE d.endpoint_id = $1 AND d.event_id > $2::bigint ORDER BY d.created_at, d.id`,
    [endpointId, testStartEventId],
  );
}
let testStartEventId = "0";

beforeAll(async () => {
  await receiver.start();
  t = await startTestApp({
    now: START,
    env: {
      AKASHI_WEBHOOK_ALLOW_INSECURE: "true",
      AKASHI_WEBHOOK_BACKOFF_MS: String(BACKOFF_MS),
      AKASHI_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
      AKASHI_WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      AKASHI_WEBHOOK_BACKOFF_CAP_MS: "3600000",
    },
  });
  alpha = await t.createReseller("alpha-hooks");
  beta = await t.createReseller("beta-hooks");
  const created = (
    await gqlOk(t, alpha.key, CREATE, {
      input: { url: receiver.url(), eventTypes: ["APPLICATION_SUBMITTED", "CERTIFICATE_ISSUED"] },
    })
  ).createWebhookEndpoint;
  expect(created.userErrors).toEqual([]);
  secret = created.secret;
  endpointId = (await t.ds.query(`SELECT id FROM webhook_endpoint WHERE reseller_id = $1`, [alpha.id]))[0].id;
});

afterAll(async () => {
  await t.close();
  await receiver.close();
});

beforeEach(async () => {
  t.clock.set(START);
  receiver.reset();
  await t.jobs.runDue(); // nothing left over from an earlier test may be due at START
  receiver.reset();
  testStartEventId = (await t.ds.query(`SELECT coalesce(max(id), 0)::text AS id FROM event`))[0].id;
});

test("NOT-1: the README carries the verification recipe the tests use, and the endpoint's secret is shown once", async () => {
  expect(readmeText()).toContain(README_VERIFY_SOURCE);
  expect(README_VERIFY_SOURCE.split("\n").length).toBeLessThanOrEqual(15);
  expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  const listed = await gqlOk(
    t,
    alpha.key,
    `{ webhookEndpoints(first: 10) { edges { node { id url eventTypes active disabledAt } } } }`,
  );
  expect(listed.webhookEndpoints.edges).toEqual([
    {
      node: {
        id: toGlobalId("WebhookEndpoint", endpointId),
        url: receiver.url(),
        eventTypes: ["APPLICATION_SUBMITTED", "CERTIFICATE_ISSUED"],
        active: true,
        disabledAt: null,
      },
    },
  ]);
  expect(
    JSON.stringify(await t.ds.query(`SELECT after FROM audit_event WHERE action = 'webhookEndpoint.create'`)),
  ).not.toContain(secret);
});

test("NOT-1: a receiver that answers 500 twice then 200 gets exactly one accepted delivery, signed per the README, retried after the configured back-off", async () => {
  receiver.script = [500, 500, 200];
  const { subjectId } = await emit(alpha.id);
  const [d0] = await deliveryRows();
  expect(d0).toMatchObject({ status: "PENDING", attempts: 0 });
  expect(new Date(d0.next_attempt_at)).toEqual(START);

  await t.jobs.runDue();
  expect(receiver.requests).toHaveLength(1);
  const retry1 = new Date(START.getTime() + BACKOFF_MS);
  expect(await deliveryRows()).toEqual([
    expect.objectContaining({ status: "PENDING", attempts: 1, last_status_code: 500, next_attempt_at: retry1 }),
  ]);

  // Not a millisecond early.
  t.clock.set(new Date(retry1.getTime() - 1));
  await t.jobs.runDue();
  expect(receiver.requests).toHaveLength(1);

  t.clock.set(retry1);
  await t.jobs.runDue();
  expect(receiver.requests).toHaveLength(2);
  const retry2 = new Date(retry1.getTime() + 2 * BACKOFF_MS); // doubled
  expect(webhookBackoffMs(2, OPTIONS)).toBe(2 * BACKOFF_MS);
  expect(await deliveryRows()).toEqual([
    expect.objectContaining({ status: "PENDING", attempts: 2, last_status_code: 500, next_attempt_at: retry2 }),
  ]);

  t.clock.set(new Date(retry2.getTime() - 1));
  await t.jobs.runDue();
  expect(receiver.requests).toHaveLength(2);
  t.clock.set(retry2);
  await t.jobs.runDue();
  expect(receiver.requests).toHaveLength(3);
  expect(await deliveryRows()).toEqual([
    expect.objectContaining({ status: "DELIVERED", attempts: 3, last_status_code: 200, delivered_at: retry2 }),
  ]);

  // Nothing more, ever.
  t.clock.set(new Date(retry2.getTime() + 7 * 86_400_000));
  await t.jobs.runDue();
  expect(receiver.requests).toHaveLength(3);
  expect(receiver.accepted()).toHaveLength(1);

  const sentAt = [START, retry1, retry2];
  const eventId = (await deliveryRows())[0].event_id;
  receiver.requests.forEach((r, i) => {
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.headers["akashi-event-id"]).toBe(eventId);
    expect(r.headers["akashi-timestamp"]).toBe(String(sentAt[i].getTime() / 1000));
    expect(verify(secret, r.headers, r.body, sentAt[i].getTime())).toBe(true);
    expect(JSON.parse(r.body)).toEqual({
      id: eventId,
      type: "application.submitted",
      occurredAt: START.toISOString(),
      resellerId: toGlobalId("Reseller", alpha.id),
      subject: { type: "Application", id: subjectId },
      data: { n: subjectSeq },
    });
  });
  const last = receiver.requests[2];
  // The recipe refuses a changed body, another secret, and a timestamp older than 5 minutes.
  expect(
    verify(secret, last.headers, last.body.replace("application.submitted", "application.rejected"), retry2.getTime()),
  ).toBe(false);
  expect(verify("whsec_other", last.headers, last.body, retry2.getTime())).toBe(false);
  expect(verify(secret, last.headers, last.body, retry2.getTime() + 300_000)).toBe(true);
  expect(verify(secret, last.headers, last.body, retry2.getTime() + 301_000)).toBe(false);

  const listed = await gqlOk(t, alpha.key, DELIVERIES, { status: "DELIVERED" });
  expect(listed.webhookDeliveries.edges.map((e: any) => e.node)).toContainEqual(
    expect.objectContaining({
      status: "DELIVERED",
      attempts: 3,
      lastStatusCode: 200,
      lastError: null,
      deliveredAt: retry2.toISOString(),
      event: { id: eventId, type: "APPLICATION_SUBMITTED", subjectId },
      endpoint: { id: toGlobalId("WebhookEndpoint", endpointId) },
    }),
  );
});

test("NOT-1: events the endpoint did not subscribe to, and other resellers' events, make no delivery", async () => {
  await emit(alpha.id, EventType.APPLICATION_REJECTED);
  await emit(beta.id, EventType.APPLICATION_SUBMITTED);
  const [{ n }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM webhook_delivery d JOIN event e ON e.id = d.event_id WHERE e.type = 'application.rejected' OR e.reseller_id = $1`,
    [beta.id],
  );
  expect(n).toBe(0);
  await t.jobs.runDue();
  expect(receiver.requests).toHaveLength(0);
});

test("NOT-1: a worker killed mid-delivery loses nothing — after its lease expires the delivery is sent once more and recorded", async () => {
  receiver.script = ["hold"];
  await emit(alpha.id);
  const url = (t.ds.options as { url: string }).url;
  const dsA: DataSource = createDataSource(url, { poolSize: 3, applicationName: "akashi-worker-a" });
  await dsA.initialize();
  const workerA = new JobRunner({
    ds: dsA,
    clock: t.clock,
    logger: createLogger("silent"),
    handlers: new WebhookDeliverer(dsA, t.clock, OPTIONS).jobs().handlers,
  });
  const running = workerA.runDue().catch((e: unknown) => e);
  await receiver.waitFor(1);
  // The crash: worker A's connections die (its job transaction aborts) and it can write nothing more.
  await t.ds.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'akashi-worker-a'`);
  const destroyed = dsA.destroy().catch(() => undefined);
  receiver.releaseHeld(null);
  await running;
  await destroyed;
  const [inFlight] = await deliveryRows();
  expect(inFlight).toMatchObject({ status: "IN_FLIGHT", attempts: 0 });
  const [{ lease_until }] = await t.ds.query(`SELECT lease_until FROM webhook_delivery WHERE id = $1`, [inFlight.id]);
  expect(new Date(lease_until)).toEqual(new Date(START.getTime() + LEASE_MS));

  // A new worker while the lease runs: nothing is sent twice at once…
  await t.jobs.runDue();
  expect(receiver.requests).toHaveLength(1);
  t.clock.set(new Date(START.getTime() + LEASE_MS - 1));
  await t.jobs.runDue();
  expect(receiver.requests).toHaveLength(1);
  // …and once it has run out, the delivery is sent again and acknowledged.
  t.clock.set(new Date(START.getTime() + LEASE_MS));
  await t.jobs.runDue();
  expect(receiver.requests).toHaveLength(2);
  expect(receiver.requests[1].headers["akashi-event-id"]).toBe(receiver.requests[0].headers["akashi-event-id"]);
  expect(await deliveryRows()).toEqual([
    expect.objectContaining({ id: inFlight.id, status: "DELIVERED", attempts: 1, last_status_code: 200 }),
  ]);
  t.clock.set(new Date(START.getTime() + 30 * 86_400_000));
  await t.jobs.runDue();
  expect(receiver.requests).toHaveLength(2);
  expect(receiver.accepted()).toHaveLength(1);
});

test("NOT-1: a 2xx that was recorded is never sent again, even when the worker dies right after recording it", async () => {
  const { subjectId } = await emit(alpha.id);
  const deliverer = new WebhookDeliverer(t.ds, t.clock, OPTIONS);
  const real = deliverer.jobs().handlers["webhooks.deliver"];
  // The claim commits (with the job DONE and a follow-up job at the lease's end); the worker then POSTs,
  // records the 2xx, and dies before doing anything else.
  const dying = new JobRunner({
    ds: t.ds,
    clock: t.clock,
    logger: createLogger("silent"),
    maxAttempts: 5,
    backoffMs: () => 1000,
    handlers: {
      "webhooks.deliver": async (job, tx) => {
        const after = await real(job, tx);
        return async () => {
          if (after) await after();
          throw new Error("killed");
        };
      },
    },
  });
  await dying.runDue(1);
  expect(receiver.requests).toHaveLength(1);
  expect(await deliveryRows()).toEqual([
    expect.objectContaining({ status: "DELIVERED", attempts: 1, last_status_code: 200 }),
  ]);
  for (const ms of [1000, LEASE_MS, 86_400_000]) {
    t.clock.set(new Date(START.getTime() + ms));
    await t.jobs.runDue();
  }
  expect(receiver.requests).toHaveLength(1);
  expect(JSON.parse(receiver.requests[0].body).subject.id).toBe(subjectId);
  const [{ n }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM job WHERE kind = 'webhooks.deliver' AND status = 'PENDING'`,
  );
  expect(n).toBe(0);
});

test("NOT-1: after the last attempt a delivery is DEAD, the operator sees it among the dead letters, and a replay delivers it", async () => {
  receiver.fallback = 503;
  await emit(alpha.id);
  let at = START.getTime();
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    t.clock.set(new Date(at));
    await t.jobs.runDue();
    expect(receiver.requests).toHaveLength(attempt);
    at += webhookBackoffMs(attempt, OPTIONS);
  }
  t.clock.set(new Date(at + 86_400_000));
  await t.jobs.runDue();
  expect(receiver.requests).toHaveLength(MAX_ATTEMPTS);
  const dead = (await deliveryRows()).filter((d) => d.status === "DEAD");
  expect(dead).toHaveLength(1);
  expect(dead[0]).toMatchObject({ attempts: MAX_ATTEMPTS, last_status_code: 503 });
  const deadId = toGlobalId("WebhookDelivery", dead[0].id);

  const operatorView = (await gqlOk(t, t.operatorKey, DELIVERIES, { status: "DEAD" })).webhookDeliveries.edges.map(
    (e: any) => e.node,
  );
  expect(operatorView).toEqual([
    expect.objectContaining({
      id: deadId,
      status: "DEAD",
      attempts: MAX_ATTEMPTS,
      lastStatusCode: 503,
      lastError: "HTTP_503",
    }),
  ]);
  expect((await gqlOk(t, beta.key, DELIVERIES, { status: "DEAD" })).webhookDeliveries.edges).toEqual([]);

  // RES-3: another reseller cannot replay it.
  const REPLAY = `mutation($id: ID!) { replayWebhookDelivery(input: { deliveryId: $id }) { webhookDelivery { id status attempts } userErrors { code field } } }`;
  expect((await gqlOk(t, beta.key, REPLAY, { id: deadId })).replayWebhookDelivery).toEqual({
    webhookDelivery: null,
    userErrors: [{ code: "NOT_FOUND", field: "input.deliveryId" }],
  });

  receiver.fallback = 204;
  const replayed = (await gqlOk(t, alpha.key, REPLAY, { id: deadId })).replayWebhookDelivery;
  expect(replayed).toEqual({ webhookDelivery: { id: deadId, status: "PENDING", attempts: 0 }, userErrors: [] });
  await t.jobs.runDue();
  expect(receiver.requests).toHaveLength(MAX_ATTEMPTS + 1);
  expect((await deliveryRows()).find((d) => d.id === dead[0].id)).toMatchObject({
    status: "DELIVERED",
    attempts: 1,
    last_status_code: 204,
  });
  const [audit] = await t.ds.query(
    `SELECT action, reseller_id FROM audit_event WHERE action = 'webhookDelivery.replay'`,
  );
  expect(audit).toEqual({ action: "webhookDelivery.replay", reseller_id: alpha.id });
});

test("RES-3: another reseller sees none of the endpoints, deliveries or events, not even by node(id:), and cannot change them", async () => {
  await emit(alpha.id);
  await t.jobs.runDue();
  const [d] = await deliveryRows();
  const ids = [toGlobalId("WebhookEndpoint", endpointId), toGlobalId("WebhookDelivery", d.id)];
  const q = `query($ids: [ID!]!) { webhookEndpoints(first: 10) { edges { node { id } } } webhookDeliveries(first: 10) { edges { node { id } } }
    events(first: 100) { edges { node { id resellerId } } } nodes(ids: $ids) { id } }`;
  const seenByBeta = await gqlOk(t, beta.key, q, { ids });
  expect({ ...seenByBeta, events: undefined }).toEqual({
    webhookEndpoints: { edges: [] },
    webhookDeliveries: { edges: [] },
    events: undefined,
    nodes: [null, null],
  });
  // Beta's feed holds exactly beta's own events.
  const betaEvents = await t.ds.query(`SELECT id::text AS id FROM event WHERE reseller_id = $1 ORDER BY id`, [beta.id]);
  expect(seenByBeta.events.edges.map((e: any) => e.node)).toEqual(
    betaEvents.map((r: any) => ({ id: r.id, resellerId: toGlobalId("Reseller", beta.id) })),
  );
  const seenByAlpha = await gqlOk(t, alpha.key, q, { ids });
  expect(seenByAlpha.nodes).toEqual([{ id: ids[0] }, { id: ids[1] }]);
  expect(seenByAlpha.events.edges.map((e: any) => e.node.id)).toContain(d.event_id);
  expect(seenByAlpha.events.edges.every((e: any) => e.node.resellerId === toGlobalId("Reseller", alpha.id))).toBe(true);
  const UPDATE = `mutation($id: ID!) { updateWebhookEndpoint(input: { webhookEndpointId: $id, active: false }) { webhookEndpoint { id } userErrors { code field } } }`;
  const DELETE = `mutation($id: ID!) { deleteWebhookEndpoint(input: { webhookEndpointId: $id }) { webhookEndpoint { id } userErrors { code field } } }`;
  expect((await gqlOk(t, beta.key, UPDATE, { id: ids[0] })).updateWebhookEndpoint).toEqual({
    webhookEndpoint: null,
    userErrors: [{ code: "NOT_FOUND", field: "input.webhookEndpointId" }],
  });
  expect((await gqlOk(t, beta.key, DELETE, { id: ids[0] })).deleteWebhookEndpoint).toEqual({
    webhookEndpoint: null,
    userErrors: [{ code: "NOT_FOUND", field: "input.webhookEndpointId" }],
  });
  const [{ active }] = await t.ds.query(`SELECT active FROM webhook_endpoint WHERE id = $1`, [endpointId]);
  expect(active).toBe(true);
  // The public sees nothing at all.
  const anon = await t.gql(null, `{ events(first: 1) { edges { node { id } } } }`);
  expect(anon.errors?.[0].extensions?.code).toBe("FORBIDDEN");
});

test.each([
  ["ftp://hooks.akashi-demo.jp/x", "WEBHOOK_URL_NOT_ALLOWED"],
  ["https://user:secret@hooks.akashi-demo.jp/x", "WEBHOOK_URL_NOT_ALLOWED"],
  ["not a url", "WEBHOOK_URL_NOT_ALLOWED"],
  ["https://hooks.akashi-demo.jp/x#frag", "WEBHOOK_URL_NOT_ALLOWED"],
])("NOT-1: the webhook URL %s is refused with %s", async (url, code) => {
  const res = (await gqlOk(t, alpha.key, CREATE, { input: { url, eventTypes: ["APPLICATION_SUBMITTED"] } }))
    .createWebhookEndpoint;
  expect(res).toEqual({
    secret: null,
    webhookEndpoint: null,
    userErrors: [{ code, field: "input.url", message: expect.any(String), messageJa: expect.any(String) }],
  });
});

test("NOT-1: without AKASHI_WEBHOOK_ALLOW_INSECURE only https to a public host is accepted", () => {
  const code = (url: string) => {
    try {
      checkWebhookUrl(url, false);
      return "OK";
    } catch (e) {
      return (e as RefusalError).code;
    }
  };
  expect(code("https://hooks.akashi-demo.jp/akashi")).toBe("OK");
  for (const url of [
    "http://hooks.akashi-demo.jp/akashi",
    "https://127.0.0.1/x",
    "https://localhost/x",
    "https://[::1]/x",
    "https://10.0.0.8/x",
    "https://192.168.1.2/x",
    "https://169.254.169.254/latest",
  ]) {
    expect([url, code(url)]).toEqual([url, "WEBHOOK_URL_NOT_ALLOWED"]);
  }
  expect(checkWebhookUrl("http://127.0.0.1:8080/x", true)).toBe("http://127.0.0.1:8080/x");
});

test("NOT-1: an empty event-type list is refused, the idempotency key returns the same endpoint and secret, and a deleted endpoint gets nothing", async () => {
  const empty = (await gqlOk(t, beta.key, CREATE, { input: { url: receiver.url("/beta"), eventTypes: [] } }))
    .createWebhookEndpoint;
  expect(empty.userErrors).toEqual([expect.objectContaining({ code: "INVALID_INPUT", field: "input.eventTypes" })]);
  const input = { url: receiver.url("/beta"), eventTypes: ["SEAL_CREATED"], idempotencyKey: "beta-1" };
  const first = (await gqlOk(t, beta.key, CREATE, { input })).createWebhookEndpoint;
  const again = (await gqlOk(t, beta.key, CREATE, { input })).createWebhookEndpoint;
  expect(again).toEqual(first);
  const other = (await gqlOk(t, beta.key, CREATE, { input: { ...input, eventTypes: ["CONTRACT_ENDED"] } }))
    .createWebhookEndpoint;
  expect(other.userErrors).toEqual([expect.objectContaining({ code: "IDEMPOTENCY_KEY_REUSED" })]);
  const DELETE = `mutation($id: ID!) { deleteWebhookEndpoint(input: { webhookEndpointId: $id }) { webhookEndpoint { active disabledAt } userErrors { code } } }`;
  expect((await gqlOk(t, beta.key, DELETE, { id: first.webhookEndpoint.id })).deleteWebhookEndpoint).toEqual({
    webhookEndpoint: { active: false, disabledAt: START.toISOString() },
    userErrors: [],
  });
  await emit(beta.id, EventType.SEAL_CREATED);
  await t.jobs.runDue();
  expect(receiver.requests).toHaveLength(0);
  // The operator's MAINTENANCE_ANNOUNCED reaches every reseller's feed, once each.
  await t.ds.transaction((tx) =>
    t.services.events.emit(tx, {
      type: EventType.MAINTENANCE_ANNOUNCED,
      resellerId: null,
      subjectType: "Announcement",
      subjectId: "maintenance-1",
      data: {},
    }),
  );
  const rows = await t.ds.query(`SELECT reseller_id FROM event WHERE type = 'maintenance.announced' ORDER BY id`);
  expect(rows.map((r: any) => r.reseller_id).sort()).toEqual([alpha.id, beta.id].sort());
});

test("NOT-1: events are append-only", async () => {
  await emit(alpha.id);
  await expect(t.ds.query(`UPDATE event SET data = '{}'`)).rejects.toThrow(/append-only/);
  await expect(t.ds.query(`DELETE FROM event`)).rejects.toThrow(/append-only/);
});
