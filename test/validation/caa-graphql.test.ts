import { Client } from "pg";
import { LAST_SEQ_SQL } from "../../api/src/applications/caa-checks";
import { idOfType } from "../../api/src/ids";
import {
  CONSENTS,
  DcvWebServer,
  createSubscriber,
  csrFor,
  gqlOk,
  productIds,
  submitApplication,
} from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";

const NAMES = ["caa-a.akashi-demo.jp", "caa-b.akashi-demo.jp", "caa-c.akashi-demo.jp"];
const HOUR = 3_600_000;
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let reseller: { key: string };
let subscriberId: string;
let productId: string;

const VALIDATIONS = `domainValidations { name status failure { cause message httpStatus dnsResponseCode } caa { status method relevantName records checkedAt failure { cause dnsResponseCode queryName } } }`;

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({
    env: {
      AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES),
      AKASHI_CAA_ISSUER_DOMAINS: "ca.akashi-demo.jp,ca2.akashi-demo.jp",
    },
  });
  reseller = await t.createReseller("caa-gql");
  subscriberId = await createSubscriber(t, reseller.key);
  productId = (await productIds(t)).DV;
});
afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

async function submitted(name: string): Promise<any> {
  const s = await submitApplication(t, reseller.key, {
    subscriberId,
    productId,
    termMonths: 12,
    names: [name],
    csr: csrFor(dir, [name]),
    consents: CONSENTS,
  });
  await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { startReview(input: { applicationId: $id }) { userErrors { code } } }`,
    { id: s.application.id },
  );
  return s.application;
}
const check = async (id: string) =>
  (
    await gqlOk(
      t,
      reseller.key,
      `mutation($id: ID!) { checkDomainControl(input: { applicationId: $id }) { ${VALIDATIONS} userErrors { code } } }`,
      { id },
    )
  ).checkDomainControl;
const approve = async (id: string) =>
  (
    await gqlOk(
      t,
      t.operatorKey,
      `mutation($id: ID!) { approveApplication(input: { applicationId: $id }) { certificate { id } userErrors { code message } } }`,
      { id },
    )
  ).approveApplication;

test("APP-9: a failed domain-control check says why in GraphQL (HTTP_STATUS 404), not just FAILED", async () => {
  const app = await submitted("caa-a.akashi-demo.jp");
  const r = await check(app.id);
  expect(r.domainValidations[0]).toMatchObject({
    status: "FAILED",
    failure: { cause: "HTTP_STATUS", httpStatus: 404 },
  });
  expect(r.domainValidations[0].caa).toMatchObject({
    status: "PERMITTED",
    method: "ca-http-file",
    relevantName: null,
    failure: null,
  });
});

test("APP-11: on the GraphQL path a CAA record set naming another CA refuses approval; fixed, approval looks CAA up again and issues", async () => {
  const app = await submitted("caa-b.akashi-demo.jp");
  dcv.publish(app.domainValidations);
  t.dns.setCaa("caa-b.akashi-demo.jp", [{ flags: 0, tag: "issue", value: "other-ca.example.com" }]);
  const r = await check(app.id);
  expect(r.domainValidations[0]).toMatchObject({
    status: "VALID",
    failure: null,
    caa: {
      status: "REFUSED",
      relevantName: "caa-b.akashi-demo.jp",
      records: ['0 issue "other-ca.example.com"'],
      failure: { cause: "CAA_ISSUER_NOT_AUTHORIZED", queryName: "caa-b.akashi-demo.jp" },
    },
  });
  const refused = await approve(app.id);
  expect(refused.userErrors.map((e: any) => e.code)).toEqual(["CAA_NOT_PERMITTED"]);
  t.dns.setCaa("caa-b.akashi-demo.jp", [{ flags: 0, tag: "issue", value: "ca2.akashi-demo.jp" }]);
  const issued = await approve(app.id);
  expect(issued.userErrors).toEqual([]);
  expect(issued.certificate.id).toBeTruthy();
});

test("APP-11 Decision: a CAA result older than 8 hours is not used: approval looks it up again (and a SERVFAIL then blocks it)", async () => {
  const app = await submitted("caa-c.akashi-demo.jp");
  dcv.publish(app.domainValidations);
  expect((await check(app.id)).domainValidations[0].caa.status).toBe("PERMITTED");
  t.clock.advance(9 * HOUR);
  t.dns.fail("caa-c.akashi-demo.jp", 2);
  try {
    const refused = await approve(app.id);
    expect(refused.userErrors).toEqual([
      expect.objectContaining({ code: "CAA_NOT_PERMITTED", message: expect.stringContaining("SERVFAIL") }),
    ]);
  } finally {
    t.dns.fail("caa-c.akashi-demo.jp", null);
  }
  expect((await approve(app.id)).userErrors).toEqual([]);
});

test("issue 11: where a round of CAA look-ups starts from is read from its names' own rows, not from every CAA result ever recorded", async () => {
  const owner = new Client({ connectionString: t.ownerUrl });
  await owner.connect();
  const subscriber = idOfType(subscriberId, "Subscriber");
  try {
    // 20,000 results of other names, as a service that has run for a while holds.
    await owner.query(
      `INSERT INTO caa_check (subscriber_id, name, method, status, checked_at, evidence)
       SELECT $1, 'bulk-' || g || '.akashi-demo.jp', 'dns-01', 'PERMITTED', now(), '{}'::jsonb FROM generate_series(1, 20000) g`,
      [subscriber],
    );
    await owner.query(`ANALYZE caa_check`);
    const plan = JSON.stringify(
      (await owner.query(`EXPLAIN (FORMAT JSON) ${LAST_SEQ_SQL}`, [subscriber, [NAMES[0]], null])).rows,
    );
    expect(plan).toContain('"Index Name":"caa_check_name"');
    expect(plan).not.toContain("Seq Scan");
    // And it names the newest record of those names: a round recorded after it is seen by `record`.
    const [{ seq }] = (
      await owner.query<{ seq: string | null }>(LAST_SEQ_SQL, [subscriber, ["bulk-7.akashi-demo.jp"], null])
    ).rows;
    const [{ newest }] = (
      await owner.query<{ newest: string }>(
        `SELECT seq::text AS newest FROM caa_check WHERE name = 'bulk-7.akashi-demo.jp'`,
      )
    ).rows;
    expect(seq).toBe(newest);
  } finally {
    await owner.query(`DELETE FROM caa_check WHERE name LIKE 'bulk-%'`);
    await owner.end();
  }
});
