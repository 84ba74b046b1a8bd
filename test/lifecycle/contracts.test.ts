import { checkCsr, issueServerCertificate, newSerialHex, toPem } from "../../api/src/pki";
import {
  CONSENTS,
  DcvWebServer,
  createSubscriber,
  csrFor,
  gqlOk,
  productIds,
  reviewAndApprove,
  submitApplication,
} from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestCa, makeTestCa } from "../support/pki-fixtures";
import { TestApp, startTestApp } from "../support/test-app";
import { contractWriteGaps } from "../support/write-paths";

/** Carry-over, bring-your-own, cancellation, auto-renew, in-term replacement and renewal notices, end to end. */
const dir = new TempDir();
const dcv = new DcvWebServer();
const NAMES = ["blog.akashi-demo.jp", "auto.akashi-demo.jp", "cancel.akashi-demo.jp", "long.akashi-demo.jp"];
const START = new Date("2026-11-21T03:00:00Z");
let t: TestApp;
let other: TestCa;
let reseller: { id: string; key: string };
let products: Record<string, string>;
let subscriberId: string;

/** A certificate from another CA (one the operator accepts for carry-over), as PEM leaf + chain. */
async function foreignCertificate(
  names: string[],
  notBefore: Date,
  notAfter: Date,
  ca: TestCa = other,
): Promise<string> {
  const cert = await issueServerCertificate({
    issuer: ca.issuing,
    subjectPublicKeySpki: publicKeyOf(names),
    serialHex: newSerialHex(),
    names,
    subject: { commonName: names[0] },
    validationLevel: "DV",
    notBefore,
    notAfter,
    urls: {
      crlUrl: "http://other-ca.test/crl",
      ocspUrl: "http://other-ca.test/ocsp",
      caIssuersUrl: "http://other-ca.test/ca.der",
    },
    maxValidityDays: 398, // another CA, under the pre-2026-03-15 maximum; the pre-signing linter otherwise applies VAL-7's table
  });
  return cert.pem + toPem(ca.issuing.certDer, "CERTIFICATE");
}

function publicKeyOf(names: string[]): Buffer {
  const r = checkCsr(csrFor(dir, names), { names, wildcardAllowed: false });
  if (!r.ok) throw new Error(r.message);
  return r.publicKeySpki;
}

beforeAll(async () => {
  await dcv.start();
  other = await makeTestCa(dir, "ECDSA_P256", new Date("2026-01-01T00:00:00Z"));
  t = await startTestApp({
    now: new Date("2026-11-21T03:00:00Z"),
    env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES), AKASHI_CARRY_OVER_ROOTS: other.rootPath },
  });
  reseller = await t.createReseller("contracts");
  products = await productIds(t);
  subscriberId = await createSubscriber(t, reseller.key);
  // The contract calendar's recurring jobs are scheduled from the start; moving the clock makes them due.
  await t.jobs.scheduleRecurring();
});

beforeEach(() => t.clock.set(START));

/**
 * Tests that move the clock get a database of their own: jobs that ran at a later time would
 * otherwise be gone for the next test, which starts again at START.
 */
async function ownWorld<T>(work: (w: { t: TestApp; key: string; subscriberId: string }) => Promise<T>): Promise<T> {
  const w = await startTestApp({ now: START, env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) } });
  try {
    const r = await w.createReseller("time-travel");
    const sid = await createSubscriber(w, r.key);
    await w.jobs.scheduleRecurring();
    return await work({ t: w, key: r.key, subscriberId: sid });
  } finally {
    await w.close();
  }
}

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

test("VAL-3: carry-over of a certificate from an accepted CA adds its whole remaining months (RULES example: ends 2028-03-31)", async () => {
  const old = await foreignCertificate(
    ["blog.akashi-demo.jp"],
    new Date("2026-04-01T00:00:00Z"),
    new Date("2027-04-15T05:00:00Z"),
  );
  const submitted = await submitApplication(t, reseller.key, {
    subscriberId,
    productId: products.DV,
    termMonths: 12,
    names: ["blog.akashi-demo.jp"],
    csr: csrFor(dir, ["blog.akashi-demo.jp"]),
    carryOverCertificate: old,
  });
  expect(submitted.userErrors).toEqual([]);
  const done = await reviewAndApprove(t, dcv, reseller.key, submitted.application);
  expect(done.carryOverMonths).toBe(4);
  expect(done.contract).toMatchObject({ carryOverMonths: 4, endsAt: "2028-03-31T14:59:59.000Z" });
});

test("VAL-3: a certificate from a CA the operator does not accept is refused with CARRY_OVER_NOT_ACCEPTED", async () => {
  const stranger = await makeTestCa(dir, "ECDSA_P256", new Date("2026-01-01T00:00:00Z"));
  const old = await foreignCertificate(
    ["blog.akashi-demo.jp"],
    new Date("2026-04-01T00:00:00Z"),
    new Date("2027-04-15T00:00:00Z"),
    stranger,
  );
  const res = await submitApplication(t, reseller.key, {
    subscriberId,
    productId: products.DV_WILDCARD,
    termMonths: 12,
    names: ["blog.akashi-demo.jp"],
    csr: csrFor(dir, ["blog.akashi-demo.jp"]),
    carryOverCertificate: old,
  });
  expect(res.application).toBeNull();
  expect(res.userErrors).toEqual([
    { code: "CARRY_OVER_NOT_ACCEPTED", field: "input.carryOverCertificate", message: expect.any(String) },
  ]);
});

test("VAL-8: a bring-your-own certificate is imported for management; its parsed details are shown; the 90-day rule stops renewal", async () => {
  const byo = await foreignCertificate(
    ["byo.akashi-demo.jp"],
    new Date("2026-10-01T00:00:00Z"),
    new Date("2027-03-31T00:00:00Z"),
  );
  const imported = await gqlOk(
    t,
    reseller.key,
    `mutation($input: ImportCertificateInput!) { importCertificate(input: $input) {
      application { id kind status contract { id endsAt termMonths certificates { source serialNumber names issuerName notAfter status } } } userErrors { code field message } } }`,
    {
      input: { subscriberId, productId: products.BRING_YOUR_OWN, termMonths: 12, certificate: byo, consents: CONSENTS },
    },
  );
  expect(imported.importCertificate.userErrors).toEqual([]);
  const app = imported.importCertificate.application;
  expect(app).toMatchObject({ kind: "IMPORT", status: "ISSUED" });
  expect(app.contract.endsAt).toBe("2027-11-30T14:59:59.000Z");
  expect(app.contract.certificates).toEqual([
    {
      source: "IMPORTED",
      serialNumber: expect.stringMatching(/^[0-9a-f]+$/),
      names: ["byo.akashi-demo.jp"],
      issuerName: expect.stringContaining("Akashi Test Issuing CA 1"),
      notAfter: "2027-03-31T00:00:00.000Z",
      status: "VALID",
    },
  ]);

  // The same certificate cannot be managed twice.
  const again = await gqlOk(
    t,
    reseller.key,
    `mutation($input: ImportCertificateInput!) { importCertificate(input: $input) { application { id } userErrors { code } } }`,
    {
      input: { subscriberId, productId: products.BRING_YOUR_OWN, termMonths: 12, certificate: byo, consents: CONSENTS },
    },
  );
  expect(again.importCertificate.userErrors).toEqual([{ code: "CONFLICT" }]);

  // VAL-8: a 6-month option cannot hold a certificate valid for longer.
  const tooLong = await foreignCertificate(
    ["byo2.akashi-demo.jp"],
    new Date("2026-10-01T00:00:00Z"),
    new Date("2027-09-01T00:00:00Z"),
  );
  const refused = await gqlOk(
    t,
    reseller.key,
    `mutation($input: ImportCertificateInput!) { importCertificate(input: $input) { application { id } userErrors { code field } } }`,
    {
      input: {
        subscriberId,
        productId: products.BRING_YOUR_OWN,
        termMonths: 6,
        certificate: tooLong,
        consents: CONSENTS,
      },
    },
  );
  expect(refused.importCertificate.userErrors).toEqual([
    { code: "CERTIFICATE_EXCEEDS_TERM", field: "input.certificate" },
  ]);

  // VAL-8, CON-3: renewing management with a 90-day certificate is refused; with a longer one it continues.
  const short = await foreignCertificate(
    ["byo.akashi-demo.jp"],
    new Date("2026-11-20T00:00:00Z"),
    new Date("2027-02-17T23:59:59Z"),
  );
  const renewShort = await gqlOk(
    t,
    reseller.key,
    `mutation($input: RenewImportedCertificateInput!) { renewImportedCertificate(input: $input) { application { id } userErrors { code } } }`,
    {
      input: { contractId: app.contract.id, termMonths: 12, certificate: short, consents: CONSENTS },
    },
  );
  expect(renewShort.renewImportedCertificate.userErrors).toEqual([{ code: "MANAGEMENT_NOT_RENEWABLE_SHORT_VALIDITY" }]);
  const longer = await foreignCertificate(
    ["byo.akashi-demo.jp"],
    new Date("2026-11-20T00:00:00Z"),
    new Date("2027-06-30T00:00:00Z"),
  );
  const renewed = await gqlOk(
    t,
    reseller.key,
    `mutation($input: RenewImportedCertificateInput!) { renewImportedCertificate(input: $input) { application { contract { endsAt renewedFrom { id } } } userErrors { code } } }`,
    {
      input: { contractId: app.contract.id, termMonths: 12, certificate: longer, consents: CONSENTS },
    },
  );
  expect(renewed.renewImportedCertificate.userErrors).toEqual([]);
  // The new term runs on from the current term end (VAL-2 from 2027-11-30).
  expect(renewed.renewImportedCertificate.application.contract).toEqual({
    endsAt: "2028-11-30T14:59:59.000Z",
    renewedFrom: { id: app.contract.id },
  });
});

test("CON-1: every contract opened — issued with carry-over, imported, import renewed — leaves one contract.create audit entry", async () => {
  const contracts = await t.ds.query(`SELECT count(*)::int AS n FROM contract`);
  expect(contracts[0].n).toBeGreaterThanOrEqual(3); // the tests above: issuance with carry-over, import, import renewal
  expect(await contractWriteGaps(t)).toEqual([]);
});

test("CON-2: a cancellation takes effect 30 days after the notice (or later if asked), and the contract then ends", () =>
  ownWorld(async ({ t, key, subscriberId }) => {
    const submitted = await submitApplication(t, key, {
      subscriberId,
      productId: products.DV,
      termMonths: 24,
      names: ["cancel.akashi-demo.jp"],
      csr: csrFor(dir, ["cancel.akashi-demo.jp"]),
    });
    const done = await reviewAndApprove(t, dcv, key, submitted.application);
    const cancel = (requestedDate: string | null) =>
      gqlOk(
        t,
        key,
        `mutation($id: ID!, $d: String) { cancelContract(input: { contractId: $id, requestedDate: $d }) { contract { cancellationEffectiveAt status } userErrors { code } } }`,
        { id: done.contract.id, d: requestedDate },
      );
    // Notice on 21 Nov (JST) → earliest 21 Dec; a date before that is moved to it.
    expect((await cancel("2026-12-01")).cancelContract.contract.cancellationEffectiveAt).toBe(
      "2026-12-21T14:59:59.000Z",
    );
    expect((await cancel("2027-01-15")).cancelContract.contract.cancellationEffectiveAt).toBe(
      "2027-01-15T14:59:59.000Z",
    );
    expect((await cancel("15 Jan")).cancelContract.userErrors).toEqual([{ code: "INVALID_INPUT" }]);

    t.clock.set(new Date("2027-01-15T15:00:00Z")); // 00:00 JST on 16 Jan
    await t.jobs.runDue();
    const after = await gqlOk(
      t,
      key,
      `query($id: ID!) { node(id: $id) { ... on Contract { status endReason endedAt } } }`,
      { id: done.contract.id },
    );
    expect(after.node).toEqual({ status: "ENDED", endReason: "CANCELLED", endedAt: "2027-01-15T14:59:59.000Z" });
    expect(await contractWriteGaps(t)).toEqual([]); // CON-1: the end, written once, audited and announced
  }));

test("VAL-6: an auto-renew contract's service period is extended at each JST month end until notice; VAL-7: the next certificate comes without a new contract", () =>
  ownWorld(async ({ t, key, subscriberId }) => {
    const submitted = await submitApplication(t, key, {
      subscriberId,
      productId: products.DV_AUTO_RENEW,
      termMonths: 36,
      names: ["auto.akashi-demo.jp"],
      csr: csrFor(dir, ["auto.akashi-demo.jp"]),
    });
    const done = await reviewAndApprove(t, dcv, key, submitted.application);
    const contractId = done.contract.id;
    expect(done.contract.servicePeriodEndsAt).toBe("2026-11-30T14:59:59.000Z");
    expect(done.contract.endsAt).toBe("2029-11-30T14:59:59.000Z");

    const period = async () =>
      (
        await gqlOk(
          t,
          key,
          `query($id: ID!) { node(id: $id) { ... on Contract { servicePeriodEndsAt status endReason } } }`,
          { id: contractId },
        )
      ).node;
    t.clock.set(new Date("2026-11-30T15:00:01Z")); // 00:00:01 JST on 1 Dec
    await t.jobs.runDue();
    expect(await period()).toEqual({
      servicePeriodEndsAt: "2026-12-31T14:59:59.000Z",
      status: "ACTIVE",
      endReason: null,
    });
    t.clock.set(new Date("2026-12-31T15:00:01Z")); // across the year end
    await t.jobs.runDue();
    expect((await period()).servicePeriodEndsAt).toBe("2027-01-31T14:59:59.000Z");

    // VAL-7: the certificate (200-day cap) ends long before the 36-month term; the next one is a replacement.
    const replacement = await gqlOk(
      t,
      key,
      `mutation($input: SubmitReplacementInput!) { submitReplacement(input: $input) { application { id kind domainValidations { name method token status } } userErrors { code } } }`,
      {
        input: { contractId, csr: csrFor(dir, ["auto.akashi-demo.jp"]), consents: CONSENTS },
      },
    );
    expect(replacement.submitReplacement.userErrors).toEqual([]);
    const replaced = await reviewAndApprove(t, dcv, key, replacement.submitReplacement.application);
    expect(replaced.contract.id).toBe(contractId);
    const certs = await gqlOk(
      t,
      key,
      `query($id: ID!) { node(id: $id) { ... on Contract { certificates { notBefore notAfter } } } }`,
      { id: contractId },
    );
    expect(certs.node.certificates).toHaveLength(2);
    expect(
      await t.ds.query(
        `SELECT count(*)::int AS n FROM contract WHERE subscriber_id = (SELECT subscriber_id FROM contract WHERE id = $1) AND product_id = $2`,
        [
          Buffer.from(contractId, "base64url").toString().split(":")[1],
          Buffer.from(products.DV_AUTO_RENEW, "base64url").toString().split(":")[1],
        ],
      ),
    ).toEqual([{ n: 1 }]);

    // Notice in January stops the extension at the end of January.
    t.clock.set(new Date("2027-01-20T03:00:00Z"));
    const stop = await gqlOk(
      t,
      key,
      `mutation($id: ID!) { stopAutoRenew(input: { contractId: $id }) { contract { autoRenewStopNoticedAt } userErrors { code } } }`,
      { id: contractId },
    );
    expect(stop.stopAutoRenew.userErrors).toEqual([]);
    t.clock.set(new Date("2027-01-31T15:00:01Z"));
    await t.jobs.runDue();
    expect(await period()).toEqual({
      servicePeriodEndsAt: "2027-01-31T14:59:59.000Z",
      status: "ENDED",
      endReason: "NOT_RENEWED",
    });
  }));

test("CON-3: when the renewal window opens, a renewal notice is written for the managing reseller, once", () =>
  ownWorld(async ({ t, key, subscriberId }) => {
    const submitted = await submitApplication(t, key, {
      subscriberId,
      productId: products.DV,
      termMonths: 12,
      names: ["long.akashi-demo.jp"],
      csr: csrFor(dir, ["long.akashi-demo.jp"]),
    });
    const done = await reviewAndApprove(t, dcv, key, submitted.application);
    const contractUuid = Buffer.from(done.contract.id, "base64url").toString().split(":")[1];
    const notices = () =>
      t.ds.query(
        `SELECT kind, recipient, language, subject, due_at FROM notice WHERE contract_id = $1 AND kind = 'RENEWAL_DUE'`,
        [contractUuid],
      );
    t.clock.set(new Date("2027-08-31T15:00:00Z")); // the daily run of 1 Sep JST; term ends 2027-11-30 → window opens 2027-09-01
    await t.jobs.runDue();
    t.clock.set(new Date("2027-09-01T15:00:00Z"));
    await t.jobs.runDue();
    const rows = await notices();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: "RENEWAL_DUE",
      recipient: "RESELLER",
      language: "ja",
      due_at: new Date("2027-08-31T15:00:00Z"),
    });
    expect(rows[0].subject).toContain("更新のご案内");
  }));
