import request from "supertest";
import {
  CONSENTS,
  DcvWebServer,
  createSubscriber,
  csrFor,
  gqlOk,
  issueCertificate,
  productIds,
  reviewAndApprove,
  submitApplication,
} from "../support/lifecycle";
import { DUPLICATE_CERTIFICATE_SQL } from "../../api/src/certificates";
import { fromGlobalId } from "../../api/src/ids";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";

/** Guards against doing a thing twice or through a side door: renewals, duplicates, withdrawals, suspension, body sizes. */
const START = new Date("2026-11-21T03:00:00Z");
const NAMES = ["g1.akashi-demo.jp", "g2.akashi-demo.jp", "g3.akashi-demo.jp", "g4.akashi-demo.jp"];
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let r: { id: string; globalId: string; key: string };
let products: Record<string, string>;
let subscriberId: string;

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({ now: START, env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) } });
  r = await t.createReseller("guards");
  products = await productIds(t);
  subscriberId = await createSubscriber(t, r.key);
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

beforeEach(() => t.clock.set(START));

const renew = (contractId: string, names: string[]) =>
  gqlOk(
    t,
    r.key,
    `mutation($input: SubmitRenewalInput!) { submitRenewal(input: $input) { application { id domainValidations { name method token status } } userErrors { code } } }`,
    {
      input: { contractId, termMonths: 12, csr: csrFor(dir, names), consents: CONSENTS },
    },
  ).then((d) => d.submitRenewal);

test("VAL-5, CON-1: a contract is renewed once; a second renewal is refused", async () => {
  const first = await issueCertificate(t, dcv, dir, r.key, subscriberId, products.DV, ["g1.akashi-demo.jp"]);
  t.clock.set(new Date("2027-08-31T15:00:00Z"));
  const renewal = await renew(first.contract.id, ["g1.akashi-demo.jp"]);
  expect(renewal.userErrors).toEqual([]);
  await reviewAndApprove(t, dcv, r.key, renewal.application);
  expect((await renew(first.contract.id, ["g1.akashi-demo.jp"])).userErrors).toEqual([{ code: "RENEWAL_NOT_ALLOWED" }]);
  const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM contract WHERE renewed_from_id = $1`, [
    Buffer.from(first.contract.id, "base64url").toString().split(":")[1],
  ]);
  expect(n).toBe(1);
});

test("APP-4: two open applications for the same names: the second approval is refused with DUPLICATE_CERTIFICATE", async () => {
  const a = await submitApplication(t, r.key, {
    subscriberId,
    productId: products.DV,
    termMonths: 12,
    names: ["g2.akashi-demo.jp"],
    csr: csrFor(dir, ["g2.akashi-demo.jp"]),
  });
  const b = await submitApplication(t, r.key, {
    subscriberId,
    productId: products.DV,
    termMonths: 12,
    names: ["g2.akashi-demo.jp"],
    csr: csrFor(dir, ["g2.akashi-demo.jp"]),
  });
  expect([a.userErrors, b.userErrors]).toEqual([[], []]);
  await reviewAndApprove(t, dcv, r.key, a.application);
  await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { startReview(input: { applicationId: $id }) { userErrors { code } } }`,
    { id: b.application.id },
  );
  const second = await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { approveApplication(input: { applicationId: $id }) { certificate { id } userErrors { code } } }`,
    { id: b.application.id },
  );
  expect(second.approveApplication).toEqual({ certificate: null, userErrors: [{ code: "DUPLICATE_CERTIFICATE" }] });
});

test("APP-4: the duplicate look-up finds certificates by their names, not by walking the subscriber's contracts", async () => {
  // Sequential scans off, so the plan shows which index each side is reached through. The old query was led
  // by the subscriber's contracts (contract_product) and grew with their number.
  const plan = await t.ds.transaction(async (tx) => {
    await tx.query(`SET LOCAL enable_seqscan = off`);
    const rows: Array<{ "QUERY PLAN": unknown }> = await tx.query(
      `EXPLAIN (FORMAT JSON) ${DUPLICATE_CERTIFICATE_SQL}`,
      [fromGlobalId(subscriberId)?.id, fromGlobalId(products.DV)?.id, START, ["g9.akashi-demo.jp"]],
    );
    return JSON.stringify(rows[0]["QUERY PLAN"]);
  });
  const indexes = [...plan.matchAll(/"Index Name":\s*"([^"]+)"/g)].map((m) => m[1]).sort();
  expect(indexes).toEqual(["certificate_names", "contract_pkey"]);
});

test("REV-2, VAL-4: a reseller cannot withdraw what the operator or a reissue scheduled", async () => {
  const issued = await issueCertificate(t, dcv, dir, r.key, subscriberId, products.DV, ["g3.akashi-demo.jp"]);
  const scheduled = await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { requestRevocation(input: { certificateId: $id, reason: CESSATION_OF_OPERATION, atEndOfMonth: true }) { revocation { id } userErrors { code } } }`,
    { id: issued.certificate.id },
  );
  const withdraw = (key: string) =>
    gqlOk(
      t,
      key,
      `mutation($id: ID!) { withdrawRevocation(input: { revocationId: $id }) { revocation { status } userErrors { code } } }`,
      { id: scheduled.requestRevocation.revocation.id },
    ).then((d) => d.withdrawRevocation);
  expect(await withdraw(r.key)).toEqual({ revocation: null, userErrors: [{ code: "REVOCATION_NOT_WITHDRAWABLE" }] });
  expect(await withdraw(t.operatorKey)).toEqual({ revocation: { status: "WITHDRAWN" }, userErrors: [] });
});

test("RES-8: a suspended reseller gets no reissue and no replacement either", async () => {
  const issued = await issueCertificate(t, dcv, dir, r.key, subscriberId, products.DV, ["g4.akashi-demo.jp"]);
  await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { suspendImmediately(input: { resellerId: $id, reason: "test" }) { userErrors { code } } }`,
    { id: r.globalId },
  );
  const key = (
    await t.services.apiKeys.create(
      { caller: { kind: "SYSTEM", label: "test" }, requestId: null },
      { resellerId: r.id, name: "after suspension" },
    )
  ).key;
  for (const [mutation, type] of [
    ["submitReissue", "SubmitReissueInput"],
    ["submitReplacement", "SubmitReplacementInput"],
  ]) {
    const res = await gqlOk(
      t,
      key,
      `mutation($input: ${type}!) { ${mutation}(input: $input) { application { id } userErrors { code } } }`,
      {
        input: { contractId: issued.contract.id, csr: csrFor(dir, ["g4.akashi-demo.jp"]), consents: CONSENTS },
      },
    );
    expect(res[mutation]).toEqual({ application: null, userErrors: [{ code: "RESELLER_SUSPENDED" }] });
  }
  // RES-9: the reseller cannot mint itself a key while suspended for a credential breach.
  const own = await gqlOk(t, key, `mutation { createApiKey(input: { name: "mine" }) { key userErrors { code } } }`);
  expect(own.createApiKey).toEqual({ key: null, userErrors: [{ code: "RESELLER_SUSPENDED" }] });
});

test("anonymous requests may not send large bodies: the key is checked before the body is read", async () => {
  const big = JSON.stringify({
    query: `{ products { edges { node { id } } } }`,
    variables: { pad: "x".repeat(200_000) },
  });
  const anonymous = await request(t.app).post("/graphql").set("Content-Type", "application/json").send(big);
  expect(anonymous.status).toBe(413);
  const badKey = await request(t.app)
    .post("/graphql")
    .set("Authorization", "Bearer nope")
    .set("Content-Type", "application/json")
    .send(big);
  expect(badKey.status).toBe(401);
  expect(badKey.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
  const keyed = await request(t.app)
    .post("/graphql")
    .set("Authorization", `Bearer ${t.operatorKey}`)
    .set("Content-Type", "application/json")
    .send(big);
  expect(keyed.status).toBe(200);
});
