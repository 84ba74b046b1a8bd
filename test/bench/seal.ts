import fs from "node:fs";
import path from "node:path";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";
import type { Browser, BrowserContext } from "playwright-core";
import { createKeyAndCsr } from "../../api/src/pki";
import { SEAL_GZIP_BUDGET_BYTES } from "./budget";
import { percentile, type HttpClient } from "./load";
import { reviewAndValidate, submit, type IssuanceContext } from "./issuance";
import { listen } from "./setup";

/** Issues 5 and 14: the site seal — script size, time to a rendered valid badge in Chromium, the verification page. */

/** test/widget/build.test.ts's budget (issue 14): ≤ 7 KB (7 × 1024 B) gzip. */
const GZIP_BUDGET_BYTES = SEAL_GZIP_BUDGET_BYTES;

/** dist/widget/ seen from dist/test/bench/. */
const WIDGET_DIR = path.resolve(__dirname, "../../widget");

export interface SealScriptSize {
  file: string;
  rawBytes: number;
  gzip9Bytes: number;
  /** Default level (6), what most servers send on the fly. */
  gzip6Bytes: number;
  brotli11Bytes: number;
  budgetBytes: number;
  withinBudget: boolean;
  /** Differences from manifest.json's own figures (a stale manifest), empty when they agree. */
  manifestMismatches: string[];
  /** Bytes each source module adds to the bundle before minification (manifest.json `parts`). */
  parts: Record<string, number>;
}

/** Sizes of the built `dist/widget/<file>` named in `dist/widget/manifest.json`, computed here (not read from the manifest). */
export function sealScriptSize(dir = WIDGET_DIR): { size: SealScriptSize; body: Buffer } {
  const manifestPath = path.join(dir, "manifest.json");
  if (!fs.existsSync(manifestPath))
    throw new Error(`${manifestPath} is missing: the widget was not built (vite build)`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as {
    file: string;
    bytes?: number;
    gzipBytes?: number;
    brotliBytes?: number;
    parts?: Record<string, number>;
  };
  const body = fs.readFileSync(path.join(dir, manifest.file));
  const gzip9Bytes = gzipSync(body, { level: 9 }).length;
  const brotli11Bytes = brotliCompressSync(body, {
    params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length },
  }).length;
  const mismatches: string[] = [];
  if (manifest.bytes !== undefined && manifest.bytes !== body.length)
    mismatches.push(`manifest bytes ${manifest.bytes} ≠ ${body.length}`);
  if (manifest.gzipBytes !== undefined && manifest.gzipBytes !== gzip9Bytes)
    mismatches.push(`manifest gzipBytes ${manifest.gzipBytes} ≠ ${gzip9Bytes}`);
  if (manifest.brotliBytes !== undefined && manifest.brotliBytes !== brotli11Bytes)
    mismatches.push(`manifest brotliBytes ${manifest.brotliBytes} ≠ ${brotli11Bytes}`);
  return {
    body,
    size: {
      file: manifest.file,
      rawBytes: body.length,
      gzip9Bytes,
      gzip6Bytes: gzipSync(body).length,
      brotli11Bytes,
      budgetBytes: GZIP_BUDGET_BYTES,
      withinBudget: gzip9Bytes <= GZIP_BUDGET_BYTES,
      manifestMismatches: mismatches,
      parts: manifest.parts ?? {},
    },
  };
}

const APPROVE = `mutation($id: ID!) { approveApplication(input: { applicationId: $id }) { application { status contract { id } } certificate { serialNumber status } userErrors { code message } } }`;
const CREATE_SEAL = `mutation($id: ID!) { createSeal(input: { contractId: $id }) { seal { id status verificationUrl } userErrors { code message } } }`;
/** The widget's own query (widget/src/client.ts SEALS_QUERY), for the baseline's fixed body. */
const SEALS_QUERY =
  "query Seals($ids: [ID!]!) { seals(ids: $ids) { id status checkedAt verificationUrl certificate { domains organizationName organizationNameEn notAfter status } } }";

/** A certificate for `name` through the GraphQL chain (submit → review → DCV → approve) and a seal on its contract. */
export async function issueSealedCertificate(
  ctx: IssuanceContext,
  name: string,
): Promise<{ sealId: string; serialNumber: string; verificationUrl: string }> {
  const { csrPem } = await createKeyAndCsr([name]);
  const app = await submit(ctx, name, csrPem);
  await reviewAndValidate(ctx, app);
  const approved = (await ctx.client.gql(ctx.operatorKey, APPROVE, { id: app.id })).approveApplication;
  if (approved.userErrors.length || approved.application?.status !== "ISSUED" || !approved.application.contract?.id)
    throw new Error(`approveApplication ${name}: ${JSON.stringify(approved)}`);
  const created = (await ctx.client.gql(ctx.resellerKey, CREATE_SEAL, { id: approved.application.contract.id }))
    .createSeal;
  if (created.userErrors.length || !created.seal?.id) throw new Error(`createSeal: ${JSON.stringify(created)}`);
  return {
    sealId: created.seal.id,
    serialNumber: approved.certificate.serialNumber,
    verificationUrl: created.seal.verificationUrl,
  };
}

/** The query string the widget sends for one seal (GET /graphql?query=…&variables=…). */
function sealsQueryString(sealId: string): string {
  return `query=${encodeURIComponent(SEALS_QUERY)}&variables=${encodeURIComponent(JSON.stringify({ ids: [sealId] }))}`;
}

/** Full check of one verification page body; null when right. */
export function checkVerifyPage(body: Buffer, serialNumber: string, domain: string): string | null {
  const text = body.toString("utf8");
  if (!text.includes(`data-status="VALID"`))
    return `no data-status="VALID" (${/data-status="([^"]*)"/.exec(text)?.[1] ?? "none"})`;
  const serials = [...text.matchAll(/<code>([^<]*)<\/code>/g)].map((m) => m[1].replace(/[:\s]/g, "").toLowerCase());
  if (!serials.includes(serialNumber.replace(/[:\s]/g, "").toLowerCase()))
    return `serial ${serialNumber} not on the page (found ${serials.join(", ") || "none"})`;
  if (!text.includes(domain)) return `domain ${domain} not on the page`;
  return null;
}

export interface RenderRun {
  /** performance.now() in the page (ms since the navigation's time origin) when the badge's `state` attribute became "valid". */
  inPageMs: number;
  /** The next animation frame after that (≈ the first frame that can show it). */
  frameMs: number;
  /** Node wall clock from just before page.goto to waitForFunction seeing the valid state (includes CDP round trips and polling). */
  wallMs: number;
  domContentLoadedMs: number;
}

export interface RenderStats {
  label: string;
  runs: number;
  p50Ms: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
  frameP50Ms: number;
  wallP50Ms: number;
  wallP90Ms: number;
  dclP50Ms: number;
  /** Every run's in-page figure (ms), in run order. */
  inPageMs: number[];
}

export function renderStats(label: string, runs: RenderRun[]): RenderStats {
  const v = runs.map((r) => r.inPageMs);
  return {
    label,
    runs: runs.length,
    p50Ms: percentile(v, 50),
    p90Ms: percentile(v, 90),
    minMs: v.length ? Math.min(...v) : 0,
    maxMs: v.length ? Math.max(...v) : 0,
    frameP50Ms: percentile(
      runs.map((r) => r.frameMs),
      50,
    ),
    wallP50Ms: percentile(
      runs.map((r) => r.wallMs),
      50,
    ),
    wallP90Ms: percentile(
      runs.map((r) => r.wallMs),
      90,
    ),
    dclP50Ms: percentile(
      runs.map((r) => r.domContentLoadedMs),
      50,
    ),
    inPageMs: v.map((x) => Math.round(x * 10) / 10),
  };
}

/**
 * Installed before any page script: records the moment any element's `state` attribute becomes "valid"
 * (the seal reflects its state there after it has written the badge into its shadow DOM; the baseline
 * page sets it right after writing its span), and the next animation frame.
 */
const INIT_SCRIPT = `(() => {
  new MutationObserver((records) => {
    if (window.__validAt !== undefined) return;
    for (const r of records) {
      if (r.target.getAttribute && r.target.getAttribute("state") === "valid") {
        window.__validAt = performance.now();
        requestAnimationFrame(() => { window.__frameAt = performance.now(); });
        return;
      }
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["state"] });
})();`;

const SETTLED = `(() => { const e = document.querySelector("[state]"); const s = e && e.getAttribute("state"); return s && s !== "loading" && window.__frameAt !== undefined ? s : (s && s !== "loading" && s !== "valid" ? s : false); })()`;

const READ = `(() => ({ validAt: window.__validAt, frameAt: window.__frameAt, dcl: performance.getEntriesByType("navigation")[0]?.domContentLoadedEventEnd ?? -1, label: (document.querySelector("akashi-seal")?.shadowRoot?.querySelector("a")?.getAttribute("aria-label") ?? document.getElementById("badge")?.textContent ?? "") }))()`;

/**
 * The embedding site for the render benchmark, on its own loopback port (the browser reaches it as
 * shop.akashi-demo.jp): `/seal` is the two-line embed code; `/baseline` is the same page whose badge is a plain
 * <span> written by an inline module script from one CORS fetch of a fixed JSON (the seal's real status
 * answer, byte for byte) served by a bare node:http server on akashi.test:<its port>.
 */
export class SealPages {
  private page?: Awaited<ReturnType<typeof listen>>;
  private bare?: Awaited<ReturnType<typeof listen>>;
  port = 0;
  barePort = 0;
  /** Requests the bare JSON server answered (each baseline run must fetch once). */
  bareHits = 0;

  constructor(
    private readonly apiPublicOrigin: string,
    private readonly sealId: string,
    private readonly statusJson: Buffer,
  ) {}

  private html(kind: string): string {
    const head =
      kind === "seal"
        ? `<script type="module" src="${this.apiPublicOrigin}/seal.js"></script>`
        : `<script type="module">
const r = await fetch("http://akashi.test:${this.barePort}/graphql?${sealsQueryString(this.sealId)}", { method: "GET", mode: "cors", credentials: "omit", headers: { accept: "application/json" } });
const s = (await r.json()).data.seals[0];
const el = document.getElementById("badge");
const ok = s && s.status === "VALID" && s.certificate.domains.includes(location.hostname);
el.textContent = ok ? "Verified: " + s.certificate.domains[0] + " — " + (s.certificate.organizationName ?? "") : "Not valid for this site";
el.setAttribute("state", ok ? "valid" : "invalid");
</script>`;
    const badge =
      kind === "seal"
        ? `<akashi-seal seal-id="${this.sealId}" lang="en"></akashi-seal>`
        : `<span id="badge" state="loading">…</span>`;
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>\n${head}</head>\n<body><main><h1>Shop</h1><p>Welcome.</p>${badge}</main></body></html>`;
  }

  async start(): Promise<void> {
    this.bare = await listen((req, res) => {
      req.resume();
      this.bareHits++;
      res.writeHead(200, {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": this.statusJson.length,
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": "no-store",
      });
      res.end(this.statusJson);
    });
    this.barePort = Number(new URL(this.bare.origin).port);
    this.page = await listen((req, res) => {
      req.resume();
      const kind = (req.url ?? "").startsWith("/seal")
        ? "seal"
        : (req.url ?? "").startsWith("/baseline")
          ? "baseline"
          : null;
      if (!kind) {
        res.writeHead(404).end();
        return;
      }
      const body = Buffer.from(this.html(kind));
      res.writeHead(200, {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Length": body.length,
        "Cache-Control": "no-store",
      });
      res.end(body);
    });
    this.port = Number(new URL(this.page.origin).port);
  }

  url(kind: "seal" | "baseline"): string {
    return `http://shop.akashi-demo.jp:${this.port}/${kind}`;
  }

  async close(): Promise<void> {
    await this.page?.close();
    await this.bare?.close();
  }
}

/** One navigation in a fresh context (empty HTTP cache, no open connections): time until the badge is valid. */
async function oneRun(
  browser: Browser,
  pages: SealPages,
  kind: "seal" | "baseline",
  expectLabel: string,
  timeoutMs: number,
): Promise<RenderRun> {
  const ctx: BrowserContext = await browser.newContext();
  try {
    await ctx.addInitScript({ content: INIT_SCRIPT });
    const page = await ctx.newPage();
    const fetched: { url: string; status: number }[] = [];
    page.on("response", (r) => fetched.push({ url: r.url(), status: r.status() }));
    const bareBefore = pages.bareHits;
    const t0 = performance.now();
    await page.goto(pages.url(kind), { waitUntil: "commit", timeout: timeoutMs });
    const settled = await (
      await page.waitForFunction(SETTLED, undefined, { timeout: timeoutMs, polling: "raf" })
    ).jsonValue();
    const wallMs = performance.now() - t0;
    if (settled !== "valid") throw new Error(`${kind}: badge state "${String(settled)}"`);
    const read = await page.evaluate<{ validAt?: number; frameAt?: number; dcl: number; label: string }>(READ);
    if (read.validAt === undefined || read.frameAt === undefined)
      throw new Error(`${kind}: the valid state was not observed`);
    if (!read.label.includes(expectLabel)) throw new Error(`${kind}: badge text "${read.label}" lacks ${expectLabel}`);
    if (kind === "seal") {
      const script = fetched.filter((f) => /\/seal\.js$/.test(new URL(f.url).pathname));
      const status = fetched.filter((f) => new URL(f.url).pathname === "/graphql");
      if (script.length !== 1 || script[0].status !== 200)
        throw new Error(
          `seal: /seal.js fetched ${script.length}× (${script.map((s) => s.status).join(",")}), expected once with 200 (not cached)`,
        );
      if (status.length !== 1 || status[0].status !== 200)
        throw new Error(
          `seal: ${status.length} status requests (${status.map((s) => s.status).join(",")}), expected one 200`,
        );
    } else if (pages.bareHits !== bareBefore + 1) {
      throw new Error(`baseline: the fixed JSON was fetched ${pages.bareHits - bareBefore}×, expected once`);
    }
    return { inPageMs: read.validAt, frameMs: read.frameAt, wallMs, domContentLoadedMs: read.dcl };
  } finally {
    await ctx.close();
  }
}

/**
 * `runs` navigations of each page, interleaved (seal, baseline, baseline, seal, …) so that drift hits both,
 * after one discarded warm-up of each (browser start-up, first renderer process).
 */
export async function benchSealRender(
  browser: Browser,
  pages: SealPages,
  runs: number,
  domain: string,
): Promise<{ seal: RenderRun[]; baseline: RenderRun[]; problems: string[] }> {
  const seal: RenderRun[] = [];
  const baseline: RenderRun[] = [];
  const problems: string[] = [];
  const timeout = 20_000;
  const expect = { seal: domain, baseline: `Verified: ${domain}` };
  for (const kind of ["seal", "baseline"] as const) {
    try {
      await oneRun(browser, pages, kind, expect[kind], timeout);
    } catch (e) {
      problems.push(`warm-up ${kind}: ${(e as Error).message}`);
    }
  }
  for (let i = 0; i < runs; i++) {
    const order: ("seal" | "baseline")[] = i % 2 === 0 ? ["seal", "baseline"] : ["baseline", "seal"];
    for (const kind of order) {
      try {
        (kind === "seal" ? seal : baseline).push(await oneRun(browser, pages, kind, expect[kind], timeout));
      } catch (e) {
        if (problems.length < 10) problems.push(`run ${i} ${kind}: ${(e as Error).message}`);
        else problems.push("…");
      }
    }
  }
  return { seal, baseline, problems };
}

/** The seal's real status answer (GET /graphql as the widget sends it): the baseline's fixed JSON. */
export async function realStatusAnswer(client: HttpClient, sealId: string): Promise<Buffer> {
  const res = await client.request("GET", `/graphql?${sealsQueryString(sealId)}`, { Accept: "application/json" });
  if (res.status !== 200) throw new Error(`GET /graphql seals: HTTP ${res.status}`);
  const json = JSON.parse(res.body.toString("utf8"));
  if (json.data?.seals?.[0]?.status !== "VALID")
    throw new Error(`GET /graphql seals: ${res.body.toString("utf8").slice(0, 300)}`);
  return res.body;
}
