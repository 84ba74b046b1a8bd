import { PostgresQueryRunner } from "typeorm/driver/postgres/PostgresQueryRunner";
import { EventType } from "../../api/src/events/event-publisher";
import { MAX_ENDPOINTS_PER_RESELLER } from "../../api/src/events/webhook.service";
import { toGlobalId } from "../../api/src/ids";
import { gqlOk } from "../support/lifecycle";
import { TestApp, startTestApp } from "../support/test-app";

/** NOT-1: the active-endpoint cap (also on resume) and the cost of listing deliveries. */
const START = new Date("2026-11-21T03:00:00Z");
let t: TestApp;

const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { webhookEndpoint { id } userErrors { code field } } }`;
const UPDATE = `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { webhookEndpoint { id active } userErrors { code field } } }`;

async function createEndpoints(key: string, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = (
      await gqlOk(t, key, CREATE, { input: { url: `http://127.0.0.1:9/${prefix}/${i}`, eventTypes: ["SEAL_CREATED"] } })
    ).createWebhookEndpoint;
    expect(r.userErrors).toEqual([]);
    ids.push(r.webhookEndpoint.id);
  }
  return ids;
}

const setActive = async (key: string, id: string, active: boolean) =>
  (await gqlOk(t, key, UPDATE, { input: { webhookEndpointId: id, active } })).updateWebhookEndpoint;
const activeCount = async (resellerId: string) =>
  (
    await t.ds.query(`SELECT count(*)::int AS n FROM webhook_endpoint WHERE reseller_id = $1 AND active`, [resellerId])
  )[0].n;

beforeAll(async () => {
  t = await startTestApp({ now: START, env: { AKASHI_WEBHOOK_ALLOW_INSECURE: "true" } });
});

afterAll(async () => {
  await t.close();
});

test(`NOT-1: resuming a paused endpoint is refused once ${MAX_ENDPOINTS_PER_RESELLER} are active, like creating one`, async () => {
  const r = await t.createReseller("cap-hooks");
  const ids = await createEndpoints(r.key, MAX_ENDPOINTS_PER_RESELLER, "cap");
  const over = (
    await gqlOk(t, r.key, CREATE, { input: { url: "http://127.0.0.1:9/cap/over", eventTypes: ["SEAL_CREATED"] } })
  ).createWebhookEndpoint;
  expect(over).toEqual({ webhookEndpoint: null, userErrors: [{ code: "CONFLICT", field: "input.url" }] });

  // Pause one, fill its place, then try to resume it: 21 active would result.
  expect(await setActive(r.key, ids[0], false)).toEqual({
    webhookEndpoint: { id: ids[0], active: false },
    userErrors: [],
  });
  await createEndpoints(r.key, 1, "cap-refill");
  expect(await activeCount(r.id)).toBe(MAX_ENDPOINTS_PER_RESELLER);
  expect(await setActive(r.key, ids[0], true)).toEqual({
    webhookEndpoint: null,
    userErrors: [{ code: "CONFLICT", field: "input.active" }],
  });
  expect(await activeCount(r.id)).toBe(MAX_ENDPOINTS_PER_RESELLER);
  // Setting an active endpoint active again adds none and is fine at the cap.
  expect(await setActive(r.key, ids[1], true)).toEqual({
    webhookEndpoint: { id: ids[1], active: true },
    userErrors: [],
  });

  // Below the cap the resume goes through.
  expect(await setActive(r.key, ids[2], false)).toEqual({
    webhookEndpoint: { id: ids[2], active: false },
    userErrors: [],
  });
  expect(await setActive(r.key, ids[0], true)).toEqual({
    webhookEndpoint: { id: ids[0], active: true },
    userErrors: [],
  });
  expect(await activeCount(r.id)).toBe(MAX_ENDPOINTS_PER_RESELLER);
});

test(`NOT-1: two endpoints resumed at once with room for one: exactly one is resumed`, async () => {
  const r = await t.createReseller("cap-race");
  const ids = await createEndpoints(r.key, MAX_ENDPOINTS_PER_RESELLER, "race");
  await setActive(r.key, ids[0], false);
  await setActive(r.key, ids[1], false);
  await createEndpoints(r.key, 1, "race-refill");
  expect(await activeCount(r.id)).toBe(MAX_ENDPOINTS_PER_RESELLER - 1);
  for (let round = 0; round < 3; round++) {
    const results = await Promise.all([setActive(r.key, ids[0], true), setActive(r.key, ids[1], true)]);
    expect(results.filter((x) => x.userErrors.length === 0)).toHaveLength(1);
    expect(results.filter((x) => x.userErrors.length === 1 && x.userErrors[0].code === "CONFLICT")).toHaveLength(1);
    expect(await activeCount(r.id)).toBe(MAX_ENDPOINTS_PER_RESELLER);
    // Back to 19 active for the next round.
    const resumed = results.findIndex((x) => x.userErrors.length === 0);
    await setActive(r.key, ids[resumed], false);
  }
});

test("NOT-1: a page of 20 deliveries with their event and endpoint costs two queries more than without them, not one per delivery", async () => {
  const r = await t.createReseller("page-hooks");
  const endpoints = await createEndpoints(r.key, 2, "page");
  for (let i = 0; i < 10; i++) {
    await t.ds.transaction((tx) =>
      t.services.events.emit(tx, {
        type: EventType.SEAL_CREATED,
        resellerId: r.id,
        subjectType: "Seal",
        subjectId: `seal-${i}`,
        data: { i },
      }),
    );
  }
  const rows: { id: string; event_id: string; endpoint_id: string }[] = await t.ds.query(
    `SELECT id, event_id::text AS event_id, endpoint_id FROM webhook_delivery WHERE reseller_id = $1 ORDER BY created_at DESC, id DESC`,
    [r.id],
  );
  expect(rows).toHaveLength(20);

  const BARE = `{ webhookDeliveries(first: 20) { edges { node { id status } } } }`;
  const NESTED = `{ webhookDeliveries(first: 20) { edges { node { id status event { id subjectId } endpoint { id url } } } } }`;
  const spy = jest.spyOn(PostgresQueryRunner.prototype, "query");
  const queriesOf = async (q: string) => {
    spy.mockClear();
    const data = await gqlOk(t, r.key, q);
    return { data, n: spy.mock.calls.length };
  };
  try {
    await queriesOf(BARE); // warm-up: anything done once per key or per process happens here
    const bare = await queriesOf(BARE);
    const nested = await queriesOf(NESTED);
    expect(nested.n - bare.n).toBe(2);
    expect(bare.n).toBeLessThanOrEqual(10);

    const nodes = nested.data.webhookDeliveries.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.id)).toEqual(rows.map((d) => toGlobalId("WebhookDelivery", d.id)));
    expect(nodes.map((n: any) => n.event.id)).toEqual(rows.map((d) => d.event_id));
    expect(nodes.map((n: any) => n.endpoint.id)).toEqual(rows.map((d) => toGlobalId("WebhookEndpoint", d.endpoint_id)));
    expect(new Set(nodes.map((n: any) => n.endpoint.id))).toEqual(new Set(endpoints));
    expect(new Set(nodes.map((n: any) => n.event.subjectId))).toEqual(
      new Set(Array.from({ length: 10 }, (_, i) => `seal-${i}`)),
    );
  } finally {
    spy.mockRestore();
  }
});
