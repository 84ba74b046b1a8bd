import { API_KEY_EXPIRY_JOB } from "../../api/src/resellers/api-key-governance.service";
import { systemActor } from "../../api/src/auth/caller";
import {
  CONSENTS,
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
import { keyWorks, mutation, plusDays, resellerStatus } from "./governance-support";

/** RES-1, RES-2, RES-8, RES-9, RES-10, RES-12 over GraphQL. */
const NAMES = Array.from({ length: 12 }, (_, i) => `g${i}.governance.akashi-demo.jp`);
const START = new Date("2026-11-21T03:00:00Z");
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let products: Record<string, string>;
let nameIndex = 0;

const CURE = "cureNotice { id ground detail issuedAt deadline curedAt }";
const SUSPENSION = "suspension { id immediate reason startsAt endsAt liftedAt } reseller { status } revokedKeyCount";

async function resellerWithCertificate(code: string) {
  const r = await t.createReseller(code);
  const subscriberId = await createSubscriber(t, r.key, {
    contacts: [{ role: "NOTICE", name: "通知 太郎", email: `notice@${code}.akashi-demo.jp` }],
  });
  const app = await issueCertificate(t, dcv, dir, r.key, subscriberId, products.DV, [NAMES[nameIndex++]]);
  return { ...r, subscriberId, contractId: app.contract.id as string, certificateId: app.certificate.id as string };
}

function cureNotice(resellerId: string, deadline: Date) {
  return mutation(
    t,
    t.operatorKey,
    "issueCureNotice",
    "IssueCureNoticeInput",
    {
      resellerId,
      ground: "MATERIAL_BREACH",
      detail: "2026年10月分の手数料が未払いです。",
      deadline: deadline.toISOString(),
    },
    CURE,
  );
}

function newApplication(key: string, subscriberId: string) {
  const names = [NAMES[nameIndex++]];
  return submitApplication(t, key, {
    subscriberId,
    productId: products.DV,
    termMonths: 12,
    names,
    csr: csrFor(dir, names),
  });
}

function renewal(key: string, contractId: string) {
  return mutation(
    t,
    key,
    "submitRenewal",
    "SubmitRenewalInput",
    { contractId, termMonths: 12, csr: csrFor(dir, [NAMES[0]]), consents: CONSENTS },
    "application { id }",
  );
}

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

beforeEach(() => t.clock.set(START));

describe("RES-1: designation and registered data", () => {
  test("RES-1: designation records the ¥250,000 fee plus tax, and nothing when waived", async () => {
    const created = await mutation(
      t,
      t.operatorKey,
      "createReseller",
      "CreateResellerInput",
      {
        code: "fee-payer",
        name: "手数料 株式会社",
        representativeName: "代表 一郎",
        contactEmail: "fee@payer.akashi-demo.jp",
      },
      "reseller { id designationFeeWaived }",
    );
    const waived = await mutation(
      t,
      t.operatorKey,
      "createReseller",
      "CreateResellerInput",
      {
        code: "domain-registrar",
        name: "ドメイン 株式会社",
        representativeName: "代表 二郎",
        contactEmail: "x@registrar.akashi-demo.jp",
        designationFeeWaived: true,
      },
      "reseller { id designationFeeWaived }",
    );
    expect(created.userErrors).toEqual([]);
    const charges = await gqlOk(
      t,
      t.operatorKey,
      `query($r: ID!) { charges(resellerId: $r) { edges { node { kind amountYen taxYen } } } }`,
      { r: created.reseller.id },
    );
    expect(charges.charges.edges.map((e: any) => e.node)).toEqual([
      { kind: "DESIGNATION", amountYen: 250000, taxYen: 25000 },
    ]);
    const none = await gqlOk(
      t,
      t.operatorKey,
      `query($r: ID!) { charges(resellerId: $r) { edges { node { kind } } } }`,
      { r: waived.reseller.id },
    );
    expect(none.charges.edges).toEqual([]);
  });

  test("RES-1: changes of registered data are recorded with their date", async () => {
    const r = await t.createReseller("renamed");
    t.clock.set(new Date("2027-01-05T01:00:00Z"));
    const res = await mutation(
      t,
      t.operatorKey,
      "updateReseller",
      "UpdateResellerInput",
      { resellerId: r.globalId, name: "新社名 株式会社", contactPhone: "03-0000-0000" },
      "reseller { name contactPhone registrationChanges { field oldValue newValue changedAt } } changes { field }",
    );
    expect(res.userErrors).toEqual([]);
    expect(res.reseller.registrationChanges).toEqual([
      {
        field: "name",
        oldValue: "renamed 株式会社",
        newValue: "新社名 株式会社",
        changedAt: "2027-01-05T01:00:00.000Z",
      },
      { field: "contactPhone", oldValue: null, newValue: "03-0000-0000", changedAt: "2027-01-05T01:00:00.000Z" },
    ]);
    const audit = await t.ds.query(
      `SELECT action, reason FROM audit_event WHERE reseller_id = $1 AND action = 'reseller.update'`,
      [r.id],
    );
    expect(audit).toEqual([{ action: "reseller.update", reason: "name, contactPhone" }]);
    // A reseller cannot rewrite its own registration.
    const self = await t.gql(
      r.key,
      `mutation($input: UpdateResellerInput!) { updateReseller(input: $input) { userErrors { code } } }`,
      { input: { resellerId: r.globalId, name: "x" } },
    );
    expect(self.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
});

describe("RES-12: ACME-variant brokering needs its own application", () => {
  test("RES-12: enableAcme is refused without the reseller's application and accepted after it", async () => {
    const r = await t.createReseller("acme-broker");
    const before = await mutation(
      t,
      t.operatorKey,
      "enableAcme",
      "ResellerIdInput",
      { resellerId: r.globalId },
      "reseller { acmeEnabled }",
    );
    expect(before.userErrors).toEqual([
      { code: "ACME_APPLICATION_MISSING", field: "input.resellerId", message: expect.any(String) },
    ]);
    await expect(t.ds.query(`UPDATE reseller SET acme_enabled = true WHERE id = $1`, [r.id])).rejects.toThrow(/RES-12/);
    const applied = await mutation(
      t,
      r.key,
      "applyForAcme",
      "ApplyForAcmeInput",
      { note: "ACME自動化を提供したい" },
      "acmeApplication { id decision }",
    );
    expect(applied.acmeApplication).toEqual({ id: expect.any(String), decision: null });
    const after = await mutation(
      t,
      t.operatorKey,
      "enableAcme",
      "ResellerIdInput",
      { resellerId: r.globalId },
      "reseller { acmeEnabled acmeApplications { decision } }",
    );
    expect(after).toEqual({
      reseller: { acmeEnabled: true, acmeApplications: [{ decision: "APPROVED" }] },
      userErrors: [],
    });
  });
});

describe("RES-2: credentials", () => {
  test("RES-2: a reseller rotates its own key without downtime; the old one stops after the overlap", async () => {
    const r = await t.createReseller("rotator");
    const keys = await gqlOk(t, r.key, `{ apiKeys { id name } }`);
    const rotated = await mutation(
      t,
      r.key,
      "rotateApiKey",
      "RotateApiKeyInput",
      { id: keys.apiKeys[0].id, name: "portal-2027", overlapHours: 2 },
      "apiKey { name } key previousApiKey { revokedAt }",
    );
    expect(rotated.userErrors).toEqual([]);
    expect(rotated.previousApiKey.revokedAt).toBe("2026-11-21T05:00:00.000Z");
    expect(await keyWorks(t, rotated.key)).toBe(true);
    expect(await keyWorks(t, r.key)).toBe(true);
    t.clock.set(new Date("2026-11-21T04:59:59Z"));
    expect(await keyWorks(t, r.key)).toBe(true);
    t.clock.set(new Date("2026-11-21T05:00:00Z"));
    expect(await keyWorks(t, r.key)).toBe(false);
    expect(await keyWorks(t, rotated.key)).toBe(true);
    const list = await gqlOk(t, rotated.key, `{ apiKeys { name createdAt lastUsedAt revokedAt } }`);
    expect(list.apiKeys.map((k: any) => k.name)).toEqual(["rotator key", "portal-2027"]);
  });

  test("RES-2: the operator invalidates all keys of a reseller at once", async () => {
    const r = await t.createReseller("many-keys");
    const second = await t.services.apiKeys.create(systemActor("test"), { resellerId: r.id, name: "second" });
    const res = await mutation(
      t,
      t.operatorKey,
      "invalidateAllKeys",
      "InvalidateAllKeysInput",
      { resellerId: r.globalId, reason: "漏えいの疑い" },
      "revokedCount",
    );
    expect(res).toEqual({ revokedCount: 2, userErrors: [] });
    expect(await keyWorks(t, r.key)).toBe(false);
    expect(await keyWorks(t, second.key)).toBe(false);
    // Only the operator may.
    const other = await t.createReseller("not-operator");
    const denied = await t.gql(
      other.key,
      `mutation($input: InvalidateAllKeysInput!) { invalidateAllKeys(input: $input) { revokedCount } }`,
      { input: { resellerId: other.globalId, reason: "x" } },
    );
    expect(denied.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  test("RES-2: a key expiring within 30 days appears once in the reseller's notices", async () => {
    const r = await t.createReseller("expiring");
    await t.services.apiKeys.create(systemActor("test"), {
      resellerId: r.id,
      name: "short-lived",
      expiresAt: new Date("2027-01-10T00:00:00Z"),
    });
    const run = async (at: string) => {
      t.clock.set(new Date(at));
      await t.ds.query(`INSERT INTO job (kind, run_at) VALUES ($1, $2)`, [API_KEY_EXPIRY_JOB, new Date(at)]);
      await t.jobs.runDue();
    };
    const notices = async () =>
      (await gqlOk(t, r.key, `{ notices(first: 100) { edges { node { kind subject } } } }`)).notices.edges
        .map((e: any) => e.node)
        .filter((n: any) => n.kind === "API_KEY_EXPIRING");
    await run("2026-12-10T00:00:00Z"); // 31 days ahead: not yet
    expect(await notices()).toEqual([]);
    await run("2026-12-11T00:00:00Z"); // exactly 30 days ahead
    await run("2026-12-12T00:00:00Z");
    expect(await notices()).toEqual([
      { kind: "API_KEY_EXPIRING", subject: expect.stringContaining("2027-01-10T09:00:00+09:00") },
    ]);
  });
});

describe("RES-8: cure notice and suspension", () => {
  test("RES-8: a cure notice with a 29-day deadline is refused, 30 days accepted", async () => {
    const r = await t.createReseller("cure-deadline");
    const tooSoon = await cureNotice(r.globalId, plusDays(START, 29));
    expect(tooSoon).toEqual({
      cureNotice: null,
      userErrors: [{ code: "CURE_DEADLINE_TOO_SOON", field: "input.deadline", message: expect.any(String) }],
    });
    expect(
      await t.ds.query(`SELECT count(*)::int AS n FROM reseller_cure_notice WHERE reseller_id = $1`, [r.id]),
    ).toEqual([{ n: 0 }]);
    const ok = await cureNotice(r.globalId, plusDays(START, 30));
    expect(ok.userErrors).toEqual([]);
    expect(ok.cureNotice).toMatchObject({
      ground: "MATERIAL_BREACH",
      issuedAt: START.toISOString(),
      deadline: plusDays(START, 30).toISOString(),
      curedAt: null,
    });
    // The database refuses a shorter deadline from any code path, too.
    await expect(
      t.ds.query(
        `INSERT INTO reseller_cure_notice (reseller_id, ground, detail, issued_at, deadline) VALUES ($1, 'NO_RESPONSE', 'x', $2, $3)`,
        [r.id, START, plusDays(START, 29)],
      ),
    ).rejects.toThrow();
    // The reseller sees the notice addressed to it.
    const mine = await gqlOk(t, r.key, `{ notices(first: 100) { edges { node { kind } } } }`);
    expect(mine.notices.edges.map((e: any) => e.node.kind)).toContain("RESELLER_CURE_NOTICE");
  });

  test("RES-8: suspension is refused before the deadline; while suspended new applications and renewals are refused, revocation requests and reads work", async () => {
    const r = await resellerWithCertificate("suspended-one");
    const notice = (await cureNotice(r.globalId, plusDays(START, 30))).cureNotice;
    const suspend = () =>
      mutation(
        t,
        t.operatorKey,
        "suspendReseller",
        "SuspendResellerInput",
        { resellerId: r.globalId, cureNoticeId: notice.id, endsAt: null, reason: "手数料未払い" },
        SUSPENSION,
      );
    t.clock.set(plusDays(START, 29));
    expect((await suspend()).userErrors).toEqual([
      { code: "CURE_DEADLINE_NOT_PASSED", field: "input.cureNoticeId", message: expect.any(String) },
    ]);
    expect(await resellerStatus(t, r.globalId)).toBe("ACTIVE");

    t.clock.set(plusDays(START, 30));
    const suspended = await suspend();
    expect(suspended.userErrors).toEqual([]);
    expect(suspended.suspension).toMatchObject({
      immediate: false,
      startsAt: plusDays(START, 30).toISOString(),
      endsAt: null,
      liftedAt: null,
    });
    expect(suspended.reseller.status).toBe("SUSPENDED");

    const app = await newApplication(r.key, r.subscriberId);
    expect(app.userErrors).toEqual([expect.objectContaining({ code: "RESELLER_SUSPENDED" })]);
    const renew = await renewal(r.key, r.contractId);
    expect(renew.userErrors).toEqual([expect.objectContaining({ code: "RESELLER_SUSPENDED" })]);
    const reads = await gqlOk(
      t,
      r.key,
      `{ contracts { edges { node { id } } } subscribers { edges { node { id } } } }`,
    );
    expect(reads.contracts.edges.map((e: any) => e.node.id)).toEqual([r.contractId]);
    const revoke = await mutation(
      t,
      r.key,
      "requestRevocation",
      "RequestRevocationInput",
      { certificateId: r.certificateId, reason: "CESSATION_OF_OPERATION", onBehalfOfSubscriber: true },
      "certificate { status }",
    );
    expect(revoke).toEqual({ certificate: { status: "REVOKED" }, userErrors: [] });

    // Lifted: the renewal is judged on its own merits again (the window is not open yet).
    const lifted = await mutation(
      t,
      t.operatorKey,
      "liftSuspension",
      "LiftSuspensionInput",
      { suspensionId: suspended.suspension.id, reason: "入金確認" },
      SUSPENSION,
    );
    expect(lifted.reseller.status).toBe("ACTIVE");
    const r2 = await resellerWithCertificate("suspended-two");
    expect((await renewal(r2.key, r2.contractId)).userErrors[0].code).toBe("RENEWAL_WINDOW_NOT_OPEN");
    expect((await newApplication(r.key, r.subscriberId)).userErrors).toEqual([]);
  });

  test("RES-8: a suspension with a later start and an end date applies exactly in that period", async () => {
    const r = await resellerWithCertificate("scheduled-susp");
    const notice = (await cureNotice(r.globalId, plusDays(START, 30))).cureNotice;
    t.clock.set(plusDays(START, 31));
    const startsAt = plusDays(START, 33);
    const endsAt = plusDays(START, 40);
    const s = await mutation(
      t,
      t.operatorKey,
      "suspendReseller",
      "SuspendResellerInput",
      {
        resellerId: r.globalId,
        cureNoticeId: notice.id,
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        reason: "信用状態の悪化",
      },
      SUSPENSION,
    );
    expect(s.userErrors).toEqual([]);
    expect(s.reseller.status).toBe("ACTIVE");
    t.clock.set(new Date(startsAt.getTime() - 1000));
    await t.jobs.runDue();
    expect(await resellerStatus(t, r.globalId)).toBe("ACTIVE");
    t.clock.set(startsAt);
    await t.jobs.runDue();
    expect(await resellerStatus(t, r.globalId)).toBe("SUSPENDED");
    expect((await newApplication(r.key, r.subscriberId)).userErrors[0].code).toBe("RESELLER_SUSPENDED");
    t.clock.set(endsAt);
    await t.jobs.runDue();
    expect(await resellerStatus(t, r.globalId)).toBe("ACTIVE");
    expect((await newApplication(r.key, r.subscriberId)).userErrors).toEqual([]);
  });

  test("RES-8: a suspension until cured ends when the operator records the cure", async () => {
    const r = await t.createReseller("until-cured");
    const notice = (await cureNotice(r.globalId, plusDays(START, 30))).cureNotice;
    t.clock.set(plusDays(START, 45));
    const s = await mutation(
      t,
      t.operatorKey,
      "suspendReseller",
      "SuspendResellerInput",
      { resellerId: r.globalId, cureNoticeId: notice.id, reason: "連絡不通" },
      SUSPENSION,
    );
    expect(s.reseller.status).toBe("SUSPENDED");
    t.clock.set(plusDays(START, 50));
    const cured = await mutation(
      t,
      t.operatorKey,
      "cureNoticeCured",
      "CureNoticeIdInput",
      { cureNoticeId: notice.id },
      CURE,
    );
    expect(cured.cureNotice.curedAt).toBe(plusDays(START, 50).toISOString());
    const seen = await gqlOk(
      t,
      r.key,
      `query($id: ID!) { reseller(id: $id) { status suspensions { liftedAt } cureNotices { curedAt } } }`,
      { id: r.globalId },
    );
    expect(seen.reseller).toEqual({
      status: "ACTIVE",
      suspensions: [{ liftedAt: plusDays(START, 50).toISOString() }],
      cureNotices: [{ curedAt: plusDays(START, 50).toISOString() }],
    });
  });
});

describe("RES-9: immediate suspension", () => {
  test("RES-9: immediate suspension makes every old key fail at once, until lifted and new keys issued", async () => {
    const r = await t.createReseller("compromised");
    const more = await Promise.all(
      ["k2", "k3"].map((name) => t.services.apiKeys.create(systemActor("test"), { resellerId: r.id, name })),
    );
    const old = [r.key, ...more.map((k) => k.key)];
    for (const k of old) expect(await keyWorks(t, k)).toBe(true);
    const s = await mutation(
      t,
      t.operatorKey,
      "suspendImmediately",
      "SuspendImmediatelyInput",
      { resellerId: r.globalId, reason: "APIキー漏えい" },
      SUSPENSION,
    );
    expect(s).toMatchObject({
      suspension: { immediate: true, startsAt: START.toISOString(), endsAt: null },
      reseller: { status: "SUSPENDED" },
      revokedKeyCount: 3,
      userErrors: [],
    });
    for (const k of old) expect(await keyWorks(t, k)).toBe(false);
    expect(
      await t.ds.query(
        `SELECT count(*)::int AS n FROM api_key WHERE reseller_id = $1 AND (revoked_at IS NULL OR revoked_at > $2)`,
        [r.id, START],
      ),
    ).toEqual([{ n: 0 }]);

    const lifted = await mutation(
      t,
      t.operatorKey,
      "liftSuspension",
      "LiftSuspensionInput",
      { suspensionId: s.suspension.id, reason: "原因除去を確認" },
      SUSPENSION,
    );
    expect(lifted.reseller.status).toBe("ACTIVE");
    for (const k of old) expect(await keyWorks(t, k)).toBe(false);
    const fresh = await mutation(
      t,
      t.operatorKey,
      "createApiKey",
      "CreateApiKeyInput",
      { resellerId: r.globalId, name: "after-incident" },
      "key",
    );
    expect(await keyWorks(t, fresh.key)).toBe(true);
  });
});

describe("RES-10: direct notices to subscribers", () => {
  test("RES-10: the operator notifies a suspended reseller's subscribers directly; what went to whom is recorded", async () => {
    const r = await resellerWithCertificate("direct-notice");
    const second = await createSubscriber(t, r.key, { name: "連絡先なし 株式会社", contacts: [] });
    const refused = await mutation(
      t,
      t.operatorKey,
      "notifySubscribersDirectly",
      "NotifySubscribersDirectlyInput",
      { resellerId: r.globalId, subject: "s", body: "b" },
      "notices { id }",
    );
    expect(refused.userErrors[0].code).toBe("CONFLICT");
    await mutation(
      t,
      t.operatorKey,
      "suspendImmediately",
      "SuspendImmediatelyInput",
      { resellerId: r.globalId, reason: "漏えい" },
      "suspension { id }",
    );
    const sent = await mutation(
      t,
      t.operatorKey,
      "notifySubscribersDirectly",
      "NotifySubscribersDirectlyInput",
      {
        resellerId: r.globalId,
        subject: "指定事業者の業務停止について",
        body: "停止期間中、同事業者経由の申請は受け付けません。",
      },
      "notices { subscriberId emailTo channel subject }",
    );
    expect(sent.userErrors).toEqual([]);
    const bySubscriber = (a: any, b: any) => (a.subscriberId < b.subscriberId ? -1 : 1);
    expect([...sent.notices].sort(bySubscriber)).toEqual(
      [
        {
          subscriberId: r.subscriberId,
          emailTo: "notice@direct-notice.akashi-demo.jp",
          channel: "EMAIL",
          subject: "指定事業者の業務停止について",
        },
        { subscriberId: second, emailTo: null, channel: "WEB", subject: "指定事業者の業務停止について" },
      ].sort(bySubscriber),
    );
    const record = await gqlOk(
      t,
      t.operatorKey,
      `query($r: ID!) { directNotices(resellerId: $r) { subscriberId emailTo } }`,
      { r: r.globalId },
    );
    expect([...record.directNotices].sort(bySubscriber)).toEqual(
      [
        { subscriberId: r.subscriberId, emailTo: "notice@direct-notice.akashi-demo.jp" },
        { subscriberId: second, emailTo: null },
      ].sort(bySubscriber),
    );
    expect(
      await t.ds.query(
        `SELECT count(*)::int AS n FROM notice WHERE reseller_id = $1 AND direct AND recipient = 'SUBSCRIBER'`,
        [r.id],
      ),
    ).toEqual([{ n: 2 }]);
  });
});
