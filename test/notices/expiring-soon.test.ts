import { fromGlobalId } from "../../api/src/ids";
import { TempDir } from "../support/openssl";
import { DcvWebServer, createSubscriber, gqlOk, issueCertificate, productIds } from "../support/lifecycle";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * What ends soon: contracts and current certificates ending within N days, soonest first, paged by
 * a computed key (RES-3: a reseller sees its own). E-mail is off here: issuance works without SMTP.
 */
const NAMES = ["a1.akashi-demo.jp", "a2.akashi-demo.jp", "a3.akashi-demo.jp", "b1.akashi-demo.jp"];
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let a: { id: string; key: string };
let b: { id: string; key: string };
const contracts: Record<string, string> = {};
let cancelEffective: string;

const QUERY = `query($days: Int!, $first: Int, $after: String) { expiringSoon(withinDays: $days, first: $first, after: $after) {
  edges { cursor what endsAt node { id } certificate { names notAfter } } pageInfo { hasNextPage endCursor } } }`;

type Item = [string, string, string];

async function page(key: string | null, days: number, first = 100, after: string | null = null): Promise<any> {
  return (await gqlOk(t, key, QUERY, { days, first, after })).expiringSoon;
}

function items(conn: any): Item[] {
  const name = Object.fromEntries(Object.entries(contracts).map(([n, id]) => [id, n]));
  return conn.edges.map((e: any) => [e.what, name[e.node.id], e.endsAt]);
}

async function allPages(key: string, days: number, first: number): Promise<Item[]> {
  const out: Item[] = [];
  let after: string | null = null;
  for (let i = 0; i < 20; i++) {
    const p = await page(key, days, first, after);
    out.push(...items(p));
    if (!p.pageInfo.hasNextPage) return out;
    after = p.pageInfo.endCursor;
  }
  throw new Error("pagination did not end");
}

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({
    now: new Date("2026-11-21T03:00:00Z"),
    env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) },
  });
  a = await t.createReseller("expiring-a");
  b = await t.createReseller("expiring-b");
  const products = await productIds(t);
  const sa = await createSubscriber(t, a.key);
  const sb = await createSubscriber(t, b.key);
  // Certificates run 199 days (VAL-7); the 12-month terms end 2027-11-30, the 24-month one 2028-11-30.
  contracts.a1 = (await issueCertificate(t, dcv, dir, a.key, sa, products.DV, ["a1.akashi-demo.jp"])).contract.id;
  t.clock.set(new Date("2026-11-22T03:00:00Z"));
  contracts.a2 = (await issueCertificate(t, dcv, dir, a.key, sa, products.DV, ["a2.akashi-demo.jp"])).contract.id;
  contracts.b1 = (await issueCertificate(t, dcv, dir, b.key, sb, products.DV, ["b1.akashi-demo.jp"])).contract.id;
  t.clock.set(new Date("2026-11-23T03:00:00Z"));
  contracts.a3 = (await issueCertificate(t, dcv, dir, a.key, sa, products.DV, ["a3.akashi-demo.jp"], 24)).contract.id;
  // CON-2: a cancellation takes effect 30 days after the notice at the earliest.
  const cancelled = await gqlOk(
    t,
    a.key,
    `mutation($id: ID!) { cancelContract(input: { contractId: $id }) { contract { cancellationEffectiveAt } userErrors { code } } }`,
    { id: contracts.a3 },
  );
  expect(cancelled.cancelContract.userErrors).toEqual([]);
  cancelEffective = cancelled.cancelContract.contract.cancellationEffectiveAt;
  // 2026-12-10 12:00 JST: 365 days reach past the 12-month terms' end, and the cancellation is still ahead.
  t.clock.set(new Date("2026-12-10T03:00:00Z"));
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

/** a1 and a2 share their term end: the tie is broken by contract id. */
function byContractId(x: string, y: string): [string, string] {
  return fromGlobalId(contracts[x])!.id < fromGlobalId(contracts[y])!.id ? [x, y] : [y, x];
}

test("expiring soon: a reseller's contracts and certificates ending within N days, soonest first, ties by contract", async () => {
  const [first, second] = byContractId("a1", "a2");
  const expected: Item[] = [
    ["CONTRACT", "a3", cancelEffective],
    ["CERTIFICATE", "a1", "2027-06-08T03:00:00.000Z"],
    ["CERTIFICATE", "a2", "2027-06-09T03:00:00.000Z"],
    ["CERTIFICATE", "a3", "2027-06-10T03:00:00.000Z"],
    ["CONTRACT", first, "2027-11-30T14:59:59.000Z"],
    ["CONTRACT", second, "2027-11-30T14:59:59.000Z"],
  ];
  expect(items(await page(a.key, 365))).toEqual(expected);
  expect(cancelEffective > "2026-12-23T00:00:00.000Z" && cancelEffective < "2027-01-01T00:00:00.000Z").toBe(true);
  // Now is 2026-12-10 12:00 JST: 180 days reach a1's notAfter exactly, 179 days do not.
  expect(items(await page(a.key, 180))).toEqual(expected.slice(0, 2));
  expect(items(await page(a.key, 179))).toEqual(expected.slice(0, 1));
  const certEdge = (await page(a.key, 180)).edges[1];
  expect(certEdge.certificate).toEqual({ names: ["a1.akashi-demo.jp"], notAfter: "2027-06-08T03:00:00.000Z" });
});

test("expiring soon: keyset pages of any size give the same list, across the tie on the computed key", async () => {
  const whole = items(await page(a.key, 365));
  for (const size of [1, 2, 4, 5]) expect(await allPages(a.key, 365, size)).toEqual(whole);
});

test("RES-3: expiring soon shows a reseller only its own; the operator sees every reseller's", async () => {
  expect(items(await page(b.key, 365))).toEqual([
    ["CERTIFICATE", "b1", "2027-06-09T03:00:00.000Z"],
    ["CONTRACT", "b1", "2027-11-30T14:59:59.000Z"],
  ]);
  const all = items(await page(t.operatorKey, 365));
  expect(all).toHaveLength(8);
  expect(all.filter(([, n]) => n === "b1")).toHaveLength(2);
  // A cursor from A's list leaks nothing to B: B's page after it holds only B's items.
  const aFirst = await page(a.key, 365, 1);
  expect(items(await page(b.key, 365, 100, aFirst.pageInfo.endCursor)).every(([, n]) => n === "b1")).toBe(true);
  const anon = await t.gql(null, QUERY, { days: 30 });
  expect(anon.errors?.[0].extensions?.code).toBe("FORBIDDEN");
});

test("expiring soon: withinDays outside 1-365 and foreign cursors are refused", async () => {
  for (const days of [0, 366]) {
    const r = await t.gql(a.key, QUERY, { days });
    expect(r.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  }
  const bad = await t.gql(a.key, QUERY, { days: 30, after: "Yzo0" });
  expect(bad.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
});

test("REV-6: after a revocation neither the certificate nor its contract (ended by it) is listed as ending", async () => {
  const r = await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { revokeList: requestRevocation(input: { certificateId: $id, reason: KEY_COMPROMISE }) { userErrors { code } } }`,
    {
      id: (
        await gqlOk(
          t,
          t.operatorKey,
          `query($id: ID!) { node(id: $id) { ... on Contract { currentCertificate { id } } } }`,
          { id: contracts.a1 },
        )
      ).node.currentCertificate.id,
    },
  );
  expect(r.revokeList.userErrors).toEqual([]);
  expect(items(await page(a.key, 365)).filter(([, n]) => n === "a1")).toEqual([]);
  expect(
    items(await page(a.key, 365))
      .map(([, n]) => n)
      .sort(),
  ).toEqual(["a2", "a2", "a3", "a3"]);
});
