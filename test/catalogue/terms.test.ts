import request from "supertest";
import { createSubscriber, csrFor, gqlOk, productIds, submitApplication } from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";
import { call } from "./catalogue-support";

/** NOT-5, APP-1: the terms documents as published, and the one version an application agrees to. */
const dir = new TempDir();
let t: TestApp;

const IN_FORCE = `{ termsInForce { version effectiveFrom documentUrl textJa textEn } }`;
const DECEMBER = {
  version: "2026-12",
  effectiveFrom: "2026-12-01T00:00:00+09:00",
  textJa: "利用条件（2026年12月版）\n第1条 <適用>",
  textEn: "Terms (December 2026)\n1 <Scope>",
};

beforeAll(async () => {
  t = await startTestApp({ now: new Date("2026-11-21T03:00:00Z") });
});

afterAll(async () => {
  await t.close();
  dir.remove();
});

test("NOT-5: the version in force is public; /terms/{version} serves each published version as published, in Japanese and English", async () => {
  const { termsInForce } = await gqlOk(t, null, IN_FORCE);
  expect(termsInForce).toMatchObject({
    version: "2026-04",
    effectiveFrom: "2026-03-31T15:00:00.000Z",
    documentUrl: "http://akashi.test/terms/2026-04",
  });
  expect(termsInForce.textJa).toContain("Akashi サーバー証明書発行サービス利用条件");

  const ja = await request(t.app).get("/terms/2026-04").set("Accept-Language", "ja,en;q=0.5");
  expect(ja.status).toBe(200);
  expect(ja.headers["content-type"]).toMatch(/^text\/html/);
  expect(ja.headers["content-security-policy"]).toContain("default-src 'none'");
  expect(ja.text).toContain("第6条（変更）");
  const en = await request(t.app).get("/terms/2026-04.txt?lang=en");
  expect(en.text).toBe(termsInForce.textEn);
  expect((await request(t.app).get("/terms/2099-01")).status).toBe(404);

  // Published now, in force from 1 December: served at once, agreed to only from then.
  const published = await call(
    t,
    t.operatorKey,
    "publishTermsVersion",
    "PublishTermsVersionInput",
    DECEMBER,
    "termsVersion { version url textJa }",
  );
  expect(published).toEqual({
    termsVersion: { version: "2026-12", url: "/terms/2026-12", textJa: DECEMBER.textJa },
    userErrors: [],
  });
  const page = await request(t.app).get("/terms/2026-12?lang=ja");
  expect(page.text).toContain("第1条 &lt;適用&gt;"); // text, never markup
  expect((await request(t.app).get("/terms/2026-12.txt?lang=ja")).text).toBe(DECEMBER.textJa);
  expect((await gqlOk(t, null, IN_FORCE)).termsInForce.version).toBe("2026-04");
  await expect(t.ds.query(`UPDATE terms_version SET text_ja = 'changed' WHERE version = '2026-12'`)).rejects.toThrow(
    /history/,
  );
});

test("APP-1, NOT-5: an application agrees to the version in force — any other is refused with TERMS_VERSION_UNKNOWN naming the version to agree to", async () => {
  const r = await t.createReseller("terms");
  const sub = await createSubscriber(t, r.key);
  const products = await productIds(t);
  const apply = (name: string, termsVersion: string) =>
    submitApplication(t, r.key, {
      subscriberId: sub,
      productId: products.DV,
      termMonths: 12,
      names: [name],
      csr: csrFor(dir, [name]),
      consents: { termsVersion, registrantDataUse: true, dataSubjects: true },
    });
  t.clock.set(new Date("2026-11-30T14:59:59Z"));
  const early = await apply("early.terms.akashi-demo.jp", "2026-12");
  expect(early.userErrors).toEqual([
    {
      code: "TERMS_VERSION_UNKNOWN",
      field: "input.consents.termsVersion",
      message: expect.stringContaining('agree to "2026-04"'),
    },
  ]);
  t.clock.set(new Date("2026-11-30T15:00:00Z"));
  const superseded = await apply("old.terms.akashi-demo.jp", "2026-04");
  expect(superseded.userErrors).toEqual([
    {
      code: "TERMS_VERSION_UNKNOWN",
      field: "input.consents.termsVersion",
      message: expect.stringContaining(
        'agree to "2026-12" (in force since 2026-12-01T00:00:00+09:00, text at /terms/2026-12)',
      ),
    },
  ]);
  expect((await apply("new.terms.akashi-demo.jp", "2026-12")).userErrors).toEqual([]);
  expect((await gqlOk(t, null, IN_FORCE)).termsInForce.version).toBe("2026-12");
});
