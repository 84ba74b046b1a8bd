import AxeBuilder from "@axe-core/playwright";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../support/browser";
import { DcvWebServer, createSubscriber, gqlOk, issueCertificate, productIds } from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";
import { serverPort } from "../support/spawn-server";

/**
 * SEAL-2, SEAL-4, SEAL-5, REV-5 in a real Chromium: every state of the verification page and of the report
 * receipt, in Japanese and English, on a 375 px phone and a desktop window (axe on the phone: the DOM is the
 * same at both widths): axe-clean, no horizontal
 * scrolling, no label broken inside a word, the verdict first. Layout also at 320 and 400 px.
 * Screenshots go to test-artifacts/verify/<state>-<lang>-<width>.png.
 */
jest.setTimeout(240_000);

const START = new Date("2026-11-21T03:00:00Z");
const SHOTS = path.resolve(__dirname, "../../test-artifacts/verify");
const NAMES = {
  shop: ["shop.akashi-demo.jp", "www.shop.akashi-demo.jp"],
  revoked: ["revoked.akashi-demo.jp"],
  dv: ["dv.akashi-demo.jp"],
};
const PHONE = { width: 375, height: 740 };
const DESKTOP = { width: 1280, height: 900 };
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let server: http.Server;
let origin: string;
let browser: Browser;
let seals: { shop: string; revoked: string; dv: string; notAfter: string };

interface PageState {
  name: string;
  seal: () => string;
  query?: Record<string, string>;
  referer?: string;
  at?: () => Date;
  expect: { status: number; verdict: string; claimed?: boolean; tone: "ok" | "bad" };
}

/** Every state the page can lead with (SEAL-2: by Referer or claim; SEAL-4: by status). */
const STATES: PageState[] = [
  { name: "valid-no-origin", seal: () => seals.shop, expect: { status: 200, verdict: "valid", tone: "ok" } },
  {
    name: "valid-from-covered-site",
    seal: () => seals.shop,
    referer: "http://www.shop.akashi-demo.jp/",
    expect: { status: 200, verdict: "valid", tone: "ok" },
  },
  {
    name: "valid-claimed-site",
    seal: () => seals.shop,
    query: { origin: "https://shop.akashi-demo.jp" },
    expect: { status: 200, verdict: "valid", tone: "ok" },
  },
  {
    name: "wrong-site",
    seal: () => seals.shop,
    referer: "http://evil.example/",
    expect: { status: 200, verdict: "wrong-site", claimed: false, tone: "bad" },
  },
  {
    name: "wrong-site-claimed",
    seal: () => seals.shop,
    query: { origin: "https://evil.example" },
    expect: { status: 200, verdict: "wrong-site", claimed: true, tone: "bad" },
  },
  {
    name: "wrong-site-phishing-claim",
    seal: () => seals.shop,
    query: { origin: "https://shop.akashi-demo.jp" },
    referer: "http://evil.example/login",
    expect: { status: 200, verdict: "wrong-site", claimed: false, tone: "bad" },
  },
  { name: "dv-valid", seal: () => seals.dv, expect: { status: 200, verdict: "valid", tone: "ok" } },
  {
    name: "revoked",
    seal: () => seals.revoked,
    referer: "http://revoked.akashi-demo.jp/",
    expect: { status: 200, verdict: "not-valid", tone: "bad" },
  },
  {
    name: "expired",
    seal: () => seals.shop,
    at: () => new Date(Date.parse(seals.notAfter) + 60_000),
    expect: { status: 200, verdict: "not-valid", tone: "bad" },
  },
  {
    name: "unknown-seal",
    seal: () => "AAAAAAAAAAAAAAAAAAAAAAAA",
    expect: { status: 404, verdict: "unknown-seal", tone: "bad" },
  },
];

beforeAll(async () => {
  await dcv.start();
  const port = await serverPort();
  origin = `http://akashi.test:${port}`;
  t = await startTestApp({
    now: START,
    env: { PUBLIC_BASE_URL: origin, AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(Object.values(NAMES).flat()) },
  });
  server = http.createServer(t.app).listen(port, "127.0.0.1");
  const reseller = await t.createReseller("verify-browser");
  const products = await productIds(t);
  const make = async (names: string[], product: string, subscriber: Record<string, unknown>) => {
    const subscriberId = await createSubscriber(t, reseller.key, subscriber);
    const issued = await issueCertificate(t, dcv, dir, reseller.key, subscriberId, product, names);
    const created = await gqlOk(
      t,
      reseller.key,
      `mutation($id: ID!) { createSeal(input: { contractId: $id }) { seal { id } } }`,
      { id: issued.contract.id },
    );
    return { sealId: created.createSeal.seal.id as string, issued };
  };
  // A long organisation name and an English name: the phone layout must hold with both.
  const shop = await make(NAMES.shop, products.OV, {
    name: "株式会社デモショップ・ホールディングス東日本",
    nameEn: "Demo Shop Holdings East Japan Co., Ltd.",
  });
  const revoked = await make(NAMES.revoked, products.OV, { name: "失効テスト株式会社" });
  const dv = await make(NAMES.dv, products.DV, { name: "個人事業 山田" });
  await gqlOk(
    t,
    reseller.key,
    "mutation($id: ID!) { requestRevocation(input: { certificateId: $id, reason: KEY_COMPROMISE }) " +
      "{ userErrors { code } } }",
    { id: revoked.issued.certificate.id },
  );
  seals = { shop: shop.sealId, revoked: revoked.sealId, dv: dv.sealId, notAfter: shop.issued.certificate.notAfter };
  browser = await launchChromium(["akashi.test"]);
  fs.mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await t?.close();
  await dcv.close();
  dir.remove();
});

beforeEach(() => t.clock.set(START));

/** No horizontal scrolling; no label, tag or receipt number broken inside a word; values get the width. */
async function layoutHolds(page: Page, width: number): Promise<void> {
  const m = await page.evaluate(() => {
    const lines = (el: Element) => {
      const r = document.createRange();
      r.selectNodeContents(el);
      return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
    };
    const words = [...document.querySelectorAll("dt, .tag, .receipt strong, header a, .nw")].map((el) => ({
      text: (el.textContent ?? "").trim(),
      lines: lines(el),
      words: (el.textContent ?? "").trim().split(/\s+/).length,
    }));
    const dd = [...document.querySelectorAll("dd")].map((el) => el.getBoundingClientRect().width);
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      words,
      narrowestValue: dd.length ? Math.min(...dd) : null,
    };
  });
  expect({ width, scrollWidth: m.scrollWidth }).toEqual({ width, scrollWidth: m.innerWidth });
  for (const w of m.words)
    expect({ width, label: w.text, brokenInsideAWord: w.lines > w.words }).toEqual({
      width,
      label: w.text,
      brokenInsideAWord: false,
    });
  // On a phone each label sits above its value, which gets nearly the whole width.
  if (m.narrowestValue !== null && width < 480) expect(m.narrowestValue).toBeGreaterThan(width * 0.7);
}

async function axeClean(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  expect(
    result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
  ).toEqual([]);
}

async function open(
  state: PageState,
  lang: string,
  viewport: { width: number; height: number },
): Promise<{ page: Page; status: number }> {
  const ctx = await browser.newContext({ viewport });
  const page = await ctx.newPage();
  const q = new URLSearchParams({ ...state.query, lang });
  const res = await page.goto(`${origin}/verify/${state.seal()}?${q}`, state.referer ? { referer: state.referer } : {});
  return { page, status: res?.status() ?? 0 };
}

describe.each(["ja", "en"])("verification page (%s)", (lang) => {
  test.each(STATES.map((s) => [s.name, s] as const))(
    "SEAL-2, SEAL-4, SEAL-5: %s leads with its verdict, holds at 375 px and on a desktop, axe-clean",
    async (_name, state) => {
      if (state.at) t.clock.set(state.at());
      for (const viewport of [PHONE, DESKTOP]) {
        const { page, status } = await open(state, lang, viewport);
        try {
          expect(status).toBe(state.expect.status);
          const box = page.locator("section.verdict");
          expect(await box.getAttribute("data-verdict")).toBe(state.expect.verdict);
          if (state.expect.claimed !== undefined)
            expect(await box.getAttribute("data-claimed")).toBe(String(state.expect.claimed));
          expect(await box.getAttribute("class")).toBe(`verdict ${state.expect.tone}`);
          // The verdict is the page's first heading and the first thing in <main> after the header.
          expect(
            await page.evaluate(
              () => document.querySelector("main > header + section.verdict h1") === document.querySelector("h1"),
            ),
          ).toBe(true);
          await layoutHolds(page, viewport.width);
          // The DOM is the same at both widths; axe once, on the phone.
          if (viewport === PHONE) await axeClean(page);
          await page.screenshot({
            path: path.join(SHOTS, `${state.name}-${lang}-${viewport.width}.png`),
            fullPage: true,
          });
        } finally {
          await page.context().close();
        }
      }
    },
  );

  test("the layout also holds at 320 and 400 px (the longest state: phishing claim, long organisation)", async () => {
    const state = STATES.find((s) => s.name === "wrong-site-phishing-claim");
    if (!state) throw new Error("state missing");
    for (const width of [320, 400]) {
      const { page } = await open(state, lang, { width, height: 700 });
      await layoutHolds(page, width);
      await page.context().close();
    }
  });

  test("REV-5: a misuse report gets a short receipt number; a refused one says why", async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const ctx = await browser.newContext({ viewport });
      const page = await ctx.newPage();
      await page.goto(`${origin}/verify/${seals.shop}?lang=${lang}`);
      await page.fill(
        "#d",
        lang === "ja" ? "このシールがフィッシングサイトに表示されています。" : "This seal is shown on a phishing site.",
      );
      await Promise.all([page.waitForURL(/\/report/), page.click("button[type=submit]")]);
      const receipt = await page.locator(".receipt strong").innerText();
      expect(receipt).toMatch(/^\d{4}-\d{4}$/);
      await layoutHolds(page, viewport.width);
      if (viewport === PHONE) await axeClean(page);
      await page.screenshot({ path: path.join(SHOTS, `receipt-${lang}-${viewport.width}.png`), fullPage: true });

      await page.goto(`${origin}/verify/${seals.shop}?lang=${lang}`);
      await page.fill("#d", "0123456789");
      await page.evaluate(() => {
        const d = document.querySelector<HTMLTextAreaElement>("#d");
        if (d) {
          d.removeAttribute("minlength");
          d.value = " short ";
        }
      });
      const [res] = await Promise.all([page.waitForResponse(/\/report/), page.click("button[type=submit]")]);
      expect(res.status()).toBe(400);
      expect(await page.locator("section.verdict").getAttribute("data-status")).toBe("REFUSED");
      await layoutHolds(page, viewport.width);
      if (viewport === PHONE) await axeClean(page);
      await page.screenshot({ path: path.join(SHOTS, `report-refused-${lang}-${viewport.width}.png`), fullPage: true });
      await ctx.close();
    }
  });
});
