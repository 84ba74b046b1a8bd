import { LookupAddress } from "node:dns";
import net, { AddressInfo } from "node:net";
import { EventType } from "../../api/src/events/event-publisher";
import { WebhookDeliverer, WebhookDeliveryOptions } from "../../api/src/events/webhook-deliverer";
import { toGlobalId } from "../../api/src/ids";
import { JobRunner } from "../../api/src/jobs/job-runner";
import { createLogger } from "../../api/src/logger";
import { gqlOk } from "../support/lifecycle";
import { TestApp, startTestApp } from "../support/test-app";
import { WebhookReceiver } from "./webhook-receiver";

/**
 * NOT-1 (SSRF): outside AKASHI_WEBHOOK_ALLOW_INSECURE a delivery connects only to public addresses,
 * checked on the address the socket connects to; and `lastError` shows coarse categories only.
 */
const START = new Date("2026-11-21T03:00:00Z");
const TIMEOUT_MS = 300;
const PRODUCTION: WebhookDeliveryOptions = {
  timeoutMs: TIMEOUT_MS,
  backoffMs: 60_000,
  backoffCapMs: 3_600_000,
  maxAttempts: 4,
  allowInsecure: false,
};
let t: TestApp;
const receiver = new WebhookReceiver();
/** A bare TCP listener on loopback: counts connections, so "nothing connected" is observable. */
let tcp: net.Server;
let tcpPort = 0;
let connections = 0;
let resellerSeq = 0;

/** A fresh reseller with one endpoint at `url` (stored as is, as if its name resolved publicly when registered). */
async function endpointAt(url: string): Promise<{ resellerId: string; key: string; endpointId: string }> {
  const r = await t.createReseller(`dest-${++resellerSeq}`);
  const [{ id }] = await t.ds.query(
    `INSERT INTO webhook_endpoint (reseller_id, url, secret, event_types, created_at, updated_at) VALUES ($1, $2, 'whsec_test_secret_of_at_least_32_characters', ARRAY['seal.created'], $3, $3) RETURNING id`,
    [r.id, url, START],
  );
  return { resellerId: r.id, key: r.key, endpointId: id };
}

async function emitAndDeliver(
  resellerId: string,
  runner: { runDue(): Promise<unknown> },
): Promise<{ status: string; attempts: number; last_status_code: number | null; last_error: string | null }> {
  await t.ds.transaction((tx) =>
    t.services.events.emit(tx, {
      type: EventType.SEAL_CREATED,
      resellerId,
      subjectType: "Seal",
      subjectId: "seal-1",
      data: {},
    }),
  );
  await runner.runDue();
  const [row] = await t.ds.query(
    `SELECT status, attempts, last_status_code, last_error FROM webhook_delivery WHERE reseller_id = $1`,
    [resellerId],
  );
  return row;
}

function productionRunner(resolve: (host: string) => Promise<LookupAddress[]>): JobRunner {
  return new JobRunner({
    ds: t.ds,
    clock: t.clock,
    logger: createLogger("silent"),
    handlers: new WebhookDeliverer(t.ds, t.clock, { ...PRODUCTION, resolve }).jobs().handlers,
  });
}

beforeAll(async () => {
  await receiver.start();
  tcp = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
  tcpPort = (tcp.address() as AddressInfo).port;
  t = await startTestApp({
    now: START,
    env: { AKASHI_WEBHOOK_ALLOW_INSECURE: "true", AKASHI_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) },
  });
});

afterAll(async () => {
  await t.close();
  await receiver.close();
  await new Promise((resolve) => tcp.close(resolve));
});

beforeEach(() => {
  connections = 0;
  receiver.reset();
});

test("NOT-1: a name that resolves to loopback at send time is refused at connect time, once resolved, and recorded as DESTINATION_NOT_ALLOWED", async () => {
  const e = await endpointAt(`https://hooks.rebind.example:${tcpPort}/hook`);
  const asked: string[] = [];
  // A rebinding DNS server: public when registered, loopback now, public again for any second look-up.
  const answers = [[{ address: "127.0.0.1", family: 4 }], [{ address: "93.184.216.34", family: 4 }]];
  const row = await emitAndDeliver(
    e.resellerId,
    productionRunner(async (host) => {
      asked.push(host);
      return answers[asked.length - 1] ?? [];
    }),
  );
  expect(asked).toEqual(["hooks.rebind.example"]);
  expect(connections).toBe(0);
  expect(row).toEqual({
    status: "PENDING",
    attempts: 1,
    last_status_code: null,
    last_error: "DESTINATION_NOT_ALLOWED",
  });
  const listed = await gqlOk(
    t,
    e.key,
    `{ webhookDeliveries(first: 5) { edges { node { status attempts lastStatusCode lastError endpoint { id } } } } }`,
  );
  expect(listed.webhookDeliveries.edges).toEqual([
    {
      node: {
        status: "PENDING",
        attempts: 1,
        lastStatusCode: null,
        lastError: "DESTINATION_NOT_ALLOWED",
        endpoint: { id: toGlobalId("WebhookEndpoint", e.endpointId) },
      },
    },
  ]);
});

test.each([
  [
    "a public and a private answer",
    [
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.7", family: 4 },
    ],
  ],
  ["the metadata address, IPv4-mapped", [{ address: "::ffff:169.254.169.254", family: 6 }]],
  ["an IPv6 unique-local answer", [{ address: "fd00::7", family: 6 }]],
  ["a NAT64 form of loopback", [{ address: "64:ff9b::7f00:1", family: 6 }]],
])("NOT-1: a name resolving to %s is refused without connecting", async (_label, addresses) => {
  const e = await endpointAt(`https://hooks.mixed.example:${tcpPort}/hook`);
  const row = await emitAndDeliver(
    e.resellerId,
    productionRunner(async () => addresses),
  );
  expect(connections).toBe(0);
  expect(row).toMatchObject({ attempts: 1, last_error: "DESTINATION_NOT_ALLOWED" });
});

test.each([
  ["a loopback address literal", () => `https://127.0.0.1:${tcpPort}/hook`],
  ["an IPv6 loopback literal", () => `https://[::1]:${tcpPort}/hook`],
  ["an IPv4-mapped loopback literal", () => `https://[::ffff:127.0.0.1]:${tcpPort}/hook`],
  ["plain http", () => `http://hooks.akashi-demo.jp:${tcpPort}/hook`],
])("NOT-1: %s stored before the rules tightened is refused at send time, without a look-up", async (_label, url) => {
  const e = await endpointAt(url());
  const asked: string[] = [];
  const row = await emitAndDeliver(
    e.resellerId,
    productionRunner(async (host) => {
      asked.push(host);
      return [{ address: "127.0.0.1", family: 4 }];
    }),
  );
  expect(asked).toEqual([]);
  expect(connections).toBe(0);
  expect(row).toMatchObject({ attempts: 1, last_status_code: null, last_error: "DESTINATION_NOT_ALLOWED" });
});

test("NOT-1: failed attempts are recorded as coarse categories, never raw error text", async () => {
  const closed = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
  const cases: [string, () => void, string, number | null][] = [
    [`http://127.0.0.1:${closed}/hook`, () => {}, "CONNECTION_REFUSED", null],
    [receiver.url(), () => (receiver.script = ["hold"]), "TIMEOUT", null],
    [receiver.url().replace("http:", "https:"), () => {}, "TLS_ERROR", null],
    [`http://127.0.0.1:${tcpPort}/hook`, () => {}, "CONNECTION_RESET", null],
    [receiver.url(), () => (receiver.script = [302]), "HTTP_302", 302],
    [receiver.url(), () => (receiver.script = [418]), "HTTP_418", 418],
  ];
  for (const [url, arrange, error, code] of cases) {
    receiver.reset();
    arrange();
    const e = await endpointAt(url);
    const row = await emitAndDeliver(e.resellerId, t.jobs);
    receiver.releaseHeld(null);
    expect([url, row]).toEqual([url, { status: "PENDING", attempts: 1, last_status_code: code, last_error: error }]);
  }
  // And a success clears the category.
  receiver.reset();
  const ok = await endpointAt(receiver.url("/ok"));
  expect(await emitAndDeliver(ok.resellerId, t.jobs)).toEqual({
    status: "DELIVERED",
    attempts: 1,
    last_status_code: 200,
    last_error: null,
  });
});
