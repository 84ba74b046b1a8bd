import { DcvWebServer, createSubscriber, gqlOk, issueCertificate, productIds } from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";
import { DV_TRIAL, audits, call, eventTypes } from "./catalogue-support";

/** RES-6, CON-7, CON-9, REV-4: payments against statements, balances, overdue statements, caps, revocation for non-payment. */
const NAMES = ["pay-a.akashi-demo.jp", "pay-b.akashi-demo.jp", "auto.pay.akashi-demo.jp", "secom.pay.akashi-demo.jp"];
const START = new Date("2026-11-21T03:00:00Z"); // 12:00 JST
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let products: Record<string, string>;

const PAYMENT =
  "payment { id amountYen receivedOn method reference } statement { month totalYen paidYen outstandingYen creditYen overdue dueAt }";
const STATEMENT = `query($r: ID) { statement(month: "2026-11", resellerId: $r) { totalYen paidYen outstandingYen creditYen overdue dueAt payments { reference amountYen } lines { kind totalYen receivedYen } } }`;
const CAP = `query($id: ID!) { node(id: $id) { ... on Contract { liabilityCapYen } } }`;
const REVOKE = "certificate { status revokedAt revocationReason revocations { reason ground } } alreadyRevoked";
const pay = (t: TestApp, resellerId: string, month: string, amountYen: number, receivedOn: string, reference: string) =>
  call(
    t,
    t.operatorKey,
    "recordPayment",
    "RecordPaymentInput",
    { resellerId, month, amountYen, receivedOn, method: "BANK_TRANSFER", reference },
    PAYMENT,
  );
const cap = async (key: string, contractId: string) =>
  (await gqlOk(t, key, CAP, { id: contractId })).node.liabilityCapYen;

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({ now: START, env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) } });
  products = await productIds(t);
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

test("RES-6, CON-7, REV-4: part payments, an over-payment kept as credit, overdue after the due date, the overdue report, and revocation for the fee left unpaid — citing the statement", async () => {
  t.clock.set(START);
  const r = await t.createReseller("pay"); // designation fee ¥275,000 (RES-1), then two DV certificates of ¥13,200
  const sub = await createSubscriber(t, r.key);
  t.clock.set(new Date("2026-11-21T04:00:00Z")); // after the designation fee, so the statement's order is plain
  const a = await issueCertificate(t, dcv, dir, r.key, sub, products.DV, [NAMES[0]]);
  t.clock.set(new Date("2026-11-21T05:00:00Z"));
  const b = await issueCertificate(t, dcv, dir, r.key, sub, products.DV, [NAMES[1]]);

  t.clock.set(new Date("2026-12-10T03:00:00Z"));
  const first = await pay(t, r.globalId, "2026-11", 200000, "2026-12-10", "TR-1");
  expect(first.statement).toEqual({
    month: "2026-11",
    totalYen: 301400,
    paidYen: 200000,
    outstandingYen: 101400,
    creditYen: 0,
    overdue: false,
    dueAt: "2026-12-31T14:59:59.000Z",
  });
  // The same payment again is recorded once; another payment under its reference is refused.
  expect((await pay(t, r.globalId, "2026-11", 200000, "2026-12-10", "TR-1")).payment.id).toBe(first.payment.id);
  expect((await pay(t, r.globalId, "2026-11", 5000, "2026-12-10", "TR-1")).userErrors).toEqual([
    expect.objectContaining({ code: "PAYMENT_REFERENCE_EXISTS", field: "input.reference" }),
  ]);
  expect((await pay(t, r.globalId, "2027-01", 5000, "2026-12-10", "TR-X")).userErrors[0].code).toBe(
    "STATEMENT_NOT_STARTED",
  );
  const byReseller = await t.gql(
    r.key,
    `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id } } }`,
    {
      input: {
        resellerId: r.globalId,
        month: "2026-11",
        amountYen: 1,
        receivedOn: "2026-12-10",
        method: "CASH",
        reference: "self",
      },
    },
  );
  expect(byReseller.errors?.[0].extensions?.code).toBe("FORBIDDEN");

  t.clock.set(new Date("2026-12-20T03:00:00Z"));
  await pay(t, r.globalId, "2026-11", 88200, "2026-12-20", "TR-2");
  // Lines are paid oldest first: the designation fee and certificate A in full, B not at all.
  const part = (await gqlOk(t, r.key, STATEMENT)).statement;
  expect(part).toMatchObject({
    totalYen: 301400,
    paidYen: 288200,
    outstandingYen: 13200,
    overdue: false,
    payments: [
      { reference: "TR-1", amountYen: 200000 },
      { reference: "TR-2", amountYen: 88200 },
    ],
  });
  expect(part.lines.map((l: any) => [l.kind, l.totalYen, l.receivedYen])).toEqual([
    ["DESIGNATION", 275000, 275000],
    ["ISSUANCE", 13200, 13200],
    ["ISSUANCE", 13200, 0],
  ]);
  const early = await call(
    t,
    t.operatorKey,
    "revokeForUnpaidFee",
    "RevokeForUnpaidFeeInput",
    { certificateId: b.certificate.id, month: "2026-11" },
    REVOKE,
  );
  expect(early.userErrors).toEqual([expect.objectContaining({ code: "FEE_NOT_OVERDUE" })]);

  // CON-7: due 2026-12-31 23:59:59 JST; one second later the statement is overdue.
  t.clock.set(new Date("2026-12-31T15:00:00Z"));
  expect((await gqlOk(t, r.key, STATEMENT)).statement).toMatchObject({ outstandingYen: 13200, overdue: true });
  const report = await gqlOk(
    t,
    t.operatorKey,
    `{ overdueStatements(first: 100) { edges { node { month dueAt totalYen paidYen outstandingYen lines reseller { ` +
      `code } } } } }`,
  );
  expect(report.overdueStatements.edges.map((e: any) => e.node)).toContainEqual({
    month: "2026-11",
    dueAt: "2026-12-31T14:59:59.000Z",
    totalYen: 301400,
    paidYen: 288200,
    outstandingYen: 13200,
    lines: 3,
    reseller: { code: "pay" },
  });

  // REV-4: A's fee is paid, so A is not revoked; B's is not, so B is — once, whoever asks twenty times.
  const paidUp = await call(
    t,
    t.operatorKey,
    "revokeForUnpaidFee",
    "RevokeForUnpaidFeeInput",
    { certificateId: a.certificate.id, month: "2026-11" },
    REVOKE,
  );
  expect(paidUp.userErrors).toEqual([
    expect.objectContaining({ code: "FEE_NOT_OVERDUE", message: expect.stringContaining("is paid") }),
  ]);
  const wrongMonth = await call(
    t,
    t.operatorKey,
    "revokeForUnpaidFee",
    "RevokeForUnpaidFeeInput",
    { certificateId: b.certificate.id, month: "2026-10" },
    REVOKE,
  );
  expect(wrongMonth.userErrors[0].code).toBe("FEE_NOT_ON_STATEMENT");
  const revoked = await Promise.all(
    Array.from({ length: 20 }, () =>
      call(
        t,
        t.operatorKey,
        "revokeForUnpaidFee",
        "RevokeForUnpaidFeeInput",
        { certificateId: b.certificate.id, month: "2026-11" },
        REVOKE,
      ),
    ),
  );
  expect(revoked.flatMap((x) => x.userErrors)).toEqual([]);
  expect(revoked.filter((x) => !x.alreadyRevoked)).toHaveLength(1);
  expect(revoked[0].certificate).toMatchObject({
    status: "REVOKED",
    revocationReason: "PRIVILEGE_WITHDRAWN",
    revocations: [{ reason: "PRIVILEGE_WITHDRAWN", ground: expect.stringContaining("statement 2026-11") }],
  });
  const entries = await audits(t, "certificate.revokeForUnpaidFee", b.certificate.id);
  expect(entries).toHaveLength(1);
  expect(entries[0].reason).toContain("REV-4 [S 11.4(4)]");
  expect(entries[0].after.statement).toMatchObject({
    resellerId: r.globalId,
    month: "2026-11",
    dueAt: "2026-12-31T14:59:59.000Z",
    totalYen: 301400,
    paidYen: 288200,
    outstandingYen: 13200,
  });
  expect((await audits(t, "certificate.revoke", b.certificate.id))[0].reason).toContain("statement 2026-11");
  const publicStatus = await gqlOk(
    t,
    null,
    `{ certificateStatus(serialNumber: "${b.certificate.serialNumber}") { status revocationReason } }`,
  );
  expect(publicStatus.certificateStatus).toEqual({ status: "REVOKED", revocationReason: "PRIVILEGE_WITHDRAWN" });

  // Paid late, and more than owed: nothing outstanding, the excess is a credit, off the report.
  t.clock.set(new Date("2027-01-05T03:00:00Z"));
  const over = await pay(t, r.globalId, "2026-11", 20000, "2027-01-05", "TR-3");
  expect(over.statement).toMatchObject({ paidYen: 308200, outstandingYen: 0, creditYen: 6800, overdue: false });
  const after = await gqlOk(
    t,
    t.operatorKey,
    `{ overdueStatements(first: 100) { edges { node { reseller { code } } } } }`,
  );
  expect(after.overdueStatements.edges.map((e: any) => e.node.reseller.code)).not.toContain("pay");
  expect(await eventTypes(t, r.key)).toEqual(expect.arrayContaining(["PAYMENT_RECORDED"]));
  const own = await gqlOk(t, r.key, `{ payments(first: 10) { edges { node { reference amountYen } } } }`);
  expect(own.payments.edges.map((e: any) => e.node.reference)).toEqual(["TR-3", "TR-2", "TR-1"]);
  await expect(t.ds.query(`UPDATE payment SET amount_yen = 1`)).rejects.toThrow(/ledger of money received/);
});

test("CON-9: liability caps come from fees actually received — all of them; for auto-renew those of the last 12 months; SECOM style pro-rated over the whole months remaining", async () => {
  t.clock.set(START);
  const r = await t.createReseller("pay-cap");
  const sub = await createSubscriber(t, r.key);
  const secom = await call(
    t,
    t.operatorKey,
    "createProduct",
    "CreateProductInput",
    { ...DV_TRIAL, code: "DV_SECOM", termMonths: [12], liabilityBasis: "PRORATED_REMAINING_MONTHS" },
    "product { id }",
  );
  await call(
    t,
    t.operatorKey,
    "setProductPrice",
    "SetProductPriceInput",
    { productId: secom.product.id, termMonths: 12, kind: "TERM", priceYen: 12000 },
    "price { id }",
  );
  await t.jobs.scheduleRecurring();
  const auto = await issueCertificate(t, dcv, dir, r.key, sub, products.DV_AUTO_RENEW, [NAMES[2]], 36);
  const pro = await issueCertificate(t, dcv, dir, r.key, sub, secom.product.id, [NAMES[3]]);
  expect([await cap(r.key, auto.contract.id), await cap(r.key, pro.contract.id)]).toEqual([0, 0]); // charged, nothing received

  t.clock.set(new Date("2026-11-30T15:00:01Z")); // the month end: auto-renew's December is charged
  await t.jobs.runDue();
  t.clock.set(new Date("2026-12-01T03:00:00Z"));
  const nov = (
    await gqlOk(t, t.operatorKey, `query($r: ID) { statement(month: "2026-11", resellerId: $r) { totalYen } }`, {
      r: r.globalId,
    })
  ).statement.totalYen;
  await pay(t, r.globalId, "2026-11", nov, "2026-12-01", "CAP-NOV");
  t.clock.set(new Date("2027-01-05T03:00:00Z"));
  await pay(t, r.globalId, "2026-12", 1100, "2027-01-05", "CAP-DEC");

  // Auto-renew: November (¥1,100, received 1 Dec) and December (¥1,100, received 5 Jan) — until 1 Dec falls out of the last 12 months.
  expect(await cap(r.key, auto.contract.id)).toBe(2200);
  t.clock.set(new Date("2027-12-02T03:00:00Z"));
  expect(await cap(r.key, auto.contract.id)).toBe(1100);

  // SECOM style: ¥13,200 received; term ends 2027-11-30 23:59:59 JST.
  t.clock.set(new Date("2026-12-10T03:00:00Z")); // 11 whole months remain
  expect(await cap(r.key, pro.contract.id)).toBe(12100);
  t.clock.set(new Date("2027-06-15T03:00:00Z")); // 5 whole months remain
  expect(await cap(r.key, pro.contract.id)).toBe(5500);
});
