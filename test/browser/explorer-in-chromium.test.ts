import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import request from "supertest";
import { EXPLORER_CSP, EXPLORER_DIR } from "../../api/src/http/explorer-routes";
import { launchChromium } from "../support/browser";
import { TestApp, startTestApp } from "../support/test-app";
import { serverPort } from "../support/spawn-server";

/**
 * Issue 14: the API explorer — GraphiQL bundled from npm (no CDN), served at /explorer and to a browser's
 * GET /graphql, with a strict CSP; the pasted key lives in page memory only. In Chromium: an anonymous
 * visit reaches public fields only; a keyed query runs. Screenshots in test-artifacts/explorer/.
 */
jest.setTimeout(180_000);

const SHOTS = path.resolve(__dirname, "../../test-artifacts/explorer");
let t: TestApp;
let server: http.Server;
let origin: string;
let browser: Browser;
let reseller: { key: string };

beforeAll(async () => {
  if (!fs.existsSync(path.join(EXPLORER_DIR, "index.html")))
    throw new Error("dist/explorer is missing: run `npm test` (it builds) or `npm run build`.");
  const port = await serverPort();
  origin = `http://akashi.test:${port}`;
  t = await startTestApp({ env: { PUBLIC_BASE_URL: origin } });
  server = http.createServer(t.app).listen(port, "127.0.0.1");
  reseller = await t.createReseller("explorer");
  browser = await launchChromium(["akashi.test"]);
  fs.mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await t?.close();
});

describe("over HTTP", () => {
  test("a browser's GET /graphql and /explorer get the explorer, strict CSP; API clients get GraphQL", async () => {
    // What Chromium sends for a navigation.
    const accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    for (const url of ["/graphql", "/explorer"]) {
      const res = await request(t.app).get(url).set("Accept", accept);
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.text).toContain("<title>Akashi API explorer</title>");
      expect(res.headers["content-security-policy"]).toBe(EXPLORER_CSP);
      expect(res.headers["x-frame-options"]).toBe("DENY");
      expect(res.text).not.toMatch(/<script(?![^>]*\bsrc="\/explorer\/assets\/)/); // no inline script
      expect(res.text).not.toMatch(/https?:\/\//); // nothing from another origin (no CDN)
    }
    expect(EXPLORER_CSP).toMatch(/script-src 'self'(;|$)/);
    expect(EXPLORER_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(EXPLORER_CSP).toContain("frame-ancestors 'none'");
    // Not for API clients: JSON GETs with a query, and JSON GETs without one, still reach Apollo.
    const query = await request(t.app)
      .get("/graphql")
      .query({ query: "{ __typename }" })
      .set("Accept", "application/json");
    expect(query.body).toEqual({ data: { __typename: "Query" } });
    const bare = await request(t.app).get("/graphql").set("Accept", "application/json");
    expect(bare.headers["content-type"] ?? "").not.toMatch(/text\/html/);
    const viaBrowserUrl = await request(t.app).get("/graphql").query({ query: "{ __typename }" }).set("Accept", accept);
    expect(viaBrowserUrl.text).not.toContain("Akashi API explorer");
  });

  test("the bundle's files are served immutable, and every file the page names exists", async () => {
    const page = await request(t.app).get("/explorer");
    const assets = [...page.text.matchAll(/(?:src|href)="(\/explorer\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const a of assets) {
      const res = await request(t.app).get(a);
      expect(res.status).toBe(200);
      expect(res.headers["cache-control"]).toMatch(/immutable/);
    }
    expect((await request(t.app).get("/explorer/assets/nope.js")).status).toBe(404);
  });
});

/** CSP violations and page errors, recorded from before any page script runs. */
async function watched(ctx: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  await ctx.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return { page, problems };
}

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
}

/** Runs whatever query the editor holds; resolves with the JSON GraphQL answered. */
async function run(page: Page): Promise<{ body: any; authorization: string | undefined }> {
  const [res] = await Promise.all([
    page.waitForResponse(
      (r) =>
        r.url().endsWith("/graphql") &&
        r.request().method() === "POST" &&
        (r.request().postData() ?? "").includes("IntrospectionQuery") === false,
    ),
    page.click(".graphiql-execute-button"),
  ]);
  return { body: await res.json(), authorization: res.request().headers().authorization };
}

async function openExplorer(page: Page, query: string): Promise<void> {
  await page.goto("about:blank"); // a new document: only the hash would change otherwise
  await page.goto(`${origin}/graphql#query=${encodeURIComponent(query)}`);
  // Monaco loads after the page: wait until the query editor shows the query's first field.
  const field = /\{\s*(\w+)/.exec(query)?.[1] ?? "";
  await page.waitForFunction(
    (f) => (document.querySelector(".graphiql-query-editor .view-lines")?.textContent ?? "").includes(f),
    field,
  );
}

test("Chromium: anonymous gets public fields only; a pasted key runs keyed queries, kept in memory", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const { page, problems } = await watched(ctx);
    await openExplorer(page, "{ products(first: 3) { edges { node { code } } } }");
    expect(await page.locator("[data-key-state]").getAttribute("data-key-state")).toBe("anonymous");
    const pub = await run(page);
    expect(pub.authorization).toBeUndefined();
    expect(pub.body.errors).toBeUndefined();
    expect(pub.body.data.products.edges.length).toBeGreaterThan(0);
    await page.waitForFunction(() =>
      (document.querySelector(".graphiql-response")?.textContent ?? "").includes("products"),
    );
    await page.screenshot({ path: path.join(SHOTS, "anonymous-public-query.png") });

    await openExplorer(page, "{ subscribers(first: 1) { edges { node { id name } } } }");
    const refused = await run(page);
    expect(refused.authorization).toBeUndefined();
    expect(refused.body.data?.subscribers ?? null).toBeNull();
    expect(refused.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual([
      expect.stringMatching(/^(FORBIDDEN|UNAUTHENTICATED)$/),
    ]);
    await page.screenshot({ path: path.join(SHOTS, "anonymous-keyed-field-refused.png") });

    await openExplorer(page, "{ viewer { kind reseller { code } } subscribers(first: 1) { edges { node { id } } } }");
    await page.fill("#akashi-key", reseller.key);
    await page.click("text=Use key");
    await page.waitForSelector('[data-key-state="keyed"]');
    expect(await page.inputValue("#akashi-key")).toBe(""); // not left in the field
    const keyed = await run(page);
    expect(keyed.authorization).toBe(`Bearer ${reseller.key}`);
    expect(keyed.body.errors).toBeUndefined();
    expect(keyed.body.data.viewer).toEqual({ kind: "RESELLER", reseller: { code: "explorer" } });
    expect(keyed.body.data.subscribers.edges).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, "keyed-query.png") });

    // Memory only: not in any storage, cookie or the URL; gone after a reload.
    const stored = await page.evaluate(async () => {
      const dump = (s: Storage) =>
        Object.keys(s)
          .map((k) => `${k}=${s.getItem(k)}`)
          .join("\n");
      const dbs = (await indexedDB.databases?.()) ?? [];
      return {
        local: dump(localStorage),
        session: dump(sessionStorage),
        cookie: document.cookie,
        url: location.href,
        dbs: dbs.map((d) => d.name),
      };
    });
    expect(JSON.stringify(stored)).not.toContain(reseller.key);
    expect(JSON.stringify(stored)).not.toContain(reseller.key.slice(-12));
    expect(stored.cookie).toBe("");
    expect((await ctx.cookies()).length).toBe(0);
    await page.reload();
    await page.waitForFunction(() =>
      (document.querySelector(".graphiql-query-editor .view-lines")?.textContent ?? "").includes("viewer"),
    );
    expect(await page.locator("[data-key-state]").getAttribute("data-key-state")).toBe("anonymous");
    const after = await run(page);
    expect(after.authorization).toBeUndefined();

    expect(await cspViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await ctx.close();
  }
});
