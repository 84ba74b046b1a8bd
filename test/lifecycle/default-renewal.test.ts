import {
  CONSENTS,
  DcvWebServer,
  createSubscriber,
  csrFor,
  gqlOk,
  issueCertificate,
  productIds,
  reviewAndApprove,
} from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";
import { contractWriteGaps } from "../support/write-paths";

/** CON-3, CON-4: no reply to the renewal notice means the contract renews; "do not renew" ends it. */
const NAMES = ["renews.akashi-demo.jp", "declines.akashi-demo.jp"];
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

const CONTRACT = `query($id: ID!) { node(id: $id) { ... on Contract { status endReason startsAt endsAt seal { status certificate { serialNumber } } } } }`;

test("CON-3: at the term's end a contract nobody declined renews for the same term, is charged as a renewal, keeps its seal, and gets its certificate by replacement; CON-4: a declined one ends", async () => {
  const r = await t.createReseller("default-renewal");
  const products = await productIds(t);
  const subscriberId = await createSubscriber(t, r.key);
  const renews = await issueCertificate(t, dcv, dir, r.key, subscriberId, products.DV, ["renews.akashi-demo.jp"]);
  const declines = await issueCertificate(t, dcv, dir, r.key, subscriberId, products.DV, ["declines.akashi-demo.jp"]);
  await gqlOk(t, r.key, `mutation($id: ID!) { createSeal(input: { contractId: $id }) { userErrors { code } } }`, {
    id: renews.contract.id,
  });
  await gqlOk(
    t,
    r.key,
    `mutation($id: ID!) { setDoNotRenew(input: { contractId: $id, doNotRenew: true }) { userErrors { code } } }`,
    { id: declines.contract.id },
  );
  await t.jobs.scheduleRecurring();

  // Both terms end 2027-11-30 23:59:59 JST; the daily run at 00:00 JST on 1 Dec decides.
  t.clock.set(new Date("2027-11-30T15:00:00Z"));
  await t.jobs.runDue();

  expect((await gqlOk(t, r.key, CONTRACT, { id: declines.contract.id })).node).toMatchObject({
    status: "ENDED",
    endReason: "NOT_RENEWED",
  });
  const old = (await gqlOk(t, r.key, CONTRACT, { id: renews.contract.id })).node;
  expect(old).toMatchObject({ status: "ENDED", endReason: "RENEWED", seal: null });
  const list = await gqlOk(
    t,
    r.key,
    `{ contracts(status: ACTIVE) { edges { node { id startsAt endsAt renewedFrom { id } seal { status } charges { kind amountYen } } } } }`,
  );
  const renewed = list.contracts.edges
    .map((e: any) => e.node)
    .find((n: any) => n.renewedFrom?.id === renews.contract.id);
  expect(renewed).toMatchObject({
    startsAt: "2027-11-30T14:59:59.000Z",
    endsAt: "2028-11-30T14:59:59.000Z",
    seal: { status: "SERVICE_ENDED" },
    charges: [{ kind: "RENEWAL", amountYen: 12000 }],
  });

  // The certificate follows by replacement on the renewed contract; the same seal then shows it.
  const replacement = await gqlOk(
    t,
    r.key,
    `mutation($input: SubmitReplacementInput!) { submitReplacement(input: $input) { application { id names domainValidations { name method token status } } userErrors { code } } }`,
    {
      input: { contractId: renewed.id, csr: csrFor(dir, ["renews.akashi-demo.jp"]), consents: CONSENTS },
    },
  );
  expect(replacement.submitReplacement.application.names).toEqual(["renews.akashi-demo.jp"]);
  const issued = await reviewAndApprove(t, dcv, r.key, replacement.submitReplacement.application);
  expect(issued.contract.id).toBe(renewed.id);
  const after = (await gqlOk(t, r.key, CONTRACT, { id: renewed.id })).node;
  expect(after.seal).toEqual({ status: "VALID", certificate: { serialNumber: issued.certificate.serialNumber } });
  // CON-1: the renewal by default is opened, and the old contracts ended, like every other contract.
  expect(await contractWriteGaps(t)).toEqual([]);
});
