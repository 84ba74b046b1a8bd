import AxeBuilder from "@axe-core/playwright";
import fs from "node:fs";
import http from "node:http";
import { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../support/browser";
import { DcvWebServer, createSubscriber, gqlOk, issueCertificate, productIds } from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";
import { serverPort } from "../support/spawn-server";

/**
 * SEAL-1..SEAL-5, REV-8 in a real Chromium: the seal on the shop's own domain, on another site, after
 * revocation and expiry, with hostile data, for keyboard and screen-reader users (axe-core), and the
 * verification page it opens. Screenshots of every state go to test-artifacts/seal/.
 */
jest.setTimeout(120_000);

const START = new Date("2026-11-21T03:00:00Z");
const SHOP = ["shop.akashi-demo.jp", "www.shop.akashi-demo.jp"];
const SHOTS = path.resolve(__dirname, "../../test-artifacts/seal");
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let apiServer: http.Server;
let pageServer: http.Server;
let apiOrigin: string;
let pagePort: number;
let browser: Browser;
let reseller: { key: string };
let products: Record<string, string>;
let shop: { sealId: string; certificateId: string; notBefore: string; notAfter: string };
let xssSealId: string;
let dvSealId: string;
let ended: { sealId: string; contractId: string };

const VARIANTS = ["small", "medium", "large"].flatMap((size) =>
  ["light", "dark"].map((theme) => `size="${size}" theme="${theme}"`),
);

/**
 * The embedding site: the two lines of the embed code, served for whatever host the browser asked for.
 * `variants=1` adds the first seal in every size and theme after it (for the screenshots and size checks).
 */
function embeddingPage(q: URLSearchParams): string {
  const ids = (q.get("ids") ?? "").split(",").filter(Boolean);
  const lang = q.get("lang") ?? "ja";
  const attrs = q.get("attrs") ?? "";
  const variants =
    q.get("variants") && ids[0] ? VARIANTS.map((v) => `<akashi-seal seal-id="${ids[0]}" ${v}></akashi-seal>`) : [];
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Shop</title>
<script type="module" src="${apiOrigin}/seal.js"></script></head>
<body><main><h1>Shop</h1>${ids.map((id) => `<akashi-seal seal-id="${id}" ${attrs}></akashi-seal>`).join("\n")}
<div id="variants" style="display:flex;flex-wrap:wrap;gap:8px;padding:8px;background:#e8e8e8;width:760px">${variants.join("")}</div></main></body></html>`;
}

async function seal(page: Page, index = 0) {
  return page.locator("akashi-seal").nth(index);
}

async function settledState(page: Page, index = 0): Promise<string> {
  const el = await seal(page, index);
  await page.waitForFunction((i) => {
    const s = document.querySelectorAll("akashi-seal")[i]?.getAttribute("state");
    return s !== null && s !== undefined && s !== "loading";
  }, index);
  return (await el.getAttribute("state"))!;
}

async function open(
  ctx: BrowserContext,
  host: string,
  ids: string[],
  opts: { lang?: string; attrs?: string } = {},
): Promise<Page> {
  const page = await ctx.newPage();
  const q = new URLSearchParams({
    ids: ids.join(","),
    lang: opts.lang ?? "ja",
    attrs: opts.attrs ?? "",
    variants: "1",
  });
  await page.goto(`http://${host}:${pagePort}/?${q}`);
  return page;
}

/**
 * Every size and theme of the seal in this state: text at least 12 px, no line cut off, every variant in
 * the same state; then a screenshot of all six (<name>.png).
 */
async function shot(page: Page, name: string): Promise<void> {
  await page.waitForFunction((n) => {
    const all = [...document.querySelectorAll("akashi-seal")];
    return all.length === n && new Set(all.map((e) => e.getAttribute("state"))).size === 1;
  }, 1 + VARIANTS.length);
  const lines = await page.evaluate(() =>
    [...document.querySelectorAll("#variants akashi-seal")].flatMap((el) =>
      [...(el.shadowRoot?.querySelectorAll(".t span") ?? [])]
        .filter((s) => getComputedStyle(s).display !== "none")
        .map((s) => ({
          variant: `${el.getAttribute("size")}/${el.getAttribute("theme")}`,
          text: s.textContent,
          px: parseFloat(getComputedStyle(s).fontSize),
          cut: s.scrollWidth > s.clientWidth,
        })),
    ),
  );
  expect(lines.length).toBeGreaterThanOrEqual(VARIANTS.length);
  for (const l of lines) expect({ ...l, px: l.px >= 12 }).toEqual({ ...l, px: true });
  // Only an organisation name may be long enough to need an ellipsis; status, domain and time always fit.
  const cut = lines.filter((l) => l.cut && !/株式会社|K\.K\.|<img/.test(l.text ?? ""));
  expect(cut).toEqual([]);
  fs.mkdirSync(SHOTS, { recursive: true });
  await (await seal(page)).screenshot({ path: path.join(SHOTS, `${name}.png`) });
  await page.locator("#variants").screenshot({ path: path.join(SHOTS, `${name}-sizes-themes.png`) });
}

async function axeClean(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).include("akashi-seal").analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

async function newSeal(
  names: string[],
  org = "株式会社デモショップ",
  more: { nameEn?: string; product?: string } = {},
): Promise<{ sealId: string; certificateId: string; contractId: string; notBefore: string; notAfter: string }> {
  const subscriberId = await createSubscriber(t, reseller.key, {
    name: org,
    ...(more.nameEn ? { nameEn: more.nameEn } : {}),
  });
  const app = await issueCertificate(t, dcv, dir, reseller.key, subscriberId, products[more.product ?? "OV"], names);
  const created = await gqlOk(
    t,
    reseller.key,
    `mutation($id: ID!) { createSeal(input: { contractId: $id }) { seal { id } } }`,
    { id: app.contract.id },
  );
  return {
    sealId: created.createSeal.seal.id,
    certificateId: app.certificate.id,
    contractId: app.contract.id,
    notBefore: app.certificate.notBefore,
    notAfter: app.certificate.notAfter,
  };
}

beforeAll(async () => {
  await dcv.start();
  const apiPort = await serverPort();
  apiOrigin = `http://akashi.test:${apiPort}`;
  t = await startTestApp({
    now: START,
    env: {
      PUBLIC_BASE_URL: apiOrigin,
      AKASHI_DCV_HOST_OVERRIDES: dcv.overrides([
        ...SHOP,
        "xss.akashi-demo.jp",
        "dv.akashi-demo.jp",
        "ended.akashi-demo.jp",
      ]),
    },
  });
  if (!t.services.widgetAssets())
    throw new Error("dist/widget is missing: run `npm test` (it builds) or `npm run build`.");
  apiServer = http.createServer(t.app).listen(apiPort, "127.0.0.1");
  pageServer = http.createServer((req, res) =>
    res
      .writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
      .end(embeddingPage(new URL(req.url ?? "/", "http://x").searchParams)),
  );
  await new Promise<void>((r) => pageServer.listen(0, "127.0.0.1", r));
  pagePort = (pageServer.address() as AddressInfo).port;
  reseller = await t.createReseller("browser");
  products = await productIds(t);
  shop = await newSeal(SHOP, "株式会社デモショップ", { nameEn: "Demo Shop K.K." });
  xssSealId = (await newSeal(["xss.akashi-demo.jp"], `<img src=x onerror=alert(1)>`)).sealId;
  dvSealId = (await newSeal(["dv.akashi-demo.jp"], "個人 山田", { product: "DV" })).sealId;
  ended = await newSeal(["ended.akashi-demo.jp"]);
  browser = await launchChromium([
    "shop.akashi-demo.jp",
    "www.shop.akashi-demo.jp",
    "evil.example",
    "akashi.test",
    "xss.akashi-demo.jp",
    "dv.akashi-demo.jp",
    "ended.akashi-demo.jp",
  ]);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => pageServer?.close(r));
  await new Promise((r) => apiServer?.close(r));
  await t?.close();
  await dcv.close();
  dir.remove();
});

beforeEach(() => t.clock.set(START));

/** A fresh context per check: no cached status from an earlier state. */
async function withContext<T>(work: (ctx: BrowserContext) => Promise<T>): Promise<T> {
  const ctx = await browser.newContext();
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}

const SIZE = { width: 228, height: 78 }; // medium

test("SEAL-2: on the certificate's own domain the badge says verified, with the operator mark, the organisation in the page's language and a labelled time of check; zero axe violations", async () => {
  for (const lang of ["ja", "en"]) {
    await withContext(async (ctx) => {
      const page = await open(ctx, "shop.akashi-demo.jp", [shop.sealId], { lang });
      expect(await settledState(page)).toBe("valid");
      const link = page.locator("akashi-seal a").first();
      const label = (await link.getAttribute("aria-label"))!;
      expect(label).toContain("shop.akashi-demo.jp");
      expect(label).toContain(lang === "ja" ? "認証済み" : "verified");
      expect(await link.getAttribute("rel")).toBe("noopener");
      expect(await link.getAttribute("referrerpolicy")).toBe("strict-origin");
      expect(await link.getAttribute("target")).toBe("_blank");
      const lines = await page.evaluate(() =>
        [...(document.querySelector("akashi-seal")?.shadowRoot?.querySelectorAll(".t span") ?? [])].map(
          (s) => s.textContent,
        ),
      );
      expect(lines).toEqual(
        lang === "ja"
          ? ["認証済み", "株式会社デモショップ", "shop.akashi-demo.jp", "確認 2026-11-21 12:00"]
          : ["Verified", "Demo Shop K.K.", "shop.akashi-demo.jp", "Checked 2026-11-21 12:00"],
      );
      expect(await page.locator("akashi-seal svg path.m").first().count()).toBe(1); // the operator mark
      const box = await (await seal(page)).boundingBox();
      expect({ width: Math.round(box!.width), height: Math.round(box!.height) }).toEqual(SIZE);
      await axeClean(page);
      await shot(page, `valid-${lang}`);
    });
  }
});

test("SEAL-1: a DV seal shows no organisation line; small shows the organisation in place of the domain for OV", async () => {
  await withContext(async (ctx) => {
    const page = await open(ctx, "dv.akashi-demo.jp", [dvSealId], { lang: "ja" });
    expect(await settledState(page)).toBe("valid");
    const visible = await page.evaluate(() =>
      [...(document.querySelector("akashi-seal")?.shadowRoot?.querySelectorAll(".t span") ?? [])]
        .filter((s) => getComputedStyle(s).display !== "none")
        .map((s) => s.textContent),
    );
    expect(visible).toEqual(["認証済み", "dv.akashi-demo.jp", "確認 2026-11-21 12:00"]);
    await axeClean(page);
    await shot(page, "valid-dv-ja");
    const ov = await open(ctx, "shop.akashi-demo.jp", [shop.sealId], { lang: "ja", attrs: 'size="small"' });
    expect(await settledState(ov)).toBe("valid");
    const small = await ov.evaluate(() =>
      [...(document.querySelector("akashi-seal")?.shadowRoot?.querySelectorAll(".t span") ?? [])]
        .filter((s) => getComputedStyle(s).display !== "none")
        .map((s) => s.textContent),
    );
    expect(small).toEqual(["認証済み", "株式会社デモショップ", "確認 2026-11-21 12:00"]);
  });
});

test("SEAL-2: the same seal on another site says not valid for this site", async () => {
  for (const lang of ["ja", "en"]) {
    await withContext(async (ctx) => {
      const page = await open(ctx, "evil.example", [shop.sealId], { lang });
      expect(await settledState(page)).toBe("wrong-site");
      expect(await page.locator("akashi-seal a").first().getAttribute("aria-label")).toMatch(
        lang === "ja" ? /このサイトでは無効/ : /not valid for this site/i,
      );
      await axeClean(page);
      await shot(page, `wrong-site-${lang}`);
    });
  }
});

test("the loading, unknown and network-failure states keep the same size and never claim validity", async () => {
  await withContext(async (ctx) => {
    const page = await ctx.newPage();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route("**/graphql**", async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`http://shop.akashi-demo.jp:${pagePort}/?ids=${shop.sealId}&lang=en&variants=1`);
    await page.waitForFunction(() => document.querySelector("akashi-seal")?.shadowRoot?.querySelector("a"));
    expect(await (await seal(page)).getAttribute("state")).toBe("loading");
    const box = await (await seal(page)).boundingBox();
    expect({ width: Math.round(box!.width), height: Math.round(box!.height) }).toEqual(SIZE);
    await axeClean(page);
    await shot(page, "loading-en");
    release();
    expect(await settledState(page)).toBe("valid");
  });
  for (const lang of ["ja", "en"]) {
    await withContext(async (ctx) => {
      const unknown = await open(ctx, "shop.akashi-demo.jp", ["AAAAAAAAAAAAAAAAAAAAAAAA"], { lang });
      expect(await settledState(unknown)).toBe("unknown");
      await axeClean(unknown);
      await shot(unknown, `unknown-${lang}`);
      const offline = await ctx.newPage();
      await offline.route("**/graphql**", (route) => route.abort());
      await offline.goto(`http://shop.akashi-demo.jp:${pagePort}/?ids=${shop.sealId}&lang=${lang}&variants=1`);
      expect(await settledState(offline)).toBe("network-error");
      const label = (await offline.locator("akashi-seal a").first().getAttribute("aria-label"))!;
      expect(label).not.toMatch(lang === "ja" ? /認証済み/ : /verified/);
      await axeClean(offline);
      await shot(offline, `network-error-${lang}`);
    });
  }
});

test("SEAL-4: not yet valid and expired (moved clock) show not valid", async () => {
  for (const [state, at] of [
    ["not-yet-valid", new Date(Date.parse(shop.notBefore) - 60_000)],
    ["expired", new Date(Date.parse(shop.notAfter) + 60_000)],
  ] as const) {
    t.clock.set(at);
    for (const lang of ["ja", "en"]) {
      await withContext(async (ctx) => {
        const page = await open(ctx, "shop.akashi-demo.jp", [shop.sealId], { lang });
        expect(await settledState(page)).toBe(state);
        expect(await page.locator("akashi-seal a").first().getAttribute("aria-label")).toMatch(
          lang === "ja" ? /無効/ : /not valid/i,
        );
        await axeClean(page);
        await shot(page, `${state}-${lang}`);
      });
    }
  }
});

test("SEAL-2: an organisation name with markup renders as text", async () => {
  await withContext(async (ctx) => {
    const page = await open(ctx, "xss.akashi-demo.jp", [xssSealId], { lang: "en" });
    expect(await settledState(page)).toBe("valid");
    const inShadow = await page.evaluate(() => {
      const root = document.querySelector("akashi-seal")!.shadowRoot!;
      return { imgs: root.querySelectorAll("img").length, label: root.querySelector("a")!.getAttribute("aria-label") };
    });
    expect(inShadow.imgs).toBe(0);
    expect(inShadow.label).toContain("<img src=x onerror=alert(1)>");
    expect(await page.evaluate(() => document.querySelectorAll("img").length)).toBe(0);
    await shot(page, "xss-organisation-en");
  });
});

test("single-page apps: seals created by script and a changed seal-id work; several seals share one status request", async () => {
  await withContext(async (ctx) => {
    const page = await ctx.newPage();
    const statusRequests: string[] = [];
    page.on("request", (r) => r.url().includes("/graphql") && statusRequests.push(r.url()));
    await page.goto(
      `http://shop.akashi-demo.jp:${pagePort}/?ids=${shop.sealId},${shop.sealId},AAAAAAAAAAAAAAAAAAAAAAAA&lang=en`,
    );
    expect(await settledState(page, 0)).toBe("valid");
    expect(await settledState(page, 2)).toBe("unknown");
    expect(statusRequests).toHaveLength(1);
    expect(statusRequests[0]).toContain("seals");
    await page.evaluate((id) => {
      const el = document.createElement("akashi-seal");
      el.setAttribute("seal-id", "BBBBBBBBBBBBBBBBBBBBBBBB");
      document.body.appendChild(el);
      setTimeout(() => el.setAttribute("seal-id", id), 50);
    }, shop.sealId);
    await page.waitForFunction(() => document.querySelectorAll("akashi-seal")[3]?.getAttribute("state") === "valid");
  });
});

test("SEAL-2: clicking opens the verification page in a new tab; the browser's Referer, not ?origin=, gives the origin verdict", async () => {
  await withContext(async (ctx) => {
    const page = await open(ctx, "www.shop.akashi-demo.jp", [shop.sealId], { lang: "en" });
    expect(await settledState(page)).toBe("valid");
    const [popup] = await Promise.all([ctx.waitForEvent("page"), page.locator("akashi-seal a").first().click()]);
    await popup.waitForLoadState();
    expect(popup.url()).toBe(
      `${apiOrigin}/verify/${shop.sealId}?origin=${encodeURIComponent(`http://www.shop.akashi-demo.jp:${pagePort}`)}&lang=en`,
    );
    // `covers` (not `claimed-covers`) proves the page judged the Referer the browser really sent.
    expect(await popup.locator("[data-origin-verdict]").getAttribute("data-origin-verdict")).toBe("covers");
    expect(await popup.locator("[data-origin-verdict]").innerText()).toContain(
      `You came from http://www.shop.akashi-demo.jp:${pagePort} (as your browser reported).`,
    );
    expect(await popup.locator("section.verdict h1").innerText()).toBe("This certificate is valid");
    expect(await popup.locator("section.verdict").getAttribute("data-verdict")).toBe("valid");
    expect(await popup.evaluate(() => window.opener)).toBeNull();
    fs.mkdirSync(SHOTS, { recursive: true });
    await popup.screenshot({ path: path.join(SHOTS, "verification-page-valid-en.png"), fullPage: true });
    const results = await new AxeBuilder({ page: popup }).analyze();
    expect(results.violations.map((v) => v.id)).toEqual([]);

    const evil = await open(ctx, "evil.example", [shop.sealId], { lang: "en" });
    await settledState(evil);
    const [evilPopup] = await Promise.all([ctx.waitForEvent("page"), evil.locator("akashi-seal a").first().click()]);
    await evilPopup.waitForLoadState();
    expect(evilPopup.url()).toBe(
      `${apiOrigin}/verify/${shop.sealId}?origin=${encodeURIComponent(`http://evil.example:${pagePort}`)}&lang=en`,
    );
    expect(await evilPopup.locator("[data-origin-verdict]").getAttribute("data-origin-verdict")).toBe("does-not-cover");
    // The page leads with the verdict for the visitor's situation, as the seal on that site does.
    expect(await evilPopup.locator("section.verdict").getAttribute("data-verdict")).toBe("wrong-site");
    expect(await evilPopup.locator("section.verdict h1").innerText()).toBe("Not valid for the site you came from");
    await evilPopup.screenshot({ path: path.join(SHOTS, "verification-page-wrong-site-en.png"), fullPage: true });
  });
});

test("SEAL-2: the verification page refuses to be framed", async () => {
  await withContext(async (ctx) => {
    const page = await ctx.newPage();
    await page.setContent(`<iframe id="f" src="${apiOrigin}/verify/${shop.sealId}" width="600" height="400"></iframe>`);
    await page.waitForTimeout(1000);
    const frame = page.frames().find((f) => f !== page.mainFrame())!;
    const text = await frame.evaluate(() => document.body?.innerText ?? "").catch(() => "");
    expect(text).not.toContain("This certificate is valid");
    expect(text).not.toContain("この証明書は有効です");
  });
});

test("SEAL-4: when the contract has ended (cancelled) the badge says the service ended", async () => {
  const cancelled = await gqlOk(
    t,
    reseller.key,
    `mutation($id: ID!) { cancelContract(input: { contractId: $id }) { contract { cancellationEffectiveAt } userErrors { code } } }`,
    { id: ended.contractId },
  );
  expect(cancelled.cancelContract.userErrors).toEqual([]);
  await t.jobs.scheduleRecurring();
  t.clock.set(new Date(Date.parse(cancelled.cancelContract.contract.cancellationEffectiveAt) + 60_000));
  await t.jobs.runDue();
  for (const lang of ["ja", "en"]) {
    await withContext(async (ctx) => {
      const page = await open(ctx, "ended.akashi-demo.jp", [ended.sealId], { lang });
      expect(await settledState(page)).toBe("service-ended");
      expect(await page.locator("akashi-seal a").first().getAttribute("aria-label")).toMatch(
        lang === "ja" ? /サービス終了/ : /Service ended/,
      );
      await axeClean(page);
      await shot(page, `service-ended-${lang}`);
    });
  }
});

test("REV-8: after revocation through GraphQL the badge and the page say revoked", async () => {
  await gqlOk(
    t,
    reseller.key,
    `mutation($id: ID!) { requestRevocation(input: { certificateId: $id, reason: KEY_COMPROMISE }) { userErrors { code } } }`,
    { id: shop.certificateId },
  );
  for (const lang of ["ja", "en"]) {
    await withContext(async (ctx) => {
      const page = await open(ctx, "shop.akashi-demo.jp", [shop.sealId], { lang });
      expect(await settledState(page)).toBe("revoked");
      await axeClean(page);
      await shot(page, `revoked-${lang}`);
      const verify = await ctx.newPage();
      await verify.goto(`${apiOrigin}/verify/${shop.sealId}?lang=${lang}`);
      expect(await verify.locator("section.verdict").getAttribute("data-status")).toBe("REVOKED");
      expect(await verify.locator("section.verdict").getAttribute("data-verdict")).toBe("not-valid");
      await verify.screenshot({ path: path.join(SHOTS, `verification-page-revoked-${lang}.png`), fullPage: true });
    });
  }
});
