import { fromGlobalId } from "../../api/src/ids";
import { TempDir } from "../support/openssl";
import { createSubscriber, csrFor, gqlOk, productIds, submitApplication } from "../support/lifecycle";
import { TestApp, startTestApp } from "../support/test-app";
import { SmtpTestServer } from "./smtp-test-server";

/** NOT-2..NOT-5: the operator's announcements, posted publicly and e-mailed to every active reseller. */
const dir = new TempDir();
const smtp = new SmtpTestServer();
let t: TestApp;
let resellers: { id: string; key: string }[];

const MAINTENANCE = `mutation($input: AnnounceMaintenanceInput!) { announceMaintenance(input: $input) { announcement { id kind title startsAt endsAt publishedAt } userErrors { code field } } }`;
const SERVICE_END = `mutation($input: AnnounceServiceEndInput!) { announceServiceEnd(input: $input) { announcement { id kind endsAt } userErrors { code field message } } }`;
const TEXTS = { textJa: "利用条件（2026年12月版）", textEn: "Terms of service (December 2026 edition)" };
const TERMS = `mutation($input: PublishTermsVersionInput!) { publishTermsVersion(input: $input) { termsVersion { version effectiveFrom publishedAt url } announcement { kind startsAt } userErrors { code field } } }`;
const LIST = `{ announcements(first: 10) { edges { node { kind title startsAt endsAt publishedAt } } } }`;

beforeAll(async () => {
  await smtp.start();
  // Saturday 2026-11-21, 12:00 JST.
  t = await startTestApp({ now: new Date("2026-11-21T03:00:00Z"), env: { SMTP_URL: smtp.url } });
  resellers = [await t.createReseller("alpha"), await t.createReseller("beta")];
});

afterAll(async () => {
  await t.close();
  await smtp.stop();
  dir.remove();
});

test("NOT-3: maintenance that has already started is refused; one announced in advance is posted and e-mailed to every active reseller", async () => {
  const past = await gqlOk(t, t.operatorKey, MAINTENANCE, {
    input: {
      title: "DB upgrade",
      body: "Short outage.",
      startsAt: "2026-11-21T02:59:59Z",
      endsAt: "2026-11-21T05:00:00Z",
    },
  });
  expect(past.announceMaintenance).toEqual({
    announcement: null,
    userErrors: [{ code: "MAINTENANCE_NOT_IN_ADVANCE", field: "input.startsAt" }],
  });
  const reversed = await gqlOk(t, t.operatorKey, MAINTENANCE, {
    input: { title: "DB upgrade", body: "x", startsAt: "2026-11-28T16:00:00Z", endsAt: "2026-11-28T15:00:00Z" },
  });
  expect(reversed.announceMaintenance.userErrors).toEqual([{ code: "INVALID_INPUT", field: "input.endsAt" }]);
  const noReason = await gqlOk(t, t.operatorKey, MAINTENANCE, {
    input: { title: "  ", body: "x", startsAt: "2026-11-28T15:00:00Z", endsAt: "2026-11-28T16:00:00Z" },
  });
  expect(noReason.announceMaintenance.userErrors).toEqual([{ code: "INVALID_INPUT", field: "input.title" }]);

  const ok = await gqlOk(t, t.operatorKey, MAINTENANCE, {
    input: {
      title: "データベース更新",
      body: "API が最大1時間応答しません。",
      startsAt: "2026-11-28T15:00:00Z",
      endsAt: "2026-11-28T16:00:00Z",
    },
  });
  expect(ok.announceMaintenance.userErrors).toEqual([]);
  expect(ok.announceMaintenance.announcement).toMatchObject({
    kind: "MAINTENANCE",
    title: "データベース更新",
    publishedAt: "2026-11-21T03:00:00.000Z",
  });

  const listed = await gqlOk(t, null, LIST);
  expect(listed.announcements.edges.map((e: any) => e.node)).toEqual([
    {
      kind: "MAINTENANCE",
      title: "データベース更新",
      startsAt: "2026-11-28T15:00:00.000Z",
      endsAt: "2026-11-28T16:00:00.000Z",
      publishedAt: "2026-11-21T03:00:00.000Z",
    },
  ]);

  await t.jobs.runDue();
  expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual([
    "alpha@reseller.akashi-demo.jp",
    "beta@reseller.akashi-demo.jp",
  ]);
  expect(smtp.messages[0].subject).toBe("【メンテナンスのお知らせ】データベース更新");
  expect(smtp.messages[0].text).toContain(
    "期間: 2026年11月29日 00:00:00（日本時間） ～ 2026年11月29日 01:00:00（日本時間）\n理由: データベース更新\n\nAPI が最大1時間応答しません。",
  );
});

test("NOT-4: ending the service 3 months minus one day ahead is refused; exactly 3 calendar months ahead is accepted", async () => {
  smtp.messages.length = 0;
  const short = await gqlOk(t, t.operatorKey, SERVICE_END, {
    input: { endsAt: "2027-02-20T12:00:00+09:00", body: "ご愛顧ありがとうございました。" },
  });
  expect(short.announceServiceEnd.announcement).toBeNull();
  expect(short.announceServiceEnd.userErrors).toEqual([
    {
      code: "SERVICE_END_NOTICE_TOO_SHORT",
      field: "input.endsAt",
      message: "The service may end no sooner than 2027-02-21T12:00:00+09:00: 3 months' notice (NOT-4).",
    },
  ]);
  const justShort = await gqlOk(t, t.operatorKey, SERVICE_END, {
    input: { endsAt: "2027-02-21T11:59:59+09:00", body: "x" },
  });
  expect(justShort.announceServiceEnd.userErrors[0].code).toBe("SERVICE_END_NOTICE_TOO_SHORT");

  const exact = await gqlOk(t, t.operatorKey, SERVICE_END, {
    input: { endsAt: "2027-02-21T12:00:00+09:00", body: "ご愛顧ありがとうございました。" },
  });
  expect(exact.announceServiceEnd).toEqual({
    announcement: { id: expect.any(String), kind: "SERVICE_END", endsAt: "2027-02-21T03:00:00.000Z" },
    userErrors: [],
  });
  await t.jobs.runDue();
  expect(smtp.messages).toHaveLength(2);
  expect(smtp.messages[0].subject).toBe("【サービス終了のお知らせ】");
  expect(smtp.messages[0].text).toContain("本サービスは 2027年2月21日 12:00:00（日本時間） をもって終了します。");
});

test("NOT-5: a terms version effective in the future cannot be agreed to before its date; from then on applications record it", async () => {
  const reseller = resellers[0];
  const products = await productIds(t);
  const subscriberId = await createSubscriber(t, reseller.key);
  const past = await gqlOk(t, t.operatorKey, TERMS, {
    input: { version: "2026-10", effectiveFrom: "2026-11-01T00:00:00+09:00", url: "/terms/2026-10", ...TEXTS },
  });
  expect(past.publishTermsVersion.userErrors).toEqual([
    { code: "TERMS_EFFECTIVE_DATE_PASSED", field: "input.effectiveFrom" },
  ]);

  const published = await gqlOk(t, t.operatorKey, TERMS, {
    input: {
      version: "2026-12",
      effectiveFrom: "2026-12-01T00:00:00+09:00",
      url: "https://akashi.test/terms/2026-12",
      ...TEXTS,
    },
  });
  expect(published.publishTermsVersion).toEqual({
    termsVersion: {
      version: "2026-12",
      effectiveFrom: "2026-11-30T15:00:00.000Z",
      publishedAt: "2026-11-21T03:00:00.000Z",
      url: "https://akashi.test/terms/2026-12",
    },
    announcement: { kind: "TERMS_CHANGE", startsAt: "2026-11-30T15:00:00.000Z" },
    userErrors: [],
  });
  const again = await gqlOk(t, t.operatorKey, TERMS, {
    input: { version: "2026-12", effectiveFrom: "2026-12-01T00:00:00+09:00", url: "/terms/x", ...TEXTS },
  });
  expect(again.publishTermsVersion.userErrors).toEqual([{ code: "TERMS_VERSION_EXISTS", field: "input.version" }]);

  const consents = { termsVersion: "2026-12", registrantDataUse: true, dataSubjects: true };
  const apply = (name: string) =>
    submitApplication(t, reseller.key, {
      subscriberId,
      productId: products.DV,
      termMonths: 12,
      names: [name],
      csr: csrFor(dir, [name]),
      consents,
    });
  t.clock.set(new Date("2026-11-30T14:59:59Z")); // one second before it takes effect
  const early = await apply("early.akashi-demo.jp");
  expect(early.userErrors).toEqual([
    {
      code: "TERMS_VERSION_UNKNOWN",
      field: "input.consents.termsVersion",
      message:
        'Terms version "2026-12" is not the version in force; agree to "2026-04" (in force since 2026-04-01T00:00:00+09:00, text at /terms/2026-04).',
    },
  ]);

  t.clock.set(new Date("2026-11-30T15:00:00Z"));
  const onTime = await apply("ontime.akashi-demo.jp");
  expect(onTime.userErrors).toEqual([]);
  const [row] = await t.ds.query(
    `SELECT tv.version FROM consent c JOIN terms_version tv ON tv.id = c.terms_version_id WHERE c.application_id = $1 AND c.kind = 'TERMS'`,
    [fromGlobalId(onTime.application.id)!.id],
  );
  expect(row).toEqual({ version: "2026-12" });
});

test("NOT-2: the announcements are public, newest first; only operators publish", async () => {
  // The clock now stands at 2026-11-30 15:00Z, later than the three announcements above.
  const later = await gqlOk(t, t.operatorKey, MAINTENANCE, {
    input: { title: "Later work", body: "x", startsAt: "2026-12-05T00:00:00Z", endsAt: "2026-12-05T01:00:00Z" },
  });
  expect(later.announceMaintenance.userErrors).toEqual([]);
  const listed = await gqlOk(t, null, LIST);
  const nodes = listed.announcements.edges.map((e: any) => e.node);
  expect(nodes[0]).toMatchObject({ kind: "MAINTENANCE", title: "Later work", publishedAt: "2026-11-30T15:00:00.000Z" });
  expect(
    nodes
      .slice(1)
      .map((n: any) => n.kind)
      .sort(),
  ).toEqual(["MAINTENANCE", "SERVICE_END", "TERMS_CHANGE"]);
  // Paged one at a time, the same order.
  const paged: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = await gqlOk(
      t,
      null,
      `query($after: String) { announcements(first: 1, after: $after) { edges { node { title } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    paged.push(...page.announcements.edges.map((e: any) => e.node.title));
    if (!page.announcements.pageInfo.hasNextPage) break;
    after = page.announcements.pageInfo.endCursor;
  }
  expect(paged).toEqual(nodes.map((n: any) => n.title));
  const byReseller = await t.gql(resellers[0].key, MAINTENANCE, {
    input: { title: "x", body: "x", startsAt: "2027-01-01T00:00:00Z", endsAt: "2027-01-01T01:00:00Z" },
  });
  expect(byReseller.errors?.[0].extensions?.code).toBe("FORBIDDEN");
});

test("NOT-2: two senders at once (as two replicas would) deliver every notice exactly once", async () => {
  for (let i = 0; i < 4; i++) resellers.push(await t.createReseller(`gamma-${i}`));
  t.clock.set(new Date("2026-12-01T00:00:00Z"));
  await t.jobs.runDue(); // sends what is left from earlier tests
  expect(await t.services.notices.sendDue()).toEqual({ sent: 0, failed: 0 });
  smtp.messages.length = 0;
  const r = await gqlOk(t, t.operatorKey, MAINTENANCE, {
    input: {
      title: "Network work",
      body: "Routers.",
      startsAt: "2026-12-10T00:00:00Z",
      endsAt: "2026-12-10T02:00:00Z",
    },
  });
  expect(r.announceMaintenance.userErrors).toEqual([]);
  const results = await Promise.all([
    t.services.notices.sendDue(),
    t.services.notices.sendDue(),
    t.services.notices.sendDue(),
  ]);
  expect(results.reduce((n, x) => n + x.sent, 0)).toBe(6);
  expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual(
    resellers
      .map((_, i) => ["alpha", "beta", "gamma-0", "gamma-1", "gamma-2", "gamma-3"][i] + "@reseller.akashi-demo.jp")
      .sort(),
  );
  const [{ unsent }] = await t.ds.query(`SELECT count(*)::int AS unsent FROM notice WHERE sent_at IS NULL`);
  expect(unsent).toBe(0);
});
