import type { Browser } from "playwright-core";
import { type BareRef, type ScenarioResult, measureAgainstBaseline, rowsFor, strip } from "./against-baseline";
import { SEAL_GZIP_BUDGET_BYTES, SEAL_RENDER_GOAL_MS } from "./budget";
import type { IssuanceContext } from "./issuance";
import type { HttpResponse } from "./load";
import { fmt, plainTable, table } from "./report";
import {
  SealPages,
  benchSealRender,
  checkVerifyPage,
  issueSealedCertificate,
  realStatusAnswer,
  renderStats,
  sealScriptSize,
  type RenderStats,
  type SealScriptSize,
} from "./seal";
import type { BenchApp } from "./setup";

/** Issues 5 and 14: the site seal section of `npm run bench` — size, render time, verification page. */

export interface SealSectionInput {
  app: BenchApp;
  ctx: IssuanceContext;
  bare: BareRef;
  domain: string;
  seconds: number;
  concurrency: number;
  runs: number;
  maxRequests: number;
  sample: { first: number; every: number };
  log: (msg: string) => void;
}

export interface SealRender {
  seal: RenderStats;
  baseline: RenderStats;
  chromium: string;
  statusBytes: number;
  problems: string[];
}

export interface SealSectionResult {
  size: SealScriptSize;
  render: SealRender | null;
  verify: ScenarioResult;
  firstVerify: HttpResponse;
  sealed: { sealId: string; serialNumber: string };
  domain: string;
  seconds: number;
  failures: string[];
}

/** The render goal (issue 14): seal p50 at most SEAL_RENDER_GOAL_MS after the baseline's p50. */
export function renderVerdict(r: SealRender): { deltaMs: number; pass: boolean } {
  const deltaMs = r.seal.p50Ms - r.baseline.p50Ms;
  return { deltaMs, pass: deltaMs <= SEAL_RENDER_GOAL_MS };
}

async function measureRender(input: SealSectionInput, sealId: string, failures: string[]): Promise<SealRender | null> {
  const statusJson = await realStatusAnswer(input.app.client, sealId);
  const pages = new SealPages(input.app.publicOrigin, sealId, statusJson);
  await pages.start();
  let browser: Browser | null = null;
  try {
    // Loaded here, not at the top: playwright's bundles are 14 MB of source strings on the heap, which
    // every other section's in-process server would otherwise carry through its measurements.
    const { describeChromium, launchChromium } = await import("../support/browser.js");
    const tl = performance.now();
    browser = await launchChromium([input.domain, "akashi.test"]);
    const chromium = await describeChromium(browser);
    input.log(`browser: ${chromium} (${((performance.now() - tl) / 1000).toFixed(1)} s)`);
    const r = await benchSealRender(browser, pages, input.runs, input.domain);
    for (const p of r.problems) failures.push(`seal render: ${p}`);
    if (r.seal.length === 0 || r.baseline.length === 0) {
      failures.push("seal render: no successful runs");
      return null;
    }
    input.log(`measured: seal render (${r.seal.length} + ${r.baseline.length} navigations)`);
    return {
      seal: renderStats("<akashi-seal> (seal.js + status GET /graphql)", r.seal),
      baseline: renderStats(
        "baseline: inline script, 1 CORS fetch of the same JSON from a bare server, <span>",
        r.baseline,
      ),
      chromium,
      statusBytes: statusJson.length,
      problems: r.problems,
    };
  } catch (e) {
    failures.push(`seal render: ${(e as Error).message}`);
    return null;
  } finally {
    await browser?.close();
    await pages.close();
  }
}

async function measureVerifyPage(input: SealSectionInput, sealed: { sealId: string; serialNumber: string }) {
  const verifyPath = `/verify/${encodeURIComponent(sealed.sealId)}`;
  const firstVerify = await input.app.client.request("GET", verifyPath, { Accept: "text/html" });
  if (firstVerify.status !== 200) throw new Error(`GET ${verifyPath}: HTTP ${firstVerify.status}`);
  const why = checkVerifyPage(firstVerify.body, sealed.serialNumber, input.domain);
  if (why) throw new Error(`first verification page is wrong: ${why}`);
  const verify = await measureAgainstBaseline(
    input.app,
    input.bare,
    {
      name: "GET /verify/<sealId>",
      spec: {
        concurrency: input.concurrency,
        maxRequests: input.maxRequests,
        maxSeconds: input.seconds,
        sample: input.sample,
        quickCheck: { kind: "contains", text: `data-status="VALID"` },
        method: "GET",
        paths: [verifyPath],
        headers: { Accept: "text/html" },
      },
      check: (b) => checkVerifyPage(b, sealed.serialNumber, input.domain),
    },
    { body: firstVerify.body, contentType: "text/html; charset=utf-8" },
    input.seconds,
  );
  return { verify, firstVerify };
}

/** Runs the whole section; failures (over budget, over the render goal, wrong answers) are returned, not thrown. */
export async function runSealSection(input: SealSectionInput): Promise<SealSectionResult> {
  const t0 = performance.now();
  const failures: string[] = [];
  const { size, body } = sealScriptSize();
  if (!size.withinBudget)
    failures.push(`seal.js: ${size.gzip9Bytes} B gzip -9 is over the ${size.budgetBytes} B budget`);
  for (const m of size.manifestMismatches) failures.push(`seal.js: ${m} (stale dist/widget/manifest.json?)`);
  const served = await input.app.client.request("GET", "/seal.js");
  if (served.status !== 200 || !served.body.equals(body)) {
    failures.push(
      `seal.js: GET /seal.js answered ${served.status} with ${served.body.length} B, not the built ${size.file}`,
    );
  }
  const sealed = await issueSealedCertificate(input.ctx, input.domain);
  input.log(`set-up: certificate ${sealed.serialNumber} for ${input.domain} and seal ${sealed.sealId}`);
  const render = await measureRender(input, sealed.sealId, failures);
  if (render && !renderVerdict(render).pass) {
    failures.push(
      `seal render: p50 ${fmt(renderVerdict(render).deltaMs)} ms over the baseline (goal ≤ ${SEAL_RENDER_GOAL_MS} ms)`,
    );
  }
  const { verify, firstVerify } = await measureVerifyPage(input, sealed);
  for (const p of verify.problems) failures.push(`${verify.scenario}: ${p}`);
  input.log("measured: verification page");
  const seconds = (performance.now() - t0) / 1000;
  return { size, render, verify, firstVerify, sealed, domain: input.domain, seconds, failures };
}

const kb = (n: number) => `${n} B (${(n / 1024).toFixed(2)} KiB)`;
const share = (n: number, of: number) => `${((n / of) * 100).toFixed(1)} %`;

function printSize(size: SealScriptSize, log: (msg: string) => void): void {
  const title = `Site seal (issue 14): ${size.file} — budget ${size.budgetBytes} B (7 KB) gzip -9`;
  log(
    plainTable(
      title,
      ["measure", "size", "of budget", "verdict"],
      [
        ["raw", kb(size.rawBytes), "", ""],
        [
          "gzip level 9",
          kb(size.gzip9Bytes),
          share(size.gzip9Bytes, size.budgetBytes),
          size.withinBudget ? "PASS" : "FAIL",
        ],
        ["gzip level 6 (default, info)", kb(size.gzip6Bytes), share(size.gzip6Bytes, size.budgetBytes), ""],
        ["brotli quality 11", kb(size.brotli11Bytes), share(size.brotli11Bytes, size.budgetBytes), ""],
      ],
    ),
  );
  const parts = Object.entries(size.parts).sort((a, b) => b[1] - a[1]);
  const total = parts.reduce((n, [, b]) => n + b, 0);
  if (parts.length) {
    log(
      `   parts (bytes each module adds before minification): ` +
        parts.map(([m, b]) => `${m} ${b} (${share(b, total)})`).join(", "),
    );
  }
  log(
    `   BUDGET seal.js gzip ${size.gzip9Bytes} B ≤ ${SEAL_GZIP_BUDGET_BYTES} B: ${size.withinBudget ? "PASS" : "FAIL"}`,
  );
}

function printRender(render: SealRender | null, log: (msg: string) => void): void {
  if (!render) {
    log("\n== Site seal: navigation → valid badge: NOT MEASURED (see failures)");
    log(`   GOAL render p50 ≤ baseline + ${SEAL_RENDER_GOAL_MS} ms: FAIL (not measured)`);
    return;
  }
  const row = (r: RenderStats, ratio: string) => [
    r.label,
    String(r.runs),
    fmt(r.p50Ms),
    fmt(r.p90Ms),
    fmt(r.minMs),
    fmt(r.maxMs),
    fmt(r.frameP50Ms),
    fmt(r.wallP50Ms),
    fmt(r.dclP50Ms),
    ratio,
  ];
  const title =
    "Site seal: navigation → valid badge in headless Chromium, fresh context per run; " +
    "in-page ms since navigation start; " +
    "ratio = seal p50 ÷ baseline p50 (time: >1 is slower)";
  const header = ["page", "runs", "p50 ms", "p90 ms", "min", "max", "next frame p50", "wall p50", "DCL p50", "ratio"];
  log(
    plainTable(title, header, [
      row(render.baseline, "baseline"),
      row(render.seal, `×${fmt(render.seal.p50Ms / render.baseline.p50Ms, 2)} baseline time`),
    ]),
  );
  const v = renderVerdict(render);
  log(
    `   ${render.chromium}; status answer ${render.statusBytes} B; ` +
      "wall = node clock from page.goto to waitForFunction " +
      `(p90 seal ${fmt(render.seal.wallP90Ms)} ms, baseline ${fmt(render.baseline.wallP90Ms)} ms)`,
  );
  log(
    `   GOAL render p50 − baseline p50 = ${fmt(v.deltaMs)} ms ≤ ${SEAL_RENDER_GOAL_MS} ms: ${v.pass ? "PASS" : "FAIL"}`,
  );
}

export function printSealSection(r: SealSectionResult, log: (msg: string) => void): void {
  printSize(r.size, log);
  printRender(r.render, log);
  log(
    table(
      "Site seal: GET /verify/<sealId>; ratio = Akashi ÷ bare http server with the same HTML body",
      rowsFor(r.verify),
    ),
  );
  const cache = String(r.firstVerify.headers["cache-control"] ?? "");
  log(
    `   body ${r.firstVerify.body.length} B, Cache-Control "${cache}"; ${r.verify.checkedBodies} bodies checked ` +
      `(serial ${r.sealed.serialNumber}, ${r.domain}, data-status="VALID"); every body quick-checked for ` +
      `data-status="VALID"; seal section ${r.seconds.toFixed(1)} s`,
  );
}

/** The section in bench-results.json. */
export function sealJson(r: SealSectionResult, runs: number) {
  const render = r.render;
  return {
    script: r.size,
    budget: { gzipBytes: SEAL_GZIP_BUDGET_BYTES, pass: r.size.withinBudget },
    render: render
      ? {
          chromium: render.chromium,
          runsPerPage: runs,
          timing:
            "in-page performance.now() (ms since the navigation's time origin) when the state attribute became valid",
          seal: render.seal,
          baseline: render.baseline,
          ratioP50: render.seal.p50Ms / render.baseline.p50Ms,
          goal: { maxDeltaP50Ms: SEAL_RENDER_GOAL_MS, ...renderVerdict(render) },
          statusAnswerBytes: render.statusBytes,
          problems: render.problems,
        }
      : null,
    verifyPage: {
      scenario: r.verify.scenario,
      akashi: strip(r.verify.app),
      baseline: strip(r.verify.baseline),
      ratio: r.verify.ratio,
      badBodies: r.verify.badBodies,
      checkedBodies: r.verify.checkedBodies,
      problems: r.verify.problems,
      bodyBytes: r.firstVerify.body.length,
    },
    sealId: r.sealed.sealId,
    serialNumber: r.sealed.serialNumber,
    seconds: r.seconds,
  };
}
