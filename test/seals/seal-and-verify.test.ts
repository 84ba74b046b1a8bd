import request from "supertest";
import {
  CONSENTS,
  DcvWebServer,
  createSubscriber,
  gqlOk,
  issueCertificate,
  productIds,
  reviewAndApprove,
} from "../support/lifecycle";
import { TempDir, makeCsr } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";

/** SEAL-1..SEAL-5, REV-8 on the server side: seals, the public seal query and the verification page. */
const START = new Date("2026-11-21T03:00:00Z");
const NAMES = [
  "shop.akashi-demo.jp",
  "www.shop.akashi-demo.jp",
  "xss.akashi-demo.jp",
  "other.akashi-demo.jp",
  "eigo.akashi-demo.jp",
  "kaimei.akashi-demo.jp",
];
const XSS = `<img src=x onerror=alert(1)> 株式会社"悪意"`;
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let alpha: { id: string; key: string };
let beta: { id: string; key: string };
let products: Record<string, string>;
let shop: any;
let sealId: string;

const SEAL = `query($id: ID!) { seal(id: $id) { id status checkedAt verificationUrl certificate { serialNumber domains organizationName issuerName status revokedAt revocationReason notAfter } } }`;

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({ now: START, env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) } });
  alpha = await t.createReseller("seal-alpha");
  beta = await t.createReseller("seal-beta");
  products = await productIds(t);
  const subscriberId = await createSubscriber(t, alpha.key, { name: "株式会社デモショップ" });
  shop = await issueCertificate(t, dcv, dir, alpha.key, subscriberId, products.OV, [
    "shop.akashi-demo.jp",
    "www.shop.akashi-demo.jp",
  ]);
  const created = await gqlOk(
    t,
    alpha.key,
    `mutation($id: ID!) { createSeal(input: { contractId: $id }) { seal { id status } embed { stable pinned } userErrors { code } } }`,
    { id: shop.contract.id },
  );
  sealId = created.createSeal.seal.id;
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

beforeEach(() => t.clock.set(START));

test("SEAL-1: the managing reseller gets a seal with an opaque id and the embed code; asking again returns the same seal", async () => {
  expect(sealId).toMatch(/^[A-Za-z0-9_-]{24}$/);
  const again = await gqlOk(
    t,
    alpha.key,
    `mutation($id: ID!) { createSeal(input: { contractId: $id }) { seal { id } embed { stable } } }`,
    { id: shop.contract.id },
  );
  expect(again.createSeal.seal.id).toBe(sealId);
  expect(again.createSeal.embed.stable).toBe(
    `<script type="module" src="http://akashi.test/seal.js"></script>\n<akashi-seal seal-id="${sealId}"></akashi-seal>`,
  );
});

test("SEAL-1, RES-3: another reseller cannot create a seal for a contract it does not manage", async () => {
  const res = await gqlOk(
    t,
    beta.key,
    `mutation($id: ID!) { createSeal(input: { contractId: $id }) { seal { id } userErrors { code } } }`,
    { id: shop.contract.id },
  );
  expect(res.createSeal).toEqual({ seal: null, userErrors: [{ code: "NOT_FOUND" }] });
});

test("SEAL-3: the database refuses to move a seal to another subscriber", async () => {
  const other = await createSubscriber(t, alpha.key, { name: "別の会社" });
  const otherUuid = Buffer.from(other, "base64url").toString().split(":")[1];
  await expect(t.ds.query(`UPDATE seal SET subscriber_id = $1 WHERE id = $2`, [otherUuid, sealId])).rejects.toThrow(
    /SEAL-3/,
  );
});

test("SEAL-5: the public seal query is anonymous, cacheable over GET, and null for an unknown seal", async () => {
  const query = `{ seal(id: "${sealId}") { status certificate { domains organizationName } } unknown: seal(id: "AAAAAAAAAAAAAAAAAAAAAAAA") { status } }`;
  const res = await request(t.app).get("/graphql").query({ query });
  expect(res.status).toBe(200);
  expect(res.headers["cache-control"]).toBe("max-age=30, public");
  expect(res.headers["access-control-allow-origin"]).toBe("*");
  expect(res.body.data).toEqual({
    seal: {
      status: "VALID",
      certificate: {
        domains: ["shop.akashi-demo.jp", "www.shop.akashi-demo.jp"],
        organizationName: "株式会社デモショップ",
      },
    },
    unknown: null,
  });
});

describe("the verification page", () => {
  test("SEAL-2: it cannot be framed or changed: strict CSP, no script, DENY, no-store, nosniff", async () => {
    const res = await request(t.app).get(`/verify/${sealId}`);
    expect(res.status).toBe(200);
    const csp = res.headers["content-security-policy"];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("script-src");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    expect(res.text).not.toMatch(/<script/i);
  });

  test("SEAL-5: it shows organisation, every name, validation level, issuer by name, serial, SHA-256 fingerprint, validity, status and the time of the check in JST", async () => {
    const res = await request(t.app).get(`/verify/${sealId}`).set("Accept-Language", "ja,en;q=0.5");
    expect(res.text).toContain('<html lang="ja">');
    expect(res.text).toContain("<h1>この証明書は有効です</h1>");
    const fingerprint = (shop.certificate.sha256Fingerprint as string).toUpperCase().replace(/(..)(?!$)/g, "$1:");
    for (const s of [
      "株式会社デモショップ",
      "shop.akashi-demo.jp",
      "www.shop.akashi-demo.jp",
      "OV（組織認証）",
      '<dt>発行者</dt><dd><span lang="en">Akashi TLS Issuing CA 1</span></dd>',
      shop.certificate.serialNumber,
      fingerprint,
      "2026-11-21 12:00:00 JST",
    ]) {
      expect(res.text).toContain(s);
    }
    expect(res.text).not.toContain("CN=Akashi"); // the issuer by name, not as a DN
    const en = await request(t.app).get(`/verify/${sealId}?lang=en`).set("Accept-Language", "ja");
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain("<h1>This certificate is valid</h1>");
    expect(en.text).toContain("OV (organization validated)");
  });

  test("SEAL-5: the English page names the organisation in English when it has an English name, with the certificate's own name beside it", async () => {
    const subscriberId = await createSubscriber(t, alpha.key, { name: "株式会社英語名", nameEn: "Eigomei K.K." });
    const issued = await issueCertificate(t, dcv, dir, alpha.key, subscriberId, products.OV, ["eigo.akashi-demo.jp"]);
    const created = await gqlOk(
      t,
      alpha.key,
      `mutation($id: ID!) { createSeal(input: { contractId: $id }) { seal { id certificate { organizationName organizationNameEn validationLevel issuerCommonName } } } }`,
      { id: issued.contract.id },
    );
    expect(created.createSeal.seal.certificate).toEqual({
      organizationName: "株式会社英語名",
      organizationNameEn: "Eigomei K.K.",
      validationLevel: "OV",
      issuerCommonName: "Akashi TLS Issuing CA 1",
    });
    const id = created.createSeal.seal.id;
    const en = await request(t.app).get(`/verify/${id}?lang=en`);
    expect(en.text).toContain(
      '<dt>Organization</dt><dd>Eigomei K.K.<span class="sub"><span lang="ja">株式会社英語名</span> (in the certificate)</span></dd>',
    );
    const ja = await request(t.app).get(`/verify/${id}?lang=ja`);
    expect(ja.text).toContain("<dt>組織名</dt><dd>株式会社英語名</dd>");
    expect(ja.text).not.toContain("Eigomei");
    // Without an English name, the English page shows the certificate's name, marked as Japanese.
    const plain = await request(t.app).get(`/verify/${sealId}?lang=en`);
    expect(plain.text).toContain('<dt>Organization</dt><dd><span lang="ja">株式会社デモショップ</span></dd>');
  });

  test("SEAL-5: a new English name reaches the seal and the English page at once (the views hear of subscriber renames)", async () => {
    const subscriberId = await createSubscriber(t, alpha.key, { name: "株式会社改名", nameEn: "Kaimei K.K." });
    const issued = await issueCertificate(t, dcv, dir, alpha.key, subscriberId, products.OV, ["kaimei.akashi-demo.jp"]);
    const created = await gqlOk(
      t,
      alpha.key,
      `mutation($id: ID!) { createSeal(input: { contractId: $id }) { seal { id } } }`,
      { id: issued.contract.id },
    );
    const id = created.createSeal.seal.id;
    const seal = `query($id: ID!) { seal(id: $id) { certificate { organizationNameEn } } }`;
    // Read once so both views hold the old name in memory.
    expect((await gqlOk(t, null, seal, { id })).seal.certificate.organizationNameEn).toBe("Kaimei K.K.");
    expect((await request(t.app).get(`/verify/${id}?lang=en`)).text).toContain("<dd>Kaimei K.K.<span");
    // CON-6: the reseller asks, the operator confirms; the rename takes effect at the confirmation.
    const asked = await gqlOk(
      t,
      alpha.key,
      `mutation($id: ID!) { updateSubscriber(input: { id: $id, nameEn: "Kaimei Holdings K.K." }) { subscriber { pendingChange { id } } } }`,
      { id: subscriberId },
    );
    await gqlOk(
      t,
      t.operatorKey,
      `mutation($id: ID!) { confirmSubscriberChange(input: { changeId: $id }) { userErrors { code } } }`,
      { id: asked.updateSubscriber.subscriber.pendingChange.id },
    );
    expect((await gqlOk(t, null, seal, { id })).seal.certificate.organizationNameEn).toBe("Kaimei Holdings K.K.");
    const page = (await request(t.app).get(`/verify/${id}?lang=en`)).text;
    expect(page).toContain("<dd>Kaimei Holdings K.K.<span");
    expect(page).not.toContain("Kaimei K.K.");
  });

  /** The origin paragraph of a verification page, exactly as served. */
  const originLine = (text: string) => /<p class="origin"[^>]*>[^<]*<\/p>/.exec(text)?.[0];
  /** The verdict box's attributes and headline. */
  const verdict = (text: string) => {
    const m =
      /<section class="verdict (ok|bad)" data-status="([A-Z_]+)" data-verdict="([a-z-]+)" data-claimed="(true|false)"><h1>(.*?)<\/h1>/.exec(
        text,
      );
    return m ? { tone: m[1], status: m[2], verdict: m[3], claimed: m[4] === "true", headline: m[5] } : null;
  };

  test("SEAL-2: with a Referer it states the origin the visitor came from, and leads with a red headline when the certificate does not cover it", async () => {
    const covered = await request(t.app)
      .get(`/verify/${sealId}?lang=en`)
      .set("Referer", "https://shop.akashi-demo.jp/cart?x=1");
    expect(originLine(covered.text)).toBe(
      '<p class="origin" data-origin-verdict="covers" data-origin-mismatch="false">You came from https://shop.akashi-demo.jp (as your browser reported). This certificate covers that site.</p>',
    );
    expect(verdict(covered.text)).toEqual({
      tone: "ok",
      status: "VALID",
      verdict: "valid",
      claimed: false,
      headline: "This certificate is valid",
    });
    const evil = await request(t.app).get(`/verify/${sealId}?lang=en`).set("Referer", "https://evil.example/landing");
    expect(originLine(evil.text)).toBe(
      '<p class="origin" data-origin-verdict="does-not-cover" data-origin-mismatch="false">You came from https://evil.example (as your browser reported). This certificate does not cover that site. The seal is not legitimately shown there.</p>',
    );
    expect(verdict(evil.text)).toEqual({
      tone: "bad",
      status: "VALID",
      verdict: "wrong-site",
      claimed: false,
      headline: "Not valid for the site you came from",
    });
    expect(evil.text).not.toContain("This certificate is valid");
    const ja = await request(t.app).get(`/verify/${sealId}?lang=ja`).set("Referer", "https://evil.example/");
    expect(verdict(ja.text)).toEqual({
      tone: "bad",
      status: "VALID",
      verdict: "wrong-site",
      claimed: false,
      headline: "あなたが来たサイトでは、この証明書は有効ではありません",
    });
    expect(originLine(ja.text)).toBe(
      '<p class="origin" data-origin-verdict="does-not-cover" data-origin-mismatch="false">あなたは https://evil.example からこのページを開きました（ブラウザーによる通知）。 この証明書はそのサイトを対象としていません。そのサイトでのシールの表示は正当ではありません。</p>',
    );
    expect(ja.text).not.toContain("この証明書は有効です");
  });

  test("SEAL-2: a Referer and an ?origin= that agree give the plain verdict", async () => {
    const both = await request(t.app)
      .get(`/verify/${sealId}`)
      .query({ origin: "https://www.shop.akashi-demo.jp", lang: "en" })
      .set("Referer", "https://www.shop.akashi-demo.jp/");
    expect(originLine(both.text)).toBe(
      '<p class="origin" data-origin-verdict="covers" data-origin-mismatch="false">You came from https://www.shop.akashi-demo.jp (as your browser reported). This certificate covers that site.</p>',
    );
  });

  test("SEAL-2: when ?origin= and the Referer disagree, the page believes the Referer and mentions the claim", async () => {
    // The phishing case: a link to a real seal claiming the covered site, followed from another site.
    const phish = await request(t.app)
      .get(`/verify/${sealId}`)
      .query({ origin: "https://shop.akashi-demo.jp", lang: "en" })
      .set("Referer", "https://evil.example/login");
    expect(originLine(phish.text)).toBe(
      '<p class="origin" data-origin-verdict="does-not-cover" data-origin-mismatch="true">You came from https://evil.example (as your browser reported). This certificate does not cover that site. The seal is not legitimately shown there. The link said it was opened from https://shop.akashi-demo.jp; this page goes by what your browser reported.</p>',
    );
    expect(verdict(phish.text)?.verdict).toBe("wrong-site");
    expect(phish.text).not.toContain('data-origin-verdict="covers"');
    // The language switch passes on the origin the verdict rests on, so the other language stays red.
    expect(phish.text).toContain(`href="/verify/${sealId}?lang=ja&amp;origin=https%3A%2F%2Fevil.example"`);
    const switched = await request(t.app)
      .get(`/verify/${sealId}`)
      .query({ origin: "https://evil.example", lang: "ja" })
      .set("Referer", `http://akashi.test/verify/${sealId}?lang=en`);
    expect(verdict(switched.text)).toMatchObject({ tone: "bad", verdict: "wrong-site", claimed: true });
  });

  test("SEAL-2: ?origin= alone is only reported as a claim; a claimed site the certificate does not cover still gets the red headline, marked as a claim", async () => {
    const covered = await request(t.app)
      .get(`/verify/${sealId}`)
      .query({ origin: "https://www.shop.akashi-demo.jp", lang: "en" });
    expect(originLine(covered.text)).toBe(
      '<p class="origin" data-origin-verdict="claimed-covers" data-origin-mismatch="false">The link says it was opened from https://www.shop.akashi-demo.jp (a claim your browser did not confirm). Check the address bar of that page. If that page really is at this address, this certificate covers that site.</p>',
    );
    expect(verdict(covered.text)).toMatchObject({ tone: "ok", verdict: "valid", claimed: false });
    expect(covered.text).not.toContain("You came from");
    const evil = await request(t.app).get(`/verify/${sealId}`).query({ origin: "https://evil.example", lang: "en" });
    expect(originLine(evil.text)).toBe(
      '<p class="origin" data-origin-verdict="claimed-does-not-cover" data-origin-mismatch="false">The link says it was opened from https://evil.example (a claim your browser did not confirm). Check the address bar of that page. Even by its own claim, this certificate does not cover that site. The seal is not legitimately shown there.</p>',
    );
    expect(verdict(evil.text)).toEqual({
      tone: "bad",
      status: "VALID",
      verdict: "wrong-site",
      claimed: true,
      headline: 'Not valid for the site you came from <span class="tag">as the link claims</span>',
    });
    const ja = await request(t.app).get(`/verify/${sealId}`).query({ origin: "https://evil.example", lang: "ja" });
    expect(verdict(ja.text)?.headline).toBe(
      'あなたが来たサイトでは、この証明書は有効ではありません <span class="tag">リンクの申告による</span>',
    );
    expect(ja.text).not.toContain("から開きました（ブラウザーによる通知）");
  });

  test("SEAL-2: with neither (or only unusable values, or a Referer from the operator's own pages) it says it cannot tell", async () => {
    const none = await request(t.app).get(`/verify/${sealId}?lang=en`);
    expect(originLine(none.text)).toBe(
      '<p class="origin" data-origin-verdict="unknown" data-origin-mismatch="false">We cannot tell which site you came from. Check that the address of the site you were viewing is among the domain names below.</p>',
    );
    expect(verdict(none.text)?.verdict).toBe("valid");
    for (const bad of ["javascript:alert(1)", "not a url", "<script>", "https://user:pw@shop.akashi-demo.jp"]) {
      const r = await request(t.app).get(`/verify/${sealId}`).query({ origin: bad, lang: "en" }).set("Referer", bad);
      expect(r.text).toContain('data-origin-verdict="unknown"');
      expect(r.text).not.toContain(bad);
    }
    // The language switch on the verification page itself is not "the site the visitor came from".
    const own = await request(t.app)
      .get(`/verify/${sealId}?lang=en`)
      .set("Referer", `http://akashi.test/verify/${sealId}?lang=ja`);
    expect(own.text).toContain('data-origin-verdict="unknown"');
  });

  test("SEAL-2: every value is escaped: an organisation name with markup renders as text", async () => {
    const subscriberId = await createSubscriber(t, alpha.key, { name: XSS });
    const app = await issueCertificate(t, dcv, dir, alpha.key, subscriberId, products.OV, ["xss.akashi-demo.jp"]);
    const seal = await gqlOk(
      t,
      alpha.key,
      `mutation($id: ID!) { createSeal(input: { contractId: $id }) { seal { id certificate { organizationName } } } }`,
      { id: app.contract.id },
    );
    expect(seal.createSeal.seal.certificate.organizationName).toBe(XSS);
    const page = await request(t.app).get(`/verify/${seal.createSeal.seal.id}`);
    expect(page.text).not.toContain("<img");
    expect(page.text).toContain("&lt;img src=x onerror=alert(1)&gt; 株式会社&quot;悪意&quot;");
  });

  test("SEAL-4: an unknown seal says plainly that nothing can be confirmed", async () => {
    const res = await request(t.app).get("/verify/AAAAAAAAAAAAAAAAAAAAAAAA?lang=en");
    expect(res.status).toBe(404);
    expect(res.text).toContain('data-status="UNKNOWN" data-verdict="unknown-seal"');
    expect(res.text).toContain("This site seal is not registered");
    expect(res.headers["x-frame-options"]).toBe("DENY");
  });

  test("REV-5: the page's form files a problem report without JavaScript and gives a short receipt number the operator can look up", async () => {
    const res = await request(t.app)
      .post(`/verify/${sealId}/report?lang=en`)
      .type("form")
      .send({ description: "This seal is shown on a phishing site.", email: "visitor@example.org" });
    expect(res.status).toBe(200);
    const receipt = /<p class="receipt">Receipt number <strong>(\d{4}-\d{4})<\/strong><\/p>/.exec(res.text)?.[1] ?? "";
    expect(receipt).toMatch(/^\d{4}-\d{4}$/);
    expect(res.text).toContain(`First answer due: <span class="nw">2026-11-22 12:00:00 JST</span>`);
    expect(res.text).not.toMatch(/UHJvYmxlbVJlcG9ydD/); // no 68-character global ID on the page
    const queue = await gqlOk(
      t,
      t.operatorKey,
      `{ problemReports { edges { node { receiptNumber serialNumber reporterEmail description } } } }`,
    );
    expect(queue.problemReports.edges.map((e: any) => e.node)).toContainEqual({
      receiptNumber: receipt,
      serialNumber: shop.certificate.serialNumber,
      reporterEmail: "visitor@example.org",
      description: `[seal ${sealId}] This seal is shown on a phishing site.`,
    });
    // Read out on the telephone, with or without the hyphen; a misheard digit finds nothing.
    const found = await gqlOk(
      t,
      t.operatorKey,
      `query($n: String!) { problemReportByReceipt(receiptNumber: $n) { receiptNumber description } }`,
      { n: receipt.replace("-", " ") },
    );
    expect(found.problemReportByReceipt.receiptNumber).toBe(receipt);
    const wrongDigit = receipt.slice(0, 8) + String((Number(receipt.slice(8)) + 1) % 10);
    expect(
      (
        await gqlOk(t, t.operatorKey, `query($n: String!) { problemReportByReceipt(receiptNumber: $n) { id } }`, {
          n: wrongDigit,
        })
      ).problemReportByReceipt,
    ).toBeNull();
    const ja = await request(t.app)
      .post(`/verify/${sealId}/report?lang=ja`)
      .type("form")
      .send({ description: "秘密鍵が公開されています。確認してください。" });
    expect(ja.text).toMatch(/<p class="receipt">受付番号 <strong>\d{4}-\d{4}<\/strong><\/p>/);
  });

  test("REV-5: a refused report says why in the page's language", async () => {
    const res = await request(t.app)
      .post(`/verify/${sealId}/report?lang=ja`)
      .type("form")
      .send({ description: "短い" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("報告を受け付けられませんでした");
    expect(res.text).toContain("内容を 10〜5000 文字で書いてください。");
  });
});

test("SEAL-1: after a renewal the same seal shows the new certificate", async () => {
  const subscriberId = await createSubscriber(t, alpha.key, { name: "更新テスト株式会社" });
  const first = await issueCertificate(t, dcv, dir, alpha.key, subscriberId, products.OV, ["other.akashi-demo.jp"]);
  const created = await gqlOk(
    t,
    alpha.key,
    `mutation($id: ID!) { createSeal(input: { contractId: $id }) { seal { id certificate { serialNumber } } } }`,
    { id: first.contract.id },
  );
  const id = created.createSeal.seal.id;
  t.clock.set(new Date("2027-08-31T15:00:00Z")); // the renewal window of a term ending 2027-11-30
  const renewal = await gqlOk(
    t,
    alpha.key,
    `mutation($input: SubmitRenewalInput!) { submitRenewal(input: $input) { application { id domainValidations { name method token status } } userErrors { code } } }`,
    {
      input: {
        contractId: first.contract.id,
        termMonths: 12,
        csr: makeCsr(dir, "renew-other", {
          key: "ec-p256",
          subj: "/CN=other.akashi-demo.jp",
          san: ["other.akashi-demo.jp"],
        }).csrPem,
        consents: CONSENTS,
      },
    },
  );
  const renewed = await reviewAndApprove(t, dcv, alpha.key, renewal.submitRenewal.application);
  const seal = await gqlOk(t, null, SEAL, { id });
  expect(seal.seal.certificate.serialNumber).toBe(renewed.certificate.serialNumber);
  expect(seal.seal.status).toBe("VALID");
});

test("REV-8, SEAL-4: after revocation the seal and the page say revoked; after expiry, expired", async () => {
  const subscriberId = await createSubscriber(t, alpha.key, { name: "失効テスト株式会社" });
  const issued = await issueCertificate(t, dcv, dir, alpha.key, subscriberId, products.OV, ["www.shop.akashi-demo.jp"]);
  const seal = await gqlOk(
    t,
    alpha.key,
    `mutation($id: ID!) { createSeal(input: { contractId: $id }) { seal { id } } }`,
    { id: issued.contract.id },
  );
  const id = seal.createSeal.seal.id;
  // Expiry first, with the clock moved past notAfter.
  t.clock.set(new Date(Date.parse(issued.certificate.notAfter) + 1000));
  expect((await gqlOk(t, null, SEAL, { id })).seal.status).toBe("EXPIRED");
  expect((await request(t.app).get(`/verify/${id}?lang=en`)).text).toContain("Expired");
  t.clock.set(START);
  await gqlOk(
    t,
    alpha.key,
    `mutation($id: ID!) { requestRevocation(input: { certificateId: $id, reason: KEY_COMPROMISE }) { userErrors { code } } }`,
    { id: issued.certificate.id },
  );
  const after = await gqlOk(t, null, SEAL, { id });
  expect(after.seal).toMatchObject({
    status: "REVOKED",
    certificate: { status: "REVOKED", revocationReason: "KEY_COMPROMISE", revokedAt: START.toISOString() },
  });
  const page = await request(t.app).get(`/verify/${id}?lang=en`);
  expect(page.text).toContain("This certificate is not valid");
  expect(page.text).toContain("Key compromise");
  expect(page.text).toContain("2026-11-21 12:00:00 JST");
});

test("SEAL-5, STAT-3: a verification page is kept at most one second of the service clock, and a revocation shows on it at once", async () => {
  const subscriberId = await createSubscriber(t, alpha.key, { name: "保持テスト株式会社" });
  const issued = await issueCertificate(t, dcv, dir, alpha.key, subscriberId, products.OV, ["www.shop.akashi-demo.jp"]);
  const seal = await gqlOk(
    t,
    alpha.key,
    `mutation($id: ID!) { createSeal(input: { contractId: $id }) { seal { id } } }`,
    { id: issued.contract.id },
  );
  const path = `/verify/${seal.createSeal.seal.id}?lang=en`;
  const first = await request(t.app).get(path);
  expect(first.text).toContain("2026-11-21 12:00:00 JST");
  t.clock.advance(999);
  expect((await request(t.app).get(path)).text).toBe(first.text);
  t.clock.advance(1);
  expect((await request(t.app).get(path)).text).toContain("2026-11-21 12:00:01 JST");
  // Another visitor's origin is another page, never the one kept for the first.
  const evil = await request(t.app).get(path).set("Referer", "https://evil.example/");
  expect(evil.text).toContain("evil.example");
  await gqlOk(
    t,
    alpha.key,
    `mutation($id: ID!) { requestRevocation(input: { certificateId: $id, reason: KEY_COMPROMISE }) { userErrors { code } } }`,
    { id: issued.certificate.id },
  );
  expect((await request(t.app).get(path)).text).toContain("This certificate is not valid");
});

test("SEAL-5: the public seal carries the certificate's PEM and chain for anyone who wants to check it", async () => {
  const res = await gqlOk(t, null, `query($id: ID!) { seal(id: $id) { certificate { pem chainPem } } }`, {
    id: sealId,
  });
  expect(res.seal.certificate.pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  expect(res.seal.certificate.chainPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  expect(res.seal.certificate.chainPem.startsWith(res.seal.certificate.pem)).toBe(true);
});
