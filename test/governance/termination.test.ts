import request from "supertest";
import { toGlobalId } from "../../api/src/ids";
import {
  DcvWebServer,
  createSubscriber,
  csrFor,
  gqlOk,
  issueCertificate,
  productIds,
  submitApplication,
} from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";
import { keyWorks, mutation, plusDays, resellerStatus, uuid } from "./governance-support";

/** RES-11, J 6.5, REV-9 (termination, handover, takeover), RES-7 (activity report), RES-4/REC-2 (retention). */
const NAMES = [
  "shop.old-a.akashi-demo.jp",
  "auto.old-a.akashi-demo.jp",
  "open.old-a.akashi-demo.jp",
  "b.other.akashi-demo.jp",
  "new.succ.akashi-demo.jp",
  "keep.succ.akashi-demo.jp",
];
const START = new Date("2026-11-21T03:00:00Z");
const TERMINATED_AT = plusDays(START, 1);
const REVOKE_ON = plusDays(START, 20);
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let products: Record<string, string>;
let a: { id: string; globalId: string; key: string };
let b: { id: string; globalId: string; key: string };
let succ: { id: string; globalId: string; key: string };
const A: {
  subscribers: string[];
  contracts: string[];
  certificates: string[];
  applications: string[];
  dvContract: string;
  dvCertificate: string;
  autoCertificate: string;
  autoSerial: string;
} = {
  subscribers: [],
  contracts: [],
  certificates: [],
  applications: [],
  dvContract: "",
  dvCertificate: "",
  autoCertificate: "",
  autoSerial: "",
};
const B: { subscriber: string; contract: string; certificate: string } = {
  subscriber: "",
  contract: "",
  certificate: "",
};

function terminate(handoverDeadline: Date) {
  return mutation(
    t,
    t.operatorKey,
    "terminateReseller",
    "TerminateResellerInput",
    {
      resellerId: a.globalId,
      handoverDeadline: handoverDeadline.toISOString(),
      autoRenewRevocationDate: REVOKE_ON.toISOString(),
      reason: "契約違反による指定取消し",
    },
    "termination { id effectiveAt handoverDeadline autoRenewRevocationDate } reseller { status terminatedAt } scheduledRevocations",
  );
}

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({ now: START, env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) } });
  products = await productIds(t);
  a = await t.createReseller("old-a");
  b = await t.createReseller("other-b");
  succ = await t.createReseller("successor");
  const s1 = await createSubscriber(t, a.key, {
    contacts: [{ role: "ADMINISTRATIVE", name: "管理 花子", email: "admin@shop.akashi-demo.jp" }],
  });
  const s2 = await createSubscriber(t, a.key, { name: "自動更新 株式会社" });
  const dv = await issueCertificate(t, dcv, dir, a.key, s1, products.DV, [NAMES[0]]);
  const auto = await issueCertificate(t, dcv, dir, a.key, s2, products.DV_AUTO_RENEW, [NAMES[1]], 36);
  const open = await submitApplication(t, a.key, {
    subscriberId: s1,
    productId: products.DV,
    termMonths: 12,
    names: [NAMES[2]],
    csr: csrFor(dir, [NAMES[2]]),
  });
  Object.assign(A, {
    subscribers: [s1, s2],
    contracts: [dv.contract.id, auto.contract.id],
    certificates: [dv.certificate.id, auto.certificate.id],
    applications: [open.application.id],
    dvContract: dv.contract.id,
    dvCertificate: dv.certificate.id,
    autoCertificate: auto.certificate.id,
    autoSerial: auto.certificate.serialNumber,
  });
  B.subscriber = await createSubscriber(t, b.key, { name: "他社の契約者 株式会社" });
  const other = await issueCertificate(t, dcv, dir, b.key, B.subscriber, products.DV_AUTO_RENEW, [NAMES[3]], 36);
  B.contract = other.contract.id;
  B.certificate = other.certificate.id;
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

describe("RES-7: activity report", () => {
  test("RES-7: counts of applications by state, certificates issued, renewed, revoked and fees owed, as GraphQL and CSV", async () => {
    const from = new Date("2026-11-01T00:00:00Z");
    const to = new Date("2026-12-01T00:00:00Z");
    const q = `query($r: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { activityReport(resellerId: $r, from: $from, to: $to) {
      applicationsByState { state count } applicationsSubmitted certificatesIssued certificatesRenewed certificatesRevoked feesYen feesTaxYen feesTotalYen } }`;
    const own = await gqlOk(t, a.key, q, { r: a.globalId, from: from.toISOString(), to: to.toISOString() });
    const fees = await t.ds.query(
      `SELECT sum(amount_yen)::int AS amount, sum(tax_yen)::int AS tax FROM charge WHERE reseller_id = $1`,
      [a.id],
    );
    expect(fees[0].amount).toBeGreaterThan(250000); // designation fee plus the two certificates
    expect(own.activityReport).toEqual({
      applicationsByState: [
        { state: "SUBMITTED", count: 1 },
        { state: "UNDER_REVIEW", count: 0 },
        { state: "AWAITING_DOCUMENTS", count: 0 },
        { state: "APPROVED", count: 0 },
        { state: "ISSUED", count: 2 },
        { state: "REJECTED", count: 0 },
        { state: "WITHDRAWN", count: 0 },
      ],
      applicationsSubmitted: 3,
      certificatesIssued: 2,
      certificatesRenewed: 0,
      certificatesRevoked: 0,
      feesYen: fees[0].amount,
      feesTaxYen: fees[0].tax,
      feesTotalYen: fees[0].amount + fees[0].tax,
    });
    // Another reseller gets nothing; the operator gets the same report.
    expect(
      (await gqlOk(t, b.key, q, { r: a.globalId, from: from.toISOString(), to: to.toISOString() })).activityReport,
    ).toBeNull();
    expect(
      (await gqlOk(t, t.operatorKey, q, { r: a.globalId, from: from.toISOString(), to: to.toISOString() }))
        .activityReport,
    ).toEqual(own.activityReport);

    const csv = await request(t.app)
      .get(`/activity/${a.globalId}.csv`)
      .query({ from: from.toISOString(), to: to.toISOString() })
      .set("Authorization", `Bearer ${t.operatorKey}`);
    expect(csv.status).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const rows = Object.fromEntries(
      csv.text
        .trim()
        .split("\r\n")
        .slice(1)
        .map((l) => l.split(",")),
    );
    expect(rows).toMatchObject({
      reseller_code: "old-a",
      applications_state_submitted: "1",
      applications_state_issued: "2",
      applications_submitted: "3",
      certificates_issued: "2",
      fees_total_yen: String(fees[0].amount + fees[0].tax),
    });
    const foreign = await request(t.app)
      .get(`/activity/${a.globalId}.csv`)
      .query({ from: from.toISOString(), to: to.toISOString() })
      .set("Authorization", `Bearer ${b.key}`);
    expect(foreign.status).toBe(404);
  });
});

describe("RES-11, REV-9: termination and takeover", () => {
  test("RES-11: a handover deadline 9 days ahead is refused, 10 days accepted; the reseller's keys stop working", async () => {
    t.clock.set(TERMINATED_AT);
    const tooSoon = await terminate(plusDays(TERMINATED_AT, 9));
    expect(tooSoon.userErrors).toEqual([
      { code: "HANDOVER_DEADLINE_TOO_SOON", field: "input.handoverDeadline", message: expect.any(String) },
    ]);
    expect(await keyWorks(t, a.key)).toBe(true);
    const done = await terminate(plusDays(TERMINATED_AT, 10));
    expect(done.userErrors).toEqual([]);
    expect(done).toMatchObject({
      termination: {
        effectiveAt: TERMINATED_AT.toISOString(),
        handoverDeadline: plusDays(TERMINATED_AT, 10).toISOString(),
        autoRenewRevocationDate: REVOKE_ON.toISOString(),
      },
      reseller: { status: "TERMINATED", terminatedAt: TERMINATED_AT.toISOString() },
      scheduledRevocations: 1, // REV-9: only the auto-renew-type certificate; B's is not touched
    });
    expect(await keyWorks(t, a.key)).toBe(false);
    const again = await mutation(
      t,
      t.operatorKey,
      "createApiKey",
      "CreateApiKeyInput",
      { resellerId: a.globalId, name: "revive" },
      "key",
    );
    expect(again.key).toBeNull();
    expect(await t.ds.query(`SELECT count(*)::int AS n FROM revocation WHERE status = 'SCHEDULED'`)).toEqual([
      { n: 1 },
    ]);
  });

  test("REV-9: a reseller termination writes a revocation.scheduled event for every revocation it schedules", async () => {
    // Webhook subscribers learn of a scheduled revocation only from this event (NOT-1), whoever scheduled it.
    const scheduled: { id: string; certificate_id: string }[] = await t.ds.query(
      `SELECT r.id, r.certificate_id FROM revocation r JOIN certificate c ON c.id = r.certificate_id JOIN contract k ON k.id = c.contract_id
       WHERE r.status = 'SCHEDULED' AND k.reseller_id = $1 ORDER BY r.id`,
      [a.id],
    );
    expect(scheduled.length).toBeGreaterThan(0);
    const events: { data: any; subject_id: string }[] = await t.ds.query(
      `SELECT data, subject_id FROM event WHERE type = 'revocation.scheduled' AND reseller_id = $1`,
      [a.id],
    );
    expect(events).toHaveLength(scheduled.length);
    for (const r of scheduled) {
      const own = events.filter((e) => e.data.revocationId === toGlobalId("Revocation", r.id));
      expect(own).toEqual([
        {
          subject_id: toGlobalId("Certificate", r.certificate_id),
          data: expect.objectContaining({ reason: "cessationOfOperation", scheduledFor: REVOKE_ON.toISOString() }),
        },
      ]);
    }
  });

  test("RES-11: the handover export contains every object of the reseller and nothing of any other reseller", async () => {
    const gql = await gqlOk(t, t.operatorKey, `query($r: ID!) { handoverExport(resellerId: $r) }`, { r: a.globalId });
    const res = await request(t.app)
      .get(`/handover/${a.globalId}.json`)
      .set("Authorization", `Bearer ${t.operatorKey}`);
    expect(res.status).toBe(200);
    const file = res.body;
    expect(JSON.parse(gql.handoverExport)).toEqual({ ...file, exportedAt: expect.any(String) });
    expect(file.format).toBe("akashi-handover/1");
    expect(file.reseller).toMatchObject({ id: a.globalId, code: "old-a", status: "TERMINATED" });
    const ids = (list: any[]) => list.map((x) => x.id).sort();
    expect(ids(file.subscribers)).toEqual([...A.subscribers].sort());
    expect(ids(file.contracts)).toEqual([...A.contracts].sort());
    expect(ids(file.certificates)).toEqual([...A.certificates].sort());
    expect(ids(file.openApplications)).toEqual(A.applications);
    const consents = await t.ds.query(`SELECT id FROM consent WHERE reseller_id = $1 ORDER BY id`, [a.id]);
    expect(consents).toHaveLength(9);
    expect(ids(file.consents)).toEqual(consents.map((c: any) => c.id).sort());
    expect(file.subscribers.find((s: any) => s.id === A.subscribers[0]).contacts).toEqual([
      { role: "ADMINISTRATIVE", name: "管理 花子", email: "admin@shop.akashi-demo.jp", phone: null },
    ]);
    expect(file.certificates[0].pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    // Nothing of B, by any identifier.
    const text = JSON.stringify(file);
    const foreign = [
      b.globalId,
      b.id,
      B.subscriber,
      uuid(B.subscriber),
      B.contract,
      uuid(B.contract),
      B.certificate,
      uuid(B.certificate),
      "other-b",
      "他社の契約者",
      NAMES[3],
    ];
    for (const x of foreign) expect(text).not.toContain(x);
    // Operator only.
    expect(
      (await request(t.app).get(`/handover/${a.globalId}.json`).set("Authorization", `Bearer ${b.key}`)).status,
    ).toBe(403);
    expect((await request(t.app).get(`/handover/${a.globalId}.json`)).status).toBe(403);
  });

  test("RES-11: after takeover the successor sees and manages the contracts; the terminated reseller sees nothing", async () => {
    const before = await gqlOk(t, succ.key, `{ contracts { edges { node { id } } } }`);
    expect(before.contracts.edges).toEqual([]);
    const moved = await mutation(
      t,
      t.operatorKey,
      "takeOverContracts",
      "TakeOverContractsInput",
      { resellerId: a.globalId, successorResellerId: succ.globalId },
      "termination { takenOverAt } successor { code } contractsMoved subscribersMoved",
    );
    expect(moved).toEqual({
      termination: { takenOverAt: TERMINATED_AT.toISOString() },
      successor: { code: "successor" },
      contractsMoved: 2,
      subscribersMoved: 2,
      userErrors: [],
    });
    const seen = await gqlOk(
      t,
      succ.key,
      `{ contracts { edges { node { id } } } subscribers { edges { node { id } } } certificates { edges { node { id } } } }`,
    );
    expect(seen.contracts.edges.map((e: any) => e.node.id).sort()).toEqual([...A.contracts].sort());
    expect(seen.subscribers.edges.map((e: any) => e.node.id).sort()).toEqual([...A.subscribers].sort());
    expect(seen.certificates.edges.map((e: any) => e.node.id).sort()).toEqual([...A.certificates].sort());
    const manage = await mutation(
      t,
      succ.key,
      "setDoNotRenew",
      "SetDoNotRenewInput",
      { contractId: A.dvContract, doNotRenew: true },
      "contract { id }",
    );
    expect(manage.userErrors).toEqual([]);
    const revoke = await mutation(
      t,
      succ.key,
      "requestRevocation",
      "RequestRevocationInput",
      { certificateId: A.dvCertificate, reason: "CESSATION_OF_OPERATION", onBehalfOfSubscriber: true },
      "certificate { status }",
    );
    expect(revoke).toEqual({ certificate: { status: "REVOKED" }, userErrors: [] });
    // Audited per object.
    const audit = await t.ds.query(
      `SELECT action, count(*)::int AS n FROM audit_event WHERE action IN ('contract.takeOver', 'subscriber.takeOver') GROUP BY action ORDER BY action`,
    );
    expect(audit).toEqual([
      { action: "contract.takeOver", n: 2 },
      { action: "subscriber.takeOver", n: 2 },
    ]);
    // The terminated reseller: every key refused, and nothing reachable.
    const keys = await t.ds.query(
      `SELECT count(*)::int AS n FROM api_key WHERE reseller_id = $1 AND (revoked_at IS NULL OR revoked_at > $2)`,
      [a.id, TERMINATED_AT],
    );
    expect(keys).toEqual([{ n: 0 }]);
    expect(await keyWorks(t, a.key)).toBe(false);
    // B is untouched.
    const bSees = await gqlOk(t, b.key, `{ contracts { edges { node { id } } } }`);
    expect(bSees.contracts.edges.map((e: any) => e.node.id)).toEqual([B.contract]);
    const twice = await mutation(
      t,
      t.operatorKey,
      "takeOverContracts",
      "TakeOverContractsInput",
      { resellerId: a.globalId, successorResellerId: null },
      "contractsMoved",
    );
    expect(twice.userErrors[0].code).toBe("CONFLICT");
  });

  test("REV-9: the auto-renew-type certificates are revoked on the operator's date", async () => {
    const status = async () =>
      (
        await gqlOk(
          t,
          null,
          `query($s: String!) { certificateStatus(serialNumber: $s) { status revocationReason revokedAt } }`,
          { s: A.autoSerial },
        )
      ).certificateStatus;
    t.clock.set(new Date(REVOKE_ON.getTime() - 1000));
    await t.jobs.runDue();
    expect((await status()).status).toBe("VALID");
    t.clock.set(REVOKE_ON);
    await t.jobs.runDue();
    expect(await status()).toEqual({
      status: "REVOKED",
      revocationReason: "CESSATION_OF_OPERATION",
      revokedAt: REVOKE_ON.toISOString(),
    });
    // B's auto-renew certificate is not affected.
    const bCert = await t.ds.query(`SELECT revoked_at FROM certificate WHERE id = $1`, [uuid(B.certificate)]);
    expect(bCert).toEqual([{ revoked_at: null }]);
  });
});

describe("RES-4, REC-2: retention", () => {
  test("RES-4, REC-2: consents and audit entries of a terminated reseller cannot be deleted within 7 years", async () => {
    expect(await resellerStatus(t, a.globalId)).toBe("TERMINATED");
    await expect(t.ds.query(`DELETE FROM consent WHERE reseller_id = $1`, [a.id])).rejects.toThrow(/REC-2/);
    await expect(t.ds.query(`DELETE FROM audit_event WHERE reseller_id = $1`, [a.id])).rejects.toThrow(/REC-2/);
    await expect(
      t.ds.query(`DELETE FROM reseller_registration_change WHERE reseller_id = $1`, [a.id]),
    ).resolves.toBeDefined(); // none exist: nothing to refuse
    // Six years and 364 days after the end: still refused.
    await t.ds.query(
      `UPDATE reseller SET terminated_at = now() - interval '7 years' + interval '1 day' WHERE id = $1`,
      [a.id],
    );
    await expect(t.ds.query(`DELETE FROM consent WHERE reseller_id = $1`, [a.id])).rejects.toThrow(/REC-2/);
    // Beyond seven years the consents may go; recent audit entries still may not (kept 7 years from writing).
    await t.ds.query(
      `UPDATE reseller SET terminated_at = now() - interval '7 years' - interval '1 day' WHERE id = $1`,
      [a.id],
    );
    const deleted = await t.ds.query(
      `WITH d AS (DELETE FROM consent WHERE reseller_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM d`,
      [a.id],
    );
    expect(deleted).toEqual([{ n: 9 }]);
    await expect(t.ds.query(`DELETE FROM audit_event WHERE reseller_id = $1`, [a.id])).rejects.toThrow(/REC-2/);
    // An active reseller's consents are never deletable.
    await expect(t.ds.query(`DELETE FROM consent WHERE reseller_id = $1`, [b.id])).rejects.toThrow(/REC-2/);
  });
});
