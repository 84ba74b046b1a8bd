import { TempDir } from "../support/openssl";
import {
  DcvWebServer,
  createSubscriber,
  csrFor,
  gqlOk,
  issueCertificate,
  productIds,
  submitApplication,
} from "../support/lifecycle";
import { TestApp, startTestApp } from "../support/test-app";
import { SmtpTestServer } from "./smtp-test-server";

/**
 * NOT-1, NOT-2, RES-5: notices leave as e-mail through a real SMTP server running in this test
 * process. Issuance is driven end to end through GraphQL; the job runner is driven by hand.
 */
const EN_NAMES = ["en.akashi-demo.jp"];
const JA_NAMES = ["ja.akashi-demo.jp"];
const dir = new TempDir();
const dcv = new DcvWebServer();
const smtp = new SmtpTestServer();
let t: TestApp;
let reseller: { id: string; key: string };
let products: Record<string, string>;
let enSubscriber: string;
let jaSubscriber: string;
const RESELLER_ADDRESS = "mailer@reseller.akashi-demo.jp";
const NOTICE_CONTACT = "notices@en-shop.example";

const NOTICES = `{ notices(first: 100) { edges { node { id kind recipient language subject emailTo sentAt attempts } } } }`;

async function notices(key: string): Promise<any[]> {
  return (await gqlOk(t, key, NOTICES)).notices.edges.map((e: any) => e.node);
}

async function rejectFreshApplication(names: string[], reason: string): Promise<void> {
  const submitted = await submitApplication(t, reseller.key, {
    subscriberId: jaSubscriber,
    productId: products.DV,
    termMonths: 12,
    names,
    csr: csrFor(dir, names),
  });
  expect(submitted.userErrors).toEqual([]);
  const r = await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!, $reason: String!) { rejectApplication(input: { applicationId: $id, ground: OTHER, reason: $reason }) { userErrors { code } } }`,
    { id: submitted.application.id, reason },
  );
  expect(r.rejectApplication.userErrors).toEqual([]);
}

beforeAll(async () => {
  await smtp.start();
  await dcv.start();
  // Saturday 2026-11-21, 12:00 JST.
  t = await startTestApp({
    now: new Date("2026-11-21T03:00:00Z"),
    env: { SMTP_URL: smtp.url, AKASHI_DCV_HOST_OVERRIDES: dcv.overrides([...EN_NAMES, ...JA_NAMES]) },
  });
  reseller = await t.createReseller("mailer");
  products = await productIds(t);
  enSubscriber = await createSubscriber(t, reseller.key, {
    name: "テストショップ株式会社",
    nameEn: "Test Shop Inc.",
    preferredLanguage: "EN",
    contacts: [
      { role: "NOTICE", name: "Notice Desk", email: NOTICE_CONTACT },
      { role: "TECHNICAL", name: "Tech", email: "tech@en-shop.example" },
    ],
  });
  jaSubscriber = await createSubscriber(t, reseller.key, { name: "日本ショップ株式会社" });
});

afterAll(async () => {
  await t.close();
  await smtp.stop();
  await dcv.close();
  dir.remove();
});

test("NOT-1, RES-5, J 4.5: issuing a certificate e-mails the reseller and, in English, the subscriber's NOTICE contact; NOT-2: sent_at is the send time", async () => {
  const issued = await issueCertificate(t, dcv, dir, reseller.key, enSubscriber, products.DV, EN_NAMES);
  const serial = issued.certificate.serialNumber;
  // Written with the issuance, not yet sent: nothing has reached the server.
  expect(smtp.messages).toHaveLength(0);
  const queued = (await notices(reseller.key)).filter((n) => n.kind === "CERTIFICATE_ISSUED");
  // Both are written in the same instant; their list order is by id, so compare them sorted.
  expect(queued.map((n) => [n.recipient, n.language, n.emailTo, n.sentAt]).sort()).toEqual([
    ["RESELLER", "EN", null, null],
    ["SUBSCRIBER", "EN", NOTICE_CONTACT, null],
  ]);

  t.clock.set(new Date("2026-11-21T03:00:30Z"));
  await t.jobs.runDue();
  expect(smtp.messages).toHaveLength(2);

  const [toReseller] = smtp.to(RESELLER_ADDRESS);
  expect(toReseller.subject).toBe("Certificate issued: en.akashi-demo.jp");
  expect(toReseller.headers.from).toBe("Akashi <no-reply@localhost>");
  expect(toReseller.headers["content-language"]).toBe("en");
  expect(toReseller.text).toContain(
    "For the attention of Test Shop Inc.: as the managing reseller, please pass this notice on promptly.\n\nDear Test Shop Inc.,\n",
  );
  expect(toReseller.text).toContain("Dear Test Shop Inc.,");
  expect(toReseller.text).toContain(`Serial number: ${serial}\n`);
  expect(toReseller.text).toContain("Names: en.akashi-demo.jp\n");
  expect(toReseller.text).toContain("Valid from: 2026-11-21 12:00:00 JST\n");
  // VAL-7: 200 days less one day from 2026-11-21 12:00 JST.
  expect(toReseller.text).toContain("Valid until: 2027-06-08 12:00:00 JST\n");
  expect(toReseller.text).toContain(`node(id: "${issued.certificate.id}")`);
  expect(toReseller.text).not.toMatch(/[\u3040-\u30ff]/); // no Japanese kana in the English notice

  const [toContact] = smtp.to(NOTICE_CONTACT);
  expect(toContact.subject).toBe("Certificate issued: en.akashi-demo.jp");
  expect(
    toContact.text.startsWith(
      "Dear Test Shop Inc.,\n\nThe server certificate you applied for (Domain validated) has been issued.\n",
    ),
  ).toBe(true);
  expect(toContact.text).toContain("Your managing reseller (mailer 株式会社) provides the certificate and its chain");
  expect(toContact.text).toContain("Valid until: 2027-06-08 12:00:00 JST\n");
  expect(smtp.to("tech@en-shop.example")).toHaveLength(0); // only NOTICE contacts get notices

  const sent = (await notices(t.operatorKey)).filter((n) => n.kind === "CERTIFICATE_ISSUED");
  expect(sent.map((n) => n.sentAt)).toEqual(["2026-11-21T03:00:30.000Z", "2026-11-21T03:00:30.000Z"]);

  // Sent once: running again finds nothing to send.
  t.clock.set(new Date("2026-11-21T03:05:00Z"));
  await t.services.notices.sendDue();
  await t.jobs.runDue();
  expect(smtp.messages).toHaveLength(2);
});

test("NOT-1: a Japanese subscriber without a NOTICE contact is notified only through its reseller, in Japanese", async () => {
  smtp.messages.length = 0;
  const issued = await issueCertificate(t, dcv, dir, reseller.key, jaSubscriber, products.DV, JA_NAMES);
  await t.jobs.runDue();
  expect(smtp.messages.map((m) => m.to)).toEqual([[RESELLER_ADDRESS]]);
  const [m] = smtp.messages;
  expect(m.subject).toBe("【証明書発行のお知らせ】ja.akashi-demo.jp");
  expect(m.headers["content-language"]).toBe("ja");
  expect(m.text).toContain("本通知は日本ショップ株式会社様宛てのものです。");
  expect(m.text).toContain(`シリアル番号: ${issued.certificate.serialNumber}\n`);
  expect(m.text).toContain("有効期間の開始: 2026年11月21日 12:05:00（日本時間）\n");
  expect(m.text).toContain("有効期間の終了: 2027年6月8日 12:05:00（日本時間）\n");
});

test("NOT-2: a notice the SMTP server refuses is not marked sent, is retried after the back-off and delivered once", async () => {
  smtp.messages.length = 0;
  smtp.refuse = true;
  t.clock.set(new Date("2026-11-22T01:00:00Z"));
  await rejectFreshApplication(["refused.akashi-demo.jp"], "書類不備のため");
  await t.jobs.runDue();
  expect(smtp.messages).toHaveLength(0);
  const [failed] = (await notices(t.operatorKey)).filter((n) => n.kind === "APPLICATION_REJECTED");
  expect(failed).toMatchObject({ recipient: "RESELLER", language: "JA", sentAt: null, attempts: 1 });

  // The server takes mail again, but the retry is due only after one minute.
  smtp.refuse = false;
  t.clock.set(new Date("2026-11-22T01:00:59Z"));
  expect(await t.services.notices.sendDue()).toEqual({ sent: 0, failed: 0 });
  expect(smtp.messages).toHaveLength(0);

  t.clock.set(new Date("2026-11-22T01:01:00Z"));
  await t.jobs.runDue();
  await t.jobs.runDue();
  expect(smtp.messages).toHaveLength(1);
  expect(smtp.messages[0].subject).toBe("【お申し込み不承認のお知らせ】refused.akashi-demo.jp");
  expect(smtp.messages[0].text).toContain("理由: 書類不備のため");
  const [delivered] = (await notices(t.operatorKey)).filter((n) => n.kind === "APPLICATION_REJECTED");
  expect(delivered).toMatchObject({ sentAt: "2026-11-22T01:01:00.000Z", attempts: 1 });
});

test("NOT-2: while the SMTP server is down nothing is marked sent; once it is back the notice goes out once", async () => {
  smtp.messages.length = 0;
  const port = smtp.port;
  await smtp.stop();
  t.clock.set(new Date("2026-11-23T01:00:00Z"));
  await rejectFreshApplication(["down.akashi-demo.jp"], "Server down test");
  expect(await t.services.notices.sendDue()).toEqual({ sent: 0, failed: 1 });
  const waiting = (await notices(t.operatorKey)).filter((n) => n.kind === "APPLICATION_REJECTED" && n.sentAt === null);
  expect(waiting).toHaveLength(1);
  expect(waiting[0].attempts).toBe(1);

  await smtp.start(port);
  // The retry job the failure enqueued is due one minute after the first attempt.
  t.clock.set(new Date("2026-11-23T01:01:00Z"));
  await t.jobs.runDue();
  expect(smtp.messages).toHaveLength(1);
  expect(smtp.messages[0].subject).toBe("【お申し込み不承認のお知らせ】down.akashi-demo.jp");
  await t.jobs.runDue();
  expect(await t.services.notices.sendDue()).toEqual({ sent: 0, failed: 0 });
  expect(smtp.messages).toHaveLength(1);
});

test("CON-3: renewal notices written by the contract calendar are e-mailed to the managing reseller", async () => {
  smtp.messages.length = 0;
  // The DV terms from 2026-11-21 end 2027-11-30; their renewal window opens 2027-09-01 00:00 JST (VAL-5).
  t.clock.set(new Date("2027-08-31T14:00:00Z")); // 23:00 JST
  await t.jobs.scheduleRecurring();
  t.clock.set(new Date("2027-08-31T15:10:00Z")); // 2027-09-01 00:10 JST: the daily sweep and the notice sweep are due
  await t.jobs.runDue();
  const renewal = smtp.messages.filter((m) => /Renewal|更新/.test(m.subject));
  expect(renewal.map((m) => [m.to, m.subject]).sort()).toEqual(
    [
      [[RESELLER_ADDRESS], "Renewal notice: Test Shop Inc., Domain validated (term ends 2027-11-30T23:59:59+09:00)"],
      [[RESELLER_ADDRESS], "【更新のご案内】日本ショップ株式会社 ドメイン認証型（2027-11-30T23:59:59+09:00満了）"],
    ].sort(),
  );
  const rows = (await notices(reseller.key)).filter((n) => n.kind === "RENEWAL_DUE");
  expect(rows.map((n) => n.sentAt)).toEqual(["2027-08-31T15:10:00.000Z", "2027-08-31T15:10:00.000Z"]);
});

test("RES-3: another reseller sees none of these notices", async () => {
  const other = await t.createReseller("other-mailer");
  expect(await notices(other.key)).toEqual([]);
  const all = await notices(t.operatorKey);
  const own = await notices(reseller.key);
  expect(own.length).toBe(all.length);
  expect(own.length).toBeGreaterThanOrEqual(7);
  const anon = await t.gql(null, NOTICES);
  expect(anon.errors?.[0].extensions?.code).toBe("FORBIDDEN");
});
