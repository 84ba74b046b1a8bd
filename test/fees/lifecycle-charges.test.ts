import request from "supertest";
import { checkCsr, issueServerCertificate, newSerialHex, toPem } from "../../api/src/pki";
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
import { TestCa, makeTestCa } from "../support/pki-fixtures";
import { TestApp, startTestApp } from "../support/test-app";

/** RES-6: the charges the lifecycle writes — issuance, renewal, auto-renew months, management — and what it never writes. */
const dir = new TempDir();
const dcv = new DcvWebServer();
const NAMES = [
  "fees.akashi-demo.jp",
  "renew.fees.akashi-demo.jp",
  "revoke.fees.akashi-demo.jp",
  "auto.fees.akashi-demo.jp",
];
const START = new Date("2026-11-21T03:00:00Z"); // 12:00 JST
let t: TestApp;
let other: TestCa;
let reseller: { id: string; globalId: string; key: string };
let products: Record<string, string>;
let subscriberId: string;

const CHARGE_FIELDS = `kind amountYen taxRatePercent taxYen totalYen chargedAt dueAt periodStart periodEnd`;
const contractFees = async (w: TestApp, key: string, contractId: string) =>
  (
    await gqlOk(
      w,
      key,
      `query($id: ID!) { node(id: $id) { ... on Contract { status liabilityCapYen charges { ${CHARGE_FIELDS} contract { id } } } } }`,
      { id: contractId },
    )
  ).node;

/** CON-9 counts fees actually received: the operator records a reseller's payment of a whole statement. */
async function payInFull(w: TestApp, resellerGlobalId: string, month: string, receivedOn: string): Promise<void> {
  const { statement } = await gqlOk(
    w,
    w.operatorKey,
    `query($m: String!, $r: ID) { statement(month: $m, resellerId: $r) { totalYen } }`,
    { m: month, r: resellerGlobalId },
  );
  const paid = await gqlOk(
    w,
    w.operatorKey,
    `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { statement { outstandingYen } userErrors { code } } }`,
    {
      input: {
        resellerId: resellerGlobalId,
        month,
        amountYen: statement.totalYen,
        receivedOn,
        method: "BANK_TRANSFER",
        reference: `full-${month}-${resellerGlobalId}`,
      },
    },
  );
  expect(paid.recordPayment).toEqual({ statement: { outstandingYen: 0 }, userErrors: [] });
}

beforeAll(async () => {
  await dcv.start();
  other = await makeTestCa(dir, "ECDSA_P256", new Date("2026-01-01T00:00:00Z"));
  t = await startTestApp({ now: START, env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) } });
  reseller = await t.createReseller("fees");
  products = await productIds(t);
  subscriberId = await createSubscriber(t, reseller.key);
});

beforeEach(() => t.clock.set(START));

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

/** A certificate from another CA, for bring-your-own management. */
async function foreignCertificate(names: string[], notBefore: Date, notAfter: Date): Promise<string> {
  const r = checkCsr(csrFor(dir, names), { names, wildcardAllowed: false });
  if (!r.ok) throw new Error(r.message);
  const cert = await issueServerCertificate({
    issuer: other.issuing,
    subjectPublicKeySpki: r.publicKeySpki,
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
  });
  return cert.pem + toPem(other.issuing.certDer, "CERTIFICATE");
}

test("RES-6, CON-7, CON-8: a new DV 12-month certificate charges the TERM price at issuance, due at the end of the next month; VAL-4: a reissue charges nothing", async () => {
  const issued = await issueCertificate(
    t,
    dcv,
    dir,
    reseller.key,
    subscriberId,
    products.DV,
    ["fees.akashi-demo.jp"],
    12,
  );
  const expected = {
    kind: "ISSUANCE",
    amountYen: 12000,
    taxRatePercent: 10,
    taxYen: 1200,
    totalYen: 13200,
    chargedAt: "2026-11-21T03:00:00.000Z",
    dueAt: "2026-12-31T14:59:59.000Z",
    periodStart: "2026-11-21T03:00:00.000Z",
    periodEnd: "2027-11-30T14:59:59.000Z",
    contract: { id: issued.contract.id },
  };
  expect(await contractFees(t, reseller.key, issued.contract.id)).toEqual({
    status: "ACTIVE",
    liabilityCapYen: 0,
    charges: [expected],
  }); // CON-9: nothing received yet

  t.clock.set(new Date("2026-12-01T01:00:00Z"));
  const reissue = await gqlOk(
    t,
    reseller.key,
    `mutation($input: SubmitReissueInput!) { submitReissue(input: $input) { application { id domainValidations { name method token status } } userErrors { code } } }`,
    {
      input: { contractId: issued.contract.id, csr: csrFor(dir, ["fees.akashi-demo.jp"]), consents: CONSENTS },
    },
  );
  expect(reissue.submitReissue.userErrors).toEqual([]);
  const done = await reviewAndApprove(t, dcv, reseller.key, reissue.submitReissue.application);
  expect(done.contract.id).toBe(issued.contract.id);
  expect((await contractFees(t, reseller.key, issued.contract.id)).charges).toEqual([expected]);
});

test("RES-6: a renewal charges the TERM price of the new term on the new contract, at the renewal's issuance", async () => {
  const issued = await issueCertificate(
    t,
    dcv,
    dir,
    reseller.key,
    subscriberId,
    products.OV,
    ["renew.fees.akashi-demo.jp"],
    12,
  );
  t.clock.set(new Date("2027-08-31T15:00:00Z")); // the window opens 2027-09-01 00:00 JST
  const renewal = await gqlOk(
    t,
    reseller.key,
    `mutation($input: SubmitRenewalInput!) { submitRenewal(input: $input) { application { id domainValidations { name method token status } } userErrors { code } } }`,
    {
      input: {
        contractId: issued.contract.id,
        termMonths: 24,
        csr: csrFor(dir, ["renew.fees.akashi-demo.jp"]),
        consents: CONSENTS,
      },
    },
  );
  expect(renewal.submitRenewal.userErrors).toEqual([]);
  const done = await reviewAndApprove(t, dcv, reseller.key, renewal.submitRenewal.application);
  expect((await contractFees(t, reseller.key, done.contract.id)).charges).toEqual([
    {
      kind: "RENEWAL",
      amountYen: 110000,
      taxRatePercent: 10,
      taxYen: 11000,
      totalYen: 121000,
      chargedAt: "2027-08-31T15:00:00.000Z",
      dueAt: "2027-10-31T14:59:59.000Z",
      periodStart: "2027-08-31T15:00:00.000Z",
      periodEnd: "2029-11-30T14:59:59.000Z",
      contract: { id: done.contract.id },
    },
  ]);
  // The first term's fee stays on the first contract.
  expect(
    (await contractFees(t, reseller.key, issued.contract.id)).charges.map((c: any) => [c.kind, c.amountYen]),
  ).toEqual([["ISSUANCE", 60000]]);
});

test("REV-6: revocation ends the contract but refunds nothing — the charge and the liability cap stay", async () => {
  const issued = await issueCertificate(
    t,
    dcv,
    dir,
    reseller.key,
    subscriberId,
    products.DV,
    ["revoke.fees.akashi-demo.jp"],
    24,
  );
  const before = await contractFees(t, reseller.key, issued.contract.id);
  expect(before.charges.map((c: any) => [c.kind, c.amountYen, c.totalYen])).toEqual([["ISSUANCE", 22000, 24200]]);
  // CON-9: nothing received yet, so no cap; once the November statement is paid, the fee received is the cap.
  expect(before.liabilityCapYen).toBe(0);
  t.clock.set(new Date("2026-12-10T03:00:00Z"));
  await payInFull(t, reseller.globalId, "2026-11", "2026-12-09");
  expect((await contractFees(t, reseller.key, issued.contract.id)).liabilityCapYen).toBe(24200);
  const revoked = await gqlOk(
    t,
    reseller.key,
    `mutation($input: RequestRevocationInput!) { requestRevocation(input: $input) { revocation { status } userErrors { code } } }`,
    {
      input: { certificateId: issued.certificate.id, reason: "CESSATION_OF_OPERATION" },
    },
  );
  expect(revoked.requestRevocation).toEqual({ revocation: { status: "EXECUTED" }, userErrors: [] });
  const after = await contractFees(t, reseller.key, issued.contract.id);
  expect(after.status).toBe("ENDED");
  expect(after.charges).toEqual(before.charges);
  expect(after.liabilityCapYen).toBe(24200);
  const uuid = Buffer.from(issued.contract.id, "base64url").toString().split(":")[1];
  expect(
    await t.ds.query(`SELECT count(*)::int AS n, sum(amount_yen)::int AS yen FROM charge WHERE contract_id = $1`, [
      uuid,
    ]),
  ).toEqual([{ n: 1, yen: 22000 }]);
});

test("RES-6: bring-your-own management charges the TERM price for a term", async () => {
  const pem = await foreignCertificate(
    ["byo.fees.akashi-demo.jp"],
    new Date("2026-10-01T00:00:00Z"),
    new Date("2027-03-31T00:00:00Z"),
  );
  const imported = await gqlOk(
    t,
    reseller.key,
    `mutation($input: ImportCertificateInput!) { importCertificate(input: $input) { application { contract { id } } userErrors { code } } }`,
    {
      input: { subscriberId, productId: products.BRING_YOUR_OWN, termMonths: 12, certificate: pem, consents: CONSENTS },
    },
  );
  expect(imported.importCertificate.userErrors).toEqual([]);
  const fees = await contractFees(t, reseller.key, imported.importCertificate.application.contract.id);
  expect(fees.charges.map((c: any) => [c.kind, c.amountYen, c.taxYen, c.chargedAt, c.periodEnd])).toEqual([
    ["ISSUANCE", 5500, 550, "2026-11-21T03:00:00.000Z", "2027-11-30T14:59:59.000Z"],
  ]);
});

test("VAL-6, RES-6, CON-7: auto-renew and unlimited management charge one month at each JST month end, across the year end; VAL-7: a replacement charges nothing; statements add up", async () => {
  const w = await startTestApp({ now: START, env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) } });
  try {
    const r = await w.createReseller("fees-monthly");
    const sid = await createSubscriber(w, r.key);
    await w.jobs.scheduleRecurring();
    const auto = await issueCertificate(
      w,
      dcv,
      dir,
      r.key,
      sid,
      products.DV_AUTO_RENEW,
      ["auto.fees.akashi-demo.jp"],
      36,
    );
    const pem = await foreignCertificate(
      ["unlimited.fees.akashi-demo.jp"],
      new Date("2026-10-01T00:00:00Z"),
      new Date("2027-03-31T00:00:00Z"),
    );
    const imported = await gqlOk(
      w,
      r.key,
      `mutation($input: ImportCertificateInput!) { importCertificate(input: $input) { application { contract { id } } userErrors { code } } }`,
      {
        input: {
          subscriberId: sid,
          productId: products.BRING_YOUR_OWN,
          termMonths: null,
          certificate: pem,
          consents: CONSENTS,
        },
      },
    );
    expect(imported.importCertificate.userErrors).toEqual([]);
    const unlimitedId = imported.importCertificate.application.contract.id;

    for (const at of ["2026-11-30T15:00:01Z", "2026-12-31T15:00:01Z"]) {
      w.clock.set(new Date(at));
      await w.jobs.runDue();
      await w.jobs.runDue(); // a second pass charges nothing twice
    }
    const month = (yen: number, chargedAt: string, dueAt: string, periodStart: string, periodEnd: string) => ({
      kind: "MONTHLY",
      amountYen: yen,
      taxRatePercent: 10,
      taxYen: yen / 10,
      totalYen: yen * 1.1,
      chargedAt,
      dueAt,
      periodStart,
      periodEnd,
    });
    const autoFees = await contractFees(w, r.key, auto.contract.id);
    expect(autoFees.charges.map(({ contract, ...c }: any) => c)).toEqual([
      month(
        1000,
        "2026-11-21T03:00:00.000Z",
        "2026-12-31T14:59:59.000Z",
        "2026-11-21T03:00:00.000Z",
        "2026-11-30T14:59:59.000Z",
      ),
      month(
        1000,
        "2026-11-30T15:00:00.000Z",
        "2027-01-31T14:59:59.000Z",
        "2026-11-30T15:00:00.000Z",
        "2026-12-31T14:59:59.000Z",
      ),
      // Charged on 2027-01-01 00:00 JST, due 2027-02-28 23:59:59 JST (CON-7).
      month(
        1000,
        "2026-12-31T15:00:00.000Z",
        "2027-02-28T14:59:59.000Z",
        "2026-12-31T15:00:00.000Z",
        "2027-01-31T14:59:59.000Z",
      ),
    ]);
    // CON-9: auto-renew — fees received in the last 12 months (once the three statements are paid).
    expect(autoFees.liabilityCapYen).toBe(0);
    const rid = (await gqlOk(w, r.key, `{ viewer { reseller { id } } }`)).viewer.reseller.id;
    for (const m of ["2026-11", "2026-12", "2027-01"]) await payInFull(w, rid, m, "2027-01-01");
    expect((await contractFees(w, r.key, auto.contract.id)).liabilityCapYen).toBe(3300);
    expect(
      (await contractFees(w, r.key, unlimitedId)).charges.map((c: any) => [
        c.kind,
        c.amountYen,
        c.chargedAt,
        c.periodEnd,
      ]),
    ).toEqual([
      ["MONTHLY", 500, "2026-11-21T03:00:00.000Z", "2026-11-30T14:59:59.000Z"],
      ["MONTHLY", 500, "2026-11-30T15:00:00.000Z", "2026-12-31T14:59:59.000Z"],
      ["MONTHLY", 500, "2026-12-31T15:00:00.000Z", "2027-01-31T14:59:59.000Z"],
    ]);

    // VAL-7: the next certificate within the term is a replacement, without a fee.
    w.clock.set(new Date("2027-01-10T03:00:00Z"));
    const replacement = await gqlOk(
      w,
      r.key,
      `mutation($input: SubmitReplacementInput!) { submitReplacement(input: $input) { application { id domainValidations { name method token status } } userErrors { code } } }`,
      {
        input: { contractId: auto.contract.id, csr: csrFor(dir, ["auto.fees.akashi-demo.jp"]), consents: CONSENTS },
      },
    );
    expect(replacement.submitReplacement.userErrors).toEqual([]);
    await reviewAndApprove(w, dcv, r.key, replacement.submitReplacement.application);
    expect((await contractFees(w, r.key, auto.contract.id)).charges).toHaveLength(3);

    // The January statement: the two months charged on 1 January, and totals that are the sums of the lines.
    const s = (
      await gqlOk(
        w,
        r.key,
        `{ statement(month: "2027-01") { month subtotalYen taxYen totalYen taxByRate { ratePercent baseYen taxYen } lines { kind amountYen taxYen totalYen contract { id } } } }`,
      )
    ).statement;
    expect(s).toEqual({
      month: "2027-01",
      subtotalYen: 1500,
      taxYen: 150,
      totalYen: 1650,
      taxByRate: [{ ratePercent: 10, baseYen: 1500, taxYen: 150 }],
      lines: expect.arrayContaining([
        { kind: "MONTHLY", amountYen: 1000, taxYen: 100, totalYen: 1100, contract: { id: auto.contract.id } },
        { kind: "MONTHLY", amountYen: 500, taxYen: 50, totalYen: 550, contract: { id: unlimitedId } },
      ]),
    });
    expect(s.lines).toHaveLength(2);
    const csv = await request(w.app).get("/statements/2027-01.csv").set("Authorization", `Bearer ${r.key}`);
    const rows = csv.text.trimEnd().split("\r\n");
    expect(rows).toHaveLength(4);
    expect(rows[3]).toBe("TOTAL,,,,,,,1500,,150,1650");
    // November: whatever else the month holds, the statement is the sum of its lines.
    const nov = (
      await gqlOk(
        w,
        r.key,
        `{ statement(month: "2026-11") { subtotalYen taxYen totalYen lines { kind amountYen taxYen totalYen } } }`,
      )
    ).statement;
    expect(
      nov.lines
        .filter((l: any) => l.kind !== "DESIGNATION")
        .map((l: any) => l.amountYen)
        .sort(),
    ).toEqual([1000, 500]);
    const sum = (f: (l: any) => number) => nov.lines.reduce((n: number, l: any) => n + f(l), 0);
    expect([nov.subtotalYen, nov.taxYen, nov.totalYen]).toEqual([
      sum((l) => l.amountYen),
      sum((l) => l.taxYen),
      sum((l) => l.totalYen),
    ]);
  } finally {
    await w.close();
  }
});
