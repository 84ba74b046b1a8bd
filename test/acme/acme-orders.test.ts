import { X509Certificate } from "node:crypto";
import * as acme from "acme-client";
import { AcmeWorld, newAccount, obtain, startAcmeWorld } from "../support/acme-harness";
import { gqlOk } from "../support/lifecycle";
import { mutation } from "../governance/governance-support";

const DAY = 86_400_000;
const START = new Date("2026-11-21T03:00:00Z");
let w: AcmeWorld;

beforeAll(async () => {
  w = await startAcmeWorld({
    httpNames: ["ord.akashi-demo.jp", "used.akashi-demo.jp", "fresh.akashi-demo.jp"],
    now: START,
    env: { AKASHI_ACME_ORDERS_PER_HOUR: "5" },
  });
  await w.register(["ord.akashi-demo.jp", "*.wild.akashi-demo.jp"]);
});
afterAll(() => w.close());

async function refusedOrder(names: string[]): Promise<any> {
  const client = await newAccount(w);
  await expect(client.createOrder({ identifiers: names.map((value) => ({ type: "dns", value })) })).rejects.toThrow();
  return w.lastProblem()?.data;
}

test("ACME-4: an order for a name that is not a usage FQDN is refused (rejectedIdentifier, a subproblem per identifier)", async () => {
  const p = await refusedOrder(["ord.akashi-demo.jp", "nope.akashi-demo.jp"]);
  expect(p.type).toBe("urn:ietf:params:acme:error:rejectedIdentifier");
  expect(p.subproblems).toEqual([
    {
      type: "urn:ietf:params:acme:error:rejectedIdentifier",
      detail: expect.stringContaining("not a usage FQDN"),
      identifier: { type: "dns", value: "nope.akashi-demo.jp" },
    },
  ]);
});

test("ACME-4: http-01 cannot validate a wildcard; the wildcard usage FQDN covers only the wildcard", async () => {
  const client = await newAccount(w);
  const order = await client.createOrder({ identifiers: [{ type: "dns", value: "*.wild.akashi-demo.jp" }] });
  const [authz] = await client.getAuthorizations(order);
  expect(authz.challenges.map((c) => c.type)).toEqual(["dns-01"]);
  expect((await refusedOrder(["x.wild.akashi-demo.jp"])).type).toBe("urn:ietf:params:acme:error:rejectedIdentifier");
});

test("ACME-2: after its usage period the name is refused with rejectedIdentifier", async () => {
  await w.register(["short.akashi-demo.jp"]);
  const end = new Date("2027-11-30T14:59:59Z"); // VAL-2: 12 months from 2026-11-21, end of month JST
  const list = await gqlOk(
    w.t,
    w.reseller.key,
    `{ usageFqdns(first: 100) { edges { node { name periodEndsAt state } } } }`,
  );
  expect(list.usageFqdns.edges.map((e: any) => e.node).find((n: any) => n.name === "short.akashi-demo.jp")).toEqual({
    name: "short.akashi-demo.jp",
    periodEndsAt: end.toISOString(),
    state: "ACTIVE",
  });
  w.t.clock.set(new Date(end.getTime() + 1000));
  try {
    const p = await refusedOrder(["short.akashi-demo.jp"]);
    expect(p.type).toBe("urn:ietf:params:acme:error:rejectedIdentifier");
    expect(p.subproblems[0].detail).toContain("usage period of short.akashi-demo.jp ended");
  } finally {
    w.t.clock.set(START);
  }
});

test("ACME-4: notAfter is the earlier of the VAL-7 cap and the usage period's end", async () => {
  w.t.clock.set(new Date("2027-10-01T00:00:00Z"));
  try {
    const client = await newAccount(w);
    const { pem } = await obtain(w, client, ["ord.akashi-demo.jp"]);
    expect(new Date(new X509Certificate(pem).validTo).toISOString()).toBe("2027-11-30T14:59:59.000Z");
  } finally {
    w.t.clock.set(START);
  }
});

test("ACME-6: during a suspension a used usage FQDN keeps working, an unused one cannot start, registrations are refused", async () => {
  await w.register(["used.akashi-demo.jp", "fresh.akashi-demo.jp"]);
  const client = await newAccount(w);
  await obtain(w, client, ["used.akashi-demo.jp"]);
  const notice = await mutation(
    w.t,
    w.t.operatorKey,
    "issueCureNotice",
    "IssueCureNoticeInput",
    {
      resellerId: w.reseller.globalId,
      ground: "NO_RESPONSE",
      detail: "応答なし",
      deadline: new Date(START.getTime() + 30 * DAY).toISOString(),
    },
    "cureNotice { id }",
  );
  w.t.clock.set(new Date(START.getTime() + 31 * DAY));
  try {
    const s = await mutation(
      w.t,
      w.t.operatorKey,
      "suspendReseller",
      "SuspendResellerInput",
      { resellerId: w.reseller.globalId, cureNoticeId: notice.cureNotice.id, reason: "催告期限経過" },
      "suspension { id }",
    );
    expect(s.userErrors).toEqual([]);
    const again = await obtain(w, client, ["used.akashi-demo.jp"]);
    expect(again.order.status).toBe("valid");
    await expect(
      client.createOrder({ identifiers: [{ type: "dns", value: "fresh.akashi-demo.jp" }] }),
    ).rejects.toThrow();
    const p = w.lastProblem()?.data;
    expect(p.type).toBe("urn:ietf:params:acme:error:unauthorized");
    expect(p.subproblems[0]).toMatchObject({
      identifier: { type: "dns", value: "fresh.akashi-demo.jp" },
      detail: expect.stringContaining("ACME-6"),
    });
    const reg = await mutation(
      w.t,
      w.reseller.key,
      "registerUsageFqdns",
      "RegisterUsageFqdnsInput",
      { subscriberId: w.subscriberId, names: ["late.akashi-demo.jp"] },
      "usageFqdns { id }",
    );
    expect(reg.userErrors.map((e: any) => e.code)).toEqual(["RESELLER_SUSPENDED"]);
    await mutation(
      w.t,
      w.t.operatorKey,
      "liftSuspension",
      "LiftSuspensionInput",
      { suspensionId: s.suspension.id, reason: "是正" },
      "suspension { id }",
    );
  } finally {
    w.t.clock.set(START);
  }
});

test("ACME-8: new orders beyond the hourly limit are refused with rateLimited and Retry-After", async () => {
  const client = await newAccount(w);
  for (let i = 0; i < 5; i++) await client.createOrder({ identifiers: [{ type: "dns", value: "ord.akashi-demo.jp" }] });
  // acme-client itself waits for Retry-After and tries again; here it must give up at once to show the answer.
  const settings = (acme.axios.defaults as unknown as { acmeSettings: { retryMaxAttempts: number } }).acmeSettings;
  const saved = settings.retryMaxAttempts;
  settings.retryMaxAttempts = 0;
  try {
    await expect(client.createOrder({ identifiers: [{ type: "dns", value: "ord.akashi-demo.jp" }] })).rejects.toThrow();
  } finally {
    settings.retryMaxAttempts = saved;
  }
  const p = w.lastProblem();
  expect(p?.status).toBe(429);
  expect(p?.data.type).toBe("urn:ietf:params:acme:error:rateLimited");
  expect(Number(p?.headers["retry-after"])).toBeGreaterThan(3500);
});

test("ACME-5: no issuance notice through the reseller; the certificate.issued event is written; the certificate is a contract", async () => {
  const client = await newAccount(w);
  const { order } = await obtain(w, client, ["ord.akashi-demo.jp"]);
  const serial = order.certificate?.split("/").pop();
  const rows = await w.t.ds.query(
    `SELECT k.do_not_renew, k.term_months, a.kind, (SELECT count(*)::int FROM notice n WHERE n.contract_id = k.id) AS notices,
       (SELECT count(*)::int FROM event e WHERE e.type = 'certificate.issued' AND e.subject_id = encode(convert_to('Certificate:' || c.id, 'UTF8'), 'base64')) AS x
     FROM certificate c JOIN contract k ON k.id = c.contract_id JOIN application a ON a.id = c.application_id WHERE c.id = $1`,
    [serial],
  );
  expect(rows[0]).toMatchObject({ do_not_renew: true, term_months: null, kind: "ACME", notices: 0 });
  const events = await gqlOk(w.t, w.reseller.key, `{ events(first: 100) { edges { node { type data } } } }`);
  expect(
    events.events.edges
      .map((e: any) => e.node)
      .filter((e: any) => e.type === "CERTIFICATE_ISSUED" && e.data.acmeOrderId),
  ).not.toHaveLength(0);
});
