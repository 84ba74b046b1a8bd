import { createSubscriber, gqlOk } from "../support/lifecycle";
import { TestApp, startTestApp } from "../support/test-app";
import { mutation } from "../governance/governance-support";

const START = new Date("2026-11-21T03:00:00Z");
let t: TestApp;
let a: { id: string; globalId: string; key: string };
let b: { id: string; globalId: string; key: string };
let subA: string;

async function enableAcme(r: { key: string; globalId: string }): Promise<void> {
  await gqlOk(t, r.key, `mutation { applyForAcme(input: { note: "ACME" }) { userErrors { code } } }`);
  await gqlOk(t, t.operatorKey, `mutation($r: ID!) { enableAcme(input: { resellerId: $r }) { userErrors { code } } }`, {
    r: r.globalId,
  });
}
const register = (key: string, names: string[], extra: Record<string, unknown> = {}) =>
  mutation(
    t,
    key,
    "registerUsageFqdns",
    "RegisterUsageFqdnsInput",
    { subscriberId: subA, names, ...extra },
    "usageFqdns { id name periodEndsAt state periods { kind startsAt endsAt charge { kind amountYen taxYen } } }",
  );
const parallel = <T>(n: number, f: () => Promise<T>) => Promise.all(Array.from({ length: n }, f));

beforeAll(async () => {
  t = await startTestApp({ now: START });
  a = await t.createReseller("acme-gql-a");
  b = await t.createReseller("acme-gql-b");
  subA = await createSubscriber(t, a.key);
});
afterAll(() => t.close());

test("ACME-1: a reseller without an approved ACME-variant application is refused every ACME mutation", async () => {
  expect((await register(a.key, ["pre.akashi-demo.jp"])).userErrors.map((e: any) => e.code)).toEqual([
    "ACME_NOT_ENABLED",
  ]);
  const eab = await mutation(
    t,
    a.key,
    "createAcmeEabCredential",
    "CreateAcmeEabCredentialInput",
    { subscriberId: subA },
    "hmacKey",
  );
  expect(eab.userErrors.map((e: any) => e.code)).toEqual(["ACME_NOT_ENABLED"]);
  await enableAcme(a);
  await enableAcme(b);
});

test("ACME-2: a registration is charged the 12-month DV price with tax (CON-8), for a period to the end of the month 12 months on", async () => {
  const r = await register(a.key, ["shop.akashi-demo.jp", "*.shop.akashi-demo.jp"]);
  expect(r.userErrors).toEqual([]);
  expect(r.usageFqdns[0]).toEqual({
    id: expect.any(String),
    name: "shop.akashi-demo.jp",
    periodEndsAt: "2027-11-30T14:59:59.000Z",
    state: "ACTIVE",
    periods: [
      {
        kind: "REGISTRATION",
        startsAt: START.toISOString(),
        endsAt: "2027-11-30T14:59:59.000Z",
        charge: { kind: "ACME_REGISTRATION", amountYen: 12000, taxYen: 1200 },
      },
    ],
  });
  const events = await gqlOk(t, a.key, `{ events(first: 100) { edges { node { type data } } } }`);
  expect(
    events.events.edges.filter((e: any) => e.node.type === "USAGE_FQDN_REGISTERED").map((e: any) => e.node.data.name),
  ).toEqual(["shop.akashi-demo.jp", "*.shop.akashi-demo.jp"]);
});

test("ACME-2: a continuation adds 12 months and is charged; one continuation ahead at a time, even with 20 calls at once", async () => {
  const id = (await register(a.key, ["cont.akashi-demo.jp"])).usageFqdns[0].id;
  const results = await parallel(20, () =>
    mutation(t, a.key, "continueUsageFqdn", "UsageFqdnIdInput", { usageFqdnId: id }, "usageFqdn { id periodEndsAt }"),
  );
  const ok = results.filter((r) => r.userErrors.length === 0);
  expect(ok).toHaveLength(1);
  expect(ok[0].usageFqdn.periodEndsAt).toBe("2028-11-30T14:59:59.000Z");
  expect(new Set(results.filter((r) => r.userErrors.length).map((r) => r.userErrors[0].code))).toEqual(
    new Set(["USAGE_FQDN_ALREADY_CONTINUED"]),
  );
  const charges = await t.ds.query(
    `SELECT count(*)::int AS n FROM charge WHERE kind = 'ACME_CONTINUATION' AND description LIKE '%cont.akashi-demo.jp%'`,
  );
  expect(charges[0].n).toBe(1);
});

test("ACME-2: 20 registrations of the same name at once register it once; with one idempotency key all get the same answer", async () => {
  const plain = await parallel(20, () => register(a.key, ["race.akashi-demo.jp"]));
  expect(plain.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
  expect(new Set(plain.flatMap((r) => r.userErrors.map((e: any) => e.code)))).toEqual(new Set(["USAGE_FQDN_TAKEN"]));
  const keyed = await parallel(20, () => register(a.key, ["keyed.akashi-demo.jp"], { idempotencyKey: "reg-1" }));
  expect(keyed.every((r) => r.userErrors.length === 0)).toBe(true);
  expect(new Set(keyed.map((r) => r.usageFqdns[0].id)).size).toBe(1);
  const charges = await t.ds.query(
    `SELECT count(*)::int AS n FROM charge WHERE description LIKE '%keyed.akashi-demo.jp%'`,
  );
  expect(charges[0].n).toBe(1);
});

test("ACME-2: ending a usage FQDN (20 times at once) ends it once; no refund; the name can be registered again", async () => {
  const id = (await register(a.key, ["end.akashi-demo.jp"])).usageFqdns[0].id;
  const results = await parallel(20, () =>
    mutation(
      t,
      a.key,
      "endUsageFqdn",
      "EndUsageFqdnInput",
      { usageFqdnId: id, reason: "解約" },
      "usageFqdn { state endedAt endReason }",
    ),
  );
  expect(
    results.every(
      (r) =>
        r.userErrors.length === 0 && r.usageFqdn.state === "ENDED" && r.usageFqdn.endReason === "ENDED_BY_RESELLER",
    ),
  ).toBe(true);
  const audit = await t.ds.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'acme.usageFqdn.end'`);
  expect(audit[0].n).toBe(1);
  expect((await register(a.key, ["end.akashi-demo.jp"])).userErrors).toEqual([]);
});

test("ACME-3: EAB credentials: the HMAC key is shown once (an idempotent retry gets the same), revoked once under 20 calls", async () => {
  const input = { subscriberId: subA, label: "shop server", idempotencyKey: "eab-1" };
  const first = await mutation(
    t,
    a.key,
    "createAcmeEabCredential",
    "CreateAcmeEabCredentialInput",
    input,
    "eabCredential { id keyId status expiresAt } hmacKey directoryUrl",
  );
  expect(first).toMatchObject({
    eabCredential: { status: "UNUSED", expiresAt: new Date(START.getTime() + 30 * 86_400_000).toISOString() },
    hmacKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    directoryUrl: "http://akashi.test/acme/directory",
  });
  const retry = await mutation(
    t,
    a.key,
    "createAcmeEabCredential",
    "CreateAcmeEabCredentialInput",
    input,
    "eabCredential { id } hmacKey",
  );
  expect(retry).toEqual({ eabCredential: { id: first.eabCredential.id }, hmacKey: first.hmacKey, userErrors: [] });
  const results = await parallel(20, () =>
    mutation(
      t,
      a.key,
      "revokeAcmeEabCredential",
      "RevokeAcmeEabCredentialInput",
      { eabCredentialId: first.eabCredential.id },
      "eabCredential { status }",
    ),
  );
  expect(results.every((r) => r.eabCredential?.status === "REVOKED")).toBe(true);
  expect((await t.ds.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'acme.eab.revoke'`))[0].n).toBe(
    1,
  );
  const tooLong = await mutation(
    t,
    a.key,
    "createAcmeEabCredential",
    "CreateAcmeEabCredentialInput",
    { subscriberId: subA, expiresAt: new Date(START.getTime() + 400 * 86_400_000).toISOString() },
    "hmacKey",
  );
  expect(tooLong.userErrors.map((e: any) => e.code)).toEqual(["EAB_CREDENTIAL_EXPIRY_INVALID"]);
});

test("RES-3: another reseller sees none of it; the operator sees all", async () => {
  const q = `{ usageFqdns(first: 100) { edges { node { id name } } } acmeEabCredentials(first: 100) { edges { node { id } } } acmeAccounts(first: 100) { edges { node { id } } } }`;
  const seenByB = await gqlOk(t, b.key, q);
  expect(seenByB).toEqual({
    usageFqdns: { edges: [] },
    acmeEabCredentials: { edges: [] },
    acmeAccounts: { edges: [] },
  });
  const seenByOperator = await gqlOk(t, t.operatorKey, q);
  expect(seenByOperator.usageFqdns.edges.length).toBeGreaterThan(3);
  const one = seenByOperator.usageFqdns.edges[0].node.id;
  expect((await gqlOk(t, b.key, `query($id: ID!) { node(id: $id) { id } }`, { id: one })).node).toBeNull();
  const cont = await mutation(
    t,
    b.key,
    "continueUsageFqdn",
    "UsageFqdnIdInput",
    { usageFqdnId: one },
    "usageFqdn { id }",
  );
  expect(cont.userErrors.map((e: any) => e.code)).toEqual(["NOT_FOUND"]);
});
