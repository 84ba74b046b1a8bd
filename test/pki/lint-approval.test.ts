import * as certificateLint from "../../api/src/pki/lint/certificate-lint";
import { Certificate } from "../../api/src/certificates/certificate.entity";
import { Contract } from "../../api/src/contracts/contract.entity";
import { LintError } from "../../api/src/pki/lint";
import { TempDir } from "../support/openssl";
import { DcvWebServer, createSubscriber, csrFor, gqlOk, productIds, submitApplication } from "../support/lifecycle";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * Issue 15.6 in the approval flow: when the linter refuses the TBS, nothing is signed, the approval's
 * transaction rolls back (no contract, no certificate, the application still under review) and
 * the operator gets an internal error (the server log carries the LintError with every failed check).
 */
const NAMES = ["lint.akashi-demo.jp"];
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({
    now: new Date("2026-12-01T03:00:00Z"),
    env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) },
  });
});
afterAll(async () => {
  jest.restoreAllMocks();
  await t.close();
  await dcv.close();
  dir.remove();
});

test("issue 15.6: a certificate the linter refuses rolls the approval back; nothing is issued; once fixed the same application issues", async () => {
  const reseller = await t.createReseller("lint");
  const products = await productIds(t);
  const subscriberId = await createSubscriber(t, reseller.key);
  const submitted = await submitApplication(t, reseller.key, {
    subscriberId,
    productId: products.DV,
    termMonths: 12,
    names: NAMES,
    csr: csrFor(dir, NAMES),
  });
  expect(submitted.userErrors).toEqual([]);
  const app = submitted.application;
  await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { startReview(input: { applicationId: $id }) { userErrors { code } } }`,
    { id: app.id },
  );
  dcv.publish(app.domainValidations);
  await gqlOk(
    t,
    reseller.key,
    `mutation($id: ID!) { checkDomainControl(input: { applicationId: $id }) { domainValidations { status } } }`,
    { id: app.id },
  );

  // The real linter, asked about a name that was not approved: a genuine e_san_* refusal of the real TBS.
  const real = certificateLint.assertCertificateLints;
  const thrown: LintError[] = [];
  const spy = jest.spyOn(certificateLint, "assertCertificateLints").mockImplementation((tbs, profile, outer) => {
    try {
      return real(
        tbs,
        profile.kind === "subscriber" ? { ...profile, names: ["other.akashi-demo.jp"] } : profile,
        outer,
      );
    } catch (e) {
      thrown.push(e as LintError);
      throw e;
    }
  });
  const before = {
    certificates: await t.ds.getRepository(Certificate).count(),
    contracts: await t.ds.getRepository(Contract).count(),
  };
  const approve = `mutation($id: ID!) { approveApplication(input: { applicationId: $id }) { application { status } certificate { id } userErrors { code } } }`;
  const refused = await t.gql(t.operatorKey, approve, { id: app.id });
  expect(refused.errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
  expect(thrown).toHaveLength(1);
  expect(thrown[0].ids).toEqual(expect.arrayContaining(["e_san_name_not_approved", "e_san_approved_name_missing"]));
  expect({
    certificates: await t.ds.getRepository(Certificate).count(),
    contracts: await t.ds.getRepository(Contract).count(),
  }).toEqual(before);
  const status = await gqlOk(t, t.operatorKey, `query($id: ID!) { node(id: $id) { ... on Application { status } } }`, {
    id: app.id,
  });
  expect(status.node.status).toBe("UNDER_REVIEW");

  spy.mockRestore();
  const approved = await gqlOk(t, t.operatorKey, approve, { id: app.id });
  expect(approved.approveApplication.userErrors).toEqual([]);
  expect(approved.approveApplication.application.status).toBe("ISSUED");
  expect(await t.ds.getRepository(Certificate).count()).toBe(before.certificates + 1);
});
