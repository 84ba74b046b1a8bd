import { DcvWebServer, createSubscriber, gqlOk, issueCertificate, productIds } from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";

/** NOT-1: every state change a reseller cares about reaches its change feed (and so its webhooks), once, in order. */
const NAMES = ["ev1.akashi-demo.jp", "ev2.akashi-demo.jp", "ev3.akashi-demo.jp"];
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({
    now: new Date("2026-11-21T03:00:00Z"),
    env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) },
  });
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

async function feed(key: string): Promise<string[]> {
  const types: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = await gqlOk(
      t,
      key,
      `query($after: String) { events(first: 3, after: $after) { edges { node { type } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    types.push(...page.events.edges.map((e: any) => e.node.type));
    if (!page.events.pageInfo.hasNextPage) return types;
    after = page.events.pageInfo.endCursor;
  }
}

test("NOT-1: seal, scheduled/withdrawn/executed revocation, contract end and cancellation, renewal due and maintenance all appear in the feed", async () => {
  const r = await t.createReseller("events-all");
  const other = await t.createReseller("events-other");
  const products = await productIds(t);
  const subscriberId = await createSubscriber(t, r.key);
  const first = await issueCertificate(t, dcv, dir, r.key, subscriberId, products.DV, ["ev1.akashi-demo.jp"]);
  const second = await issueCertificate(t, dcv, dir, r.key, subscriberId, products.DV, ["ev2.akashi-demo.jp"]);
  await gqlOk(t, r.key, `mutation($id: ID!) { createSeal(input: { contractId: $id }) { userErrors { code } } }`, {
    id: first.contract.id,
  });
  const scheduled = await gqlOk(
    t,
    r.key,
    `mutation($id: ID!) { requestRevocation(input: { certificateId: $id, reason: CESSATION_OF_OPERATION, atEndOfMonth: true }) { revocation { id } } }`,
    { id: first.certificate.id },
  );
  await gqlOk(
    t,
    r.key,
    `mutation($id: ID!) { withdrawRevocation(input: { revocationId: $id }) { userErrors { code } } }`,
    { id: scheduled.requestRevocation.revocation.id },
  );
  await gqlOk(
    t,
    r.key,
    `mutation($id: ID!) { requestRevocation(input: { certificateId: $id, reason: KEY_COMPROMISE }) { userErrors { code } } }`,
    { id: first.certificate.id },
  );
  await gqlOk(t, r.key, `mutation($id: ID!) { cancelContract(input: { contractId: $id }) { userErrors { code } } }`, {
    id: second.contract.id,
  });
  await gqlOk(
    t,
    t.operatorKey,
    `mutation { announceMaintenance(input: { title: "証明書発行システムの保守", body: "発行を一時停止します。", startsAt: "2026-12-05T15:00:00Z", endsAt: "2026-12-05T18:00:00Z" }) { userErrors { code } } }`,
  );
  // The renewal window of the second contract (term end 2027-11-30) opens 2027-09-01; by then it was cancelled, so no renewal notice for it.
  const third = await issueCertificate(t, dcv, dir, r.key, subscriberId, products.DV, ["ev3.akashi-demo.jp"]);
  await t.jobs.scheduleRecurring();
  t.clock.set(new Date("2027-09-01T15:00:00Z"));
  await t.jobs.runDue();
  void third;

  const types = await feed(r.key);
  const afterIssuance = types.filter(
    (x) => !["APPLICATION_SUBMITTED", "APPLICATION_APPROVED", "CERTIFICATE_ISSUED"].includes(x),
  );
  expect(afterIssuance).toEqual([
    "SEAL_CREATED",
    "REVOCATION_SCHEDULED",
    "REVOCATION_WITHDRAWN",
    "CONTRACT_ENDED",
    "REVOCATION_EXECUTED",
    "CONTRACT_CANCELLED",
    "MAINTENANCE_ANNOUNCED",
    "CONTRACT_ENDED",
    "RENEWAL_DUE",
  ]);
  expect(types.filter((x) => x === "CERTIFICATE_ISSUED")).toHaveLength(3);
  // RES-3: the other reseller sees only the operator-wide announcement.
  expect(await feed(other.key)).toEqual(["MAINTENANCE_ANNOUNCED"]);
});
