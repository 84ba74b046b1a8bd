import { DomainValidation } from "../../api/src/applications/domain-validation.entity";
import { Loaders } from "../../api/src/db/loaders";
import { Certificate } from "../../api/src/certificates";
import {
  CONSENTS,
  DcvWebServer,
  createSubscriber,
  csrFor,
  gqlOk,
  issueCertificate,
  productIds,
} from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * Issue 11: a submission and a domain-control check answer about the challenges they have just written
 * without reading them back (db/write-entity.ts insertAtCommit, the request's loaders primed). What they
 * answer must be what anyone reads afterwards, field for field, for a name with its own challenge, a
 * name standing on an earlier validation, a check that passes and one that fails.
 */
const REUSED = "reused.answers.akashi-demo.jp";
const FRESH = "fresh.answers.akashi-demo.jp";
const FAILING = "failing.answers.akashi-demo.jp";
const DV_FIELDS = `name method status token checkedAt httpUrl dnsRecordName
  failure { cause message address addressCategory dnsResponseCode httpStatus location queryName }`;

const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let resellerKey: string;
let subscriberId: string;
let products: Record<string, string>;

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({ env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides([REUSED, FRESH, FAILING]) } });
  resellerKey = (await t.createReseller("answers")).key;
  products = await productIds(t);
  subscriberId = await createSubscriber(t, resellerKey);
  await issueCertificate(t, dcv, dir, resellerKey, subscriberId, products.DV, [REUSED]);
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

async function submit(names: string[]): Promise<{ id: string; domainValidations: any[] }> {
  const data = await gqlOk(
    t,
    resellerKey,
    `mutation($input: SubmitApplicationInput!) {
       submitApplication(input: $input) { application { id domainValidations { ${DV_FIELDS} } } userErrors { code message } }
     }`,
    {
      input: {
        subscriberId,
        productId: products.DV,
        termMonths: 12,
        names,
        csr: csrFor(dir, names),
        consents: CONSENTS,
      },
    },
  );
  expect(data.submitApplication.userErrors).toEqual([]);
  return data.submitApplication.application;
}

async function check(id: string): Promise<any[]> {
  const data = await gqlOk(
    t,
    resellerKey,
    `mutation($id: ID!) { checkDomainControl(input: { applicationId: $id }) { domainValidations { ${DV_FIELDS} } userErrors { code message } } }`,
    { id },
  );
  expect(data.checkDomainControl.userErrors).toEqual([]);
  return data.checkDomainControl.domainValidations;
}

/** The application's validations as a later request reads them from the database. */
async function readAfterwards(id: string): Promise<any[]> {
  const data = await gqlOk(
    t,
    resellerKey,
    `query($id: ID!) { node(id: $id) { ... on Application { domainValidations { ${DV_FIELDS} } } } }`,
    { id },
  );
  return data.node.domainValidations;
}

test("issue 11: submitApplication answers with the challenges it opened and the validation it reuses, as they are stored", async () => {
  const app = await submit([FRESH, REUSED]);
  expect(app.domainValidations.map((v: any) => [v.name, v.status])).toEqual([
    [FRESH, "PENDING"],
    [REUSED, "VALID"],
  ]);
  expect(app.domainValidations).toEqual(await readAfterwards(app.id));
});

test("issue 11: checkDomainControl answers with the results it recorded, passed and failed, as they are stored", async () => {
  const app = await submit([FRESH, FAILING]);
  dcv.publish(app.domainValidations.filter((v: any) => v.name === FRESH));
  const answered = await check(app.id);
  expect(answered.map((v: any) => [v.name, v.status])).toEqual([
    [FRESH, "VALID"],
    [FAILING, "FAILED"],
  ]);
  expect(answered.find((v: any) => v.name === FAILING).failure.cause).toBeTruthy();
  expect(answered).toEqual(await readAfterwards(app.id));
  // A second check records nothing new for the passed name and fails the other again.
  expect(await check(app.id)).toEqual(await readAfterwards(app.id));
});

test("issue 11: a request's loader reads rows by a column as find does, in the order asked, none for an unknown key", async () => {
  const validations = await t.ds.manager.find(DomainValidation, { take: 50 });
  const keys = [...new Set(validations.map((v) => v.applicationId).filter((k): k is string => k !== null))];
  const unknown = "00000000-0000-4000-8000-000000000000";
  const loader = new Loaders(t.ds).manyBy(DomainValidation, "applicationId", { createdAt: "ASC", id: "DESC" });
  const lean = await loader.loadMany([...keys, unknown]);
  for (const [i, key] of keys.entries())
    expect(lean[i]).toEqual(
      await t.ds.manager.find(DomainValidation, {
        where: { applicationId: key },
        order: { createdAt: "ASC", id: "DESC" },
      }),
    );
  expect(lean[keys.length]).toEqual([]);
  const [certificate] = await t.ds.manager.find(Certificate, { take: 1 });
  expect(await new Loaders(t.ds).manyBy(Certificate, "contractId").load(certificate.contractId)).toEqual([certificate]);
  expect(() => new Loaders(t.ds).manyBy(Certificate, "nonsense" as "contractId")).toThrow(/no column nonsense/);
});
