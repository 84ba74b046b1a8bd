import "reflect-metadata";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { toPem } from "../../api/src/pki";
import { acmeSection } from "./acme";
import { Figure, benchApprovals, benchChain, benchSigner, makeCsrs, prepareApprovable } from "./issuance";
import { runLoad, type LoadResult, type LoadSpec } from "./load";
import { buildOcspRequest, checkOcspResponse, nonceOfRequest, opensslAvailable, opensslCheckRequest, opensslCheckResponse, opensslMakeRequest, type OcspRequestTemplate } from "./ocsp-check";
import { describeChromium, launchChromium } from "../support/browser";
import { Row, fmt, plainTable, table } from "./report";
import { SealPages, benchSealRender, checkVerifyPage, issueSealedCertificate, realStatusAnswer, renderStats, sealScriptSize, type RenderStats } from "./seal";
import { DcvWebServer, createReseller, listen, scratchDatabase, startBenchApp, type BenchApp, type ScratchDatabase } from "./setup";

/**
 * `npm run bench`: issuance (issue 3), OCSP and public status (issue 4), the site seal (issue 5), each
 * against a baseline measured in the same run on the same machine. Environment:
 *   BENCH_SECONDS      seconds per load run (default 5); everything else scales from it
 *   BENCH_ISSUE_N      applications approved in (a1) (default 200)
 *   BENCH_CHAIN_N      certificates through the whole chain in (a2) (default 100)
 *   BENCH_CONCURRENCY  connections for the OCSP, status and verification-page loads (default 8)
 *   BENCH_SEAL_RUNS    navigations of each page in the seal render benchmark (default 15)
 *   DATABASE_URL       use this PostgreSQL server (a scratch database is created and dropped);
 *                      unset: an embedded PostgreSQL in a temp dir
 * Exits 1 when any response is wrong (non-2xx, transport error, bad OCSP body, wrong status JSON, a
 * verification page without the serial or VALID, a badge that is not valid) or seal.js is over 10 KB gzip.
 */

const num = (name: string, def: number, min: number, max: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number ${min}-${max} (got "${raw}")`);
  return n;
};

const SECONDS = num("BENCH_SECONDS", 5, 0.5, 600);
const ISSUE_N = Math.round(num("BENCH_ISSUE_N", 200, 4, 100_000));
const CHAIN_N = Math.round(num("BENCH_CHAIN_N", 100, 4, 100_000));
const CONCURRENCY = Math.round(num("BENCH_CONCURRENCY", 8, 1, 256));
const SEAL_RUNS = Math.round(num("BENCH_SEAL_RUNS", 15, 3, 1000));
const SEAL_DOMAIN = "shop.akashi-demo.jp";
const MAX_REQUESTS = 2_000_000;
const SAMPLE = { first: 20, every: 100 };

const log = (msg: string) => process.stdout.write(`${msg}\n`);
const elapsed = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

/** A bare Node http server answering every request with one fixed response: the same-run baseline. */
class BareServer {
  response: { body: Buffer; contentType: string } = { body: Buffer.alloc(0), contentType: "text/plain" };
  readonly handler: http.RequestListener = (req, res) => {
    req.on("data", () => {});
    req.on("end", () => {
      const { body, contentType } = this.response;
      res.writeHead(200, { "Content-Type": contentType, "Content-Length": body.length, "Cache-Control": "no-store" });
      res.end(body);
    });
  };
}

interface Scenario {
  name: string;
  spec: Omit<LoadSpec, "origin" | "label">;
  /** Full check of one sampled body; null when right. */
  check(body: Buffer, requestBody: Buffer | undefined): string | null;
  /** Checked by openssl too (first sample). */
  openssl?(body: Buffer, requestBody: Buffer | undefined): string | null;
}

interface ScenarioResult {
  scenario: string;
  app: LoadResult;
  baseline: LoadResult;
  ratio: number;
  badBodies: number;
  checkedBodies: number;
  problems: string[];
}

const strip = (r: LoadResult) => {
  const { samples, ...rest } = r;
  return { ...rest, sampled: samples.length };
};

async function measureAgainstBaseline(app: BenchApp, bare: { origin: string; server: BareServer }, s: Scenario, fixedBody: { body: Buffer; contentType: string }): Promise<ScenarioResult> {
  const short = { maxRequests: 300, maxSeconds: Math.min(1, SECONDS / 4), sample: { first: 0, every: 0 } };
  bare.server.response = fixedBody;
  await runLoad({ ...s.spec, ...short, label: `${s.name} baseline warm-up`, origin: bare.origin });
  const baseline = await runLoad({ ...s.spec, label: `${s.name} baseline`, origin: bare.origin });
  await runLoad({ ...s.spec, ...short, label: `${s.name} warm-up`, origin: app.origin });
  const result = await runLoad({ ...s.spec, label: s.name, origin: app.origin });
  const problems: string[] = [];
  let bad = result.quickCheckFailures;
  if (result.quickCheckFailures) problems.push(`${result.quickCheckFailures} 2xx bodies failed the quick check`);
  let opensslDone = false;
  for (const sample of result.samples) {
    if (sample.status < 200 || sample.status >= 300) continue; // counted as non-2xx
    const why = s.check(Buffer.from(sample.body), sample.requestBody ? Buffer.from(sample.requestBody) : undefined);
    if (why) {
      bad++;
      if (problems.length < 10) problems.push(`#${sample.index}: ${why}`);
    }
    if (s.openssl && !opensslDone) {
      opensslDone = true;
      const o = s.openssl(Buffer.from(sample.body), sample.requestBody ? Buffer.from(sample.requestBody) : undefined);
      if (o) {
        bad++;
        problems.push(`openssl on #${sample.index}: ${o}`);
      }
    }
  }
  if (result.non2xx || result.errors) problems.push(`${result.non2xx} non-2xx, ${result.errors} transport errors; first: ${result.firstError}`);
  if (baseline.non2xx || baseline.errors || baseline.quickCheckFailures) problems.push(`baseline: ${baseline.non2xx} non-2xx, ${baseline.errors} errors, ${baseline.quickCheckFailures} bad bodies; first: ${baseline.firstError}`);
  return { scenario: s.name, app: result, baseline, ratio: result.rps / baseline.rps, badBodies: bad, checkedBodies: result.samples.length, problems };
}

function rowsFor(r: ScenarioResult): Row[] {
  return [
    { scenario: `${r.scenario} — bare http baseline`, requests: r.baseline.requests, seconds: r.baseline.seconds, perSecond: r.baseline.rps, p50Ms: r.baseline.p50Ms, p99Ms: r.baseline.p99Ms, non2xx: r.baseline.non2xx + r.baseline.errors, badBodies: r.baseline.quickCheckFailures },
    { scenario: `${r.scenario} — Akashi`, requests: r.app.requests, seconds: r.app.seconds, perSecond: r.app.rps, p50Ms: r.app.p50Ms, p99Ms: r.app.p99Ms, ratio: r.ratio, ratioLabel: "of baseline", non2xx: r.app.non2xx + r.app.errors, badBodies: r.badBodies },
  ];
}

function figureRow(f: Figure, ratio?: number, ratioLabel?: string): Row {
  return { scenario: f.label, requests: f.requests, seconds: f.seconds, perSecond: f.perSecond, p50Ms: f.p50Ms, p99Ms: f.p99Ms, ...(ratio !== undefined ? { ratio } : {}), ...(ratioLabel ? { ratioLabel } : {}), badBodies: f.failures };
}

async function main(): Promise<number> {
  const t0 = performance.now();
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    while (cleanups.length) {
      try {
        await cleanups.pop()!();
      } catch (e) {
        process.stderr.write(`bench: clean-up step failed: ${(e as Error).message}\n`);
      }
    }
  };
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write("\nbench: interrupted, cleaning up…\n");
    void cleanup().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const failures: string[] = [];
  try {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "akashi-bench-files-"));
    cleanups.push(() => fs.rmSync(work, { recursive: true, force: true }));
    process.once("exit", () => fs.rmSync(work, { recursive: true, force: true }));
    const hasOpenssl = opensslAvailable();
    log(`Akashi benchmark — node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? "?"}), BENCH_SECONDS=${SECONDS}, OCSP/status concurrency ${CONCURRENCY}`);

    // ---- set-up
    let db: ScratchDatabase;
    {
      const t = performance.now();
      db = await scratchDatabase((m) => log(`  ${m}`));
      cleanups.push(() => db.drop());
      log(`database: ${db.description} (${elapsed(t)})`);
    }
    const dcv = new DcvWebServer();
    await dcv.start();
    cleanups.push(() => dcv.close());
    const approveNames = Array.from({ length: ISSUE_N }, (_, i) => `a${i}.bench.akashi-demo.jp`);
    const chainNames = Array.from({ length: CHAIN_N }, (_, i) => `c${i}.bench.akashi-demo.jp`);
    const tApp = performance.now();
    const app = await startBenchApp(db, path.join(work, "data"), dcv.overrides([...approveNames, ...chainNames, SEAL_DOMAIN]));
    cleanups.push(() => app.close());
    log(`app: migrations + CA hierarchy + Apollo on ${app.origin} (${elapsed(tApp)})`);

    const reseller = await createReseller(app.services, "bench");
    const products = await app.client.gql(null, `{ products(first: 100) { edges { node { id code } } } }`);
    const productId = products.products.edges.find((e: { node: { code: string } }) => e.node.code === "OV")?.node.id;
    if (!productId) throw new Error("no OV product");
    const sub = await app.client.gql(reseller.key, `mutation($input: CreateSubscriberInput!) { createSubscriber(input: $input) { subscriber { id } userErrors { code message } } }`, {
      input: { kind: "ORGANIZATION", name: "株式会社ベンチショップ", country: "JP", stateOrProvince: "Tokyo", locality: "Chiyoda-ku", contacts: [] },
    });
    if (sub.createSubscriber.userErrors.length) throw new Error(JSON.stringify(sub.createSubscriber.userErrors));
    const ctx = { client: app.client, origin: app.origin, dcv, operatorKey: app.operatorKey, resellerKey: reseller.key, subscriberId: sub.createSubscriber.subscriber.id as string, productId: productId as string };

    // ---- issue 3: issuance
    const tCsr = performance.now();
    const approveCsrs = await makeCsrs(approveNames);
    const chainCsrs = await makeCsrs(chainNames);
    log(`set-up: ${ISSUE_N + CHAIN_N} subscriber keys + CSRs (${elapsed(tCsr)})`);
    const tPrep = performance.now();
    const ids = await prepareApprovable(ctx, approveNames, approveCsrs);
    log(`set-up: ${ids.length} applications submitted, under review, domain control validated (${elapsed(tPrep)})`);

    const approvals = await benchApprovals(ctx, ids, Math.max(30, SECONDS * 12));
    log(`measured: ${approvals.figure.requests} approvals`);
    const chain = await benchChain(ctx, chainNames, chainCsrs, Math.max(4, SECONDS * 3));
    log(`measured: ${chain.figure.requests} certificates through the whole chain`);
    const signer1 = await benchSigner(1, 100_000, SECONDS);
    const signer4 = await benchSigner(4, 100_000, SECONDS);
    log(`measured: signer alone (${signer1.figure.requests} + ${signer4.figure.requests} leaves)`);
    for (const p of [...approvals.problems, ...chain.problems, ...signer1.problems, ...signer4.problems]) failures.push(`issuance: ${p}`);
    if (approvals.load.non2xx || approvals.load.errors) failures.push(`issuance: ${approvals.load.non2xx} non-2xx, ${approvals.load.errors} errors; first: ${approvals.load.firstError}`);
    if (approvals.serials.length !== approvals.load.requests) failures.push(`issuance: ${approvals.serials.length} of ${approvals.load.requests} approvals issued a certificate`);
    // Ratios at the same concurrency (4): how much of the signer's rate survives GraphQL + database + audit.
    const signerRate = signer4.figure.perSecond;
    const issuanceRows: Row[] = [
      figureRow(signer1.figure, undefined, "—"),
      figureRow(signer4.figure),
      { ...figureRow(approvals.figure, approvals.figure.perSecond / signerRate, "of signer c=4"), non2xx: approvals.load.non2xx + approvals.load.errors },
      figureRow(chain.figure, chain.figure.perSecond / signerRate, "of signer c=4"),
    ];

    // ---- issue 12: ACME orders per second, printed next to the GraphQL issuance rates
    for (const p of (await acmeSection(app, ctx, reseller.id, [approvals.figure, chain.figure], CHAIN_N * 2, Math.max(10, SECONDS * 4), log)).problems) failures.push(`acme: ${p}`);

    // ---- issue 4: OCSP and public status, each against a bare http server
    const issuing = await app.services.ca.activeIssuer();
    const root = await app.services.ca.root();
    const files = {
      rootPem: path.join(work, "root.pem"),
      issuingPem: path.join(work, "issuing.pem"),
    };
    fs.writeFileSync(files.rootPem, toPem(root.certDer, "CERTIFICATE"));
    fs.writeFileSync(files.issuingPem, toPem(issuing.ca.certDer, "CERTIFICATE"));
    const serial = approvals.serials[0] ?? chain.serials[0];
    if (!serial) throw new Error("no certificate was issued; cannot benchmark OCSP");
    const plain = buildOcspRequest(issuing.ca.certDer, serial, false);
    const withNonce = buildOcspRequest(issuing.ca.certDer, serial, true);
    if (hasOpenssl) {
      for (const [name, req, n] of [["plain", plain, false], ["nonce", withNonce, true]] as [string, OcspRequestTemplate, boolean][]) {
        const why = opensslCheckRequest(work, name, req.der, n);
        if (why) throw new Error(`openssl does not read the benchmark's ${name} OCSP request:\n${why}`);
      }
      // The nonce-less request is byte for byte what `openssl ocsp -issuer … -serial 0x… -no_nonce -reqout` makes.
      const theirs = opensslMakeRequest(work, files.issuingPem, serial);
      if (!theirs || !theirs.equals(plain.der)) throw new Error(`the nonce-less OCSP request differs from openssl's: ours ${plain.der.toString("hex")}, openssl's ${theirs?.toString("hex")}`);
    }
    const ocspCheck = (nonceFrom?: OcspRequestTemplate) => (body: Buffer, sent: Buffer | undefined) =>
      checkOcspResponse(body, { issuerCertDer: issuing.ca.certDer, serialHex: serial, now: new Date(), ...(nonceFrom && sent ? { nonce: nonceOfRequest(nonceFrom, sent) } : {}) });
    let opensslN = 0;
    const viaOpenssl = hasOpenssl ? (body: Buffer, sent: Buffer | undefined) => opensslCheckResponse(work, `resp${opensslN++}`, body, files, serial, sent) : undefined;
    const ocspCommon = { concurrency: CONCURRENCY, maxRequests: MAX_REQUESTS, maxSeconds: SECONDS, sample: SAMPLE, quickCheck: { kind: "ocsp-successful" as const } };
    const postHeaders = { "Content-Type": "application/ocsp-request" };
    const getPath = `/ocsp/${encodeURIComponent(plain.der.toString("base64"))}`;

    // One real answer of each kind first: its bytes are the baseline's body (same size), and it is checked.
    const first = async (method: string, p: string, body?: Buffer) => {
      const res = await app.client.request(method, p, body ? postHeaders : {}, body);
      if (res.status !== 200) throw new Error(`${method} ${p.slice(0, 40)}: HTTP ${res.status}`);
      return res;
    };
    const firstPost = await first("POST", "/ocsp", plain.der);
    const firstGet = await first("GET", getPath);
    const firstNonce = await first("POST", "/ocsp", withNonce.der);
    for (const [what, res, nonce] of [["POST", firstPost, undefined], ["GET", firstGet, undefined], ["POST nonce", firstNonce, nonceOfRequest(withNonce, withNonce.der)]] as const) {
      const why = checkOcspResponse(res.body, { issuerCertDer: issuing.ca.certDer, serialHex: serial, now: new Date(), ...(nonce ? { nonce } : {}) });
      if (why) throw new Error(`first OCSP ${what} response is wrong: ${why}`);
    }
    const cacheHeader = String(firstPost.headers["cache-control"] ?? "");
    const again = await first("POST", "/ocsp", plain.der);
    const cachedServed = again.body.equals(firstPost.body);
    if (!cachedServed) log("note: two nonce-less requests got different bytes — the responder is not serving a pre-signed response");

    const bareServer = new BareServer();
    const bare = await listen(bareServer.handler);
    cleanups.push(() => bare.close());
    const bareRef = { origin: bare.origin, server: bareServer };
    const ocspType = "application/ocsp-response";

    const ocspScenarios: [Scenario, Buffer][] = [
      [{ name: "OCSP POST, no nonce (pre-signed)", spec: { ...ocspCommon, method: "POST", paths: ["/ocsp"], headers: postHeaders, bodies: [new Uint8Array(plain.der)] }, check: ocspCheck(), ...(viaOpenssl ? { openssl: viaOpenssl } : {}) }, firstPost.body],
      [{ name: "OCSP GET /ocsp/<b64>, no nonce (pre-signed)", spec: { ...ocspCommon, method: "GET", paths: [getPath], headers: {} }, check: ocspCheck(), ...(viaOpenssl ? { openssl: viaOpenssl } : {}) }, firstGet.body],
      [{ name: "OCSP POST, fresh nonce (signed each time)", spec: { ...ocspCommon, method: "POST", paths: ["/ocsp"], headers: postHeaders, bodies: [new Uint8Array(withNonce.der)], nonce: withNonce.nonce! }, check: ocspCheck(withNonce), ...(viaOpenssl ? { openssl: viaOpenssl } : {}) }, firstNonce.body],
    ];
    const ocspResults: ScenarioResult[] = [];
    for (const [s, body] of ocspScenarios) {
      ocspResults.push(await measureAgainstBaseline(app, bareRef, s, { body, contentType: ocspType }));
      log(`measured: ${s.name}`);
    }

    // Public status over GET /graphql, anonymous.
    const cert = await app.services.certificateStatus.lookup({ serialNumber: serial });
    if (!cert) throw new Error("certificateStatus.lookup found nothing for the benchmark's serial");
    const statusQuery = `{certificateStatus(serialNumber:"${serial}"){status notAfter checkedAt}}`;
    const statusPath = `/graphql?query=${encodeURIComponent(statusQuery)}`;
    const firstStatus = await first("GET", statusPath);
    const statusCheck = (body: Buffer): string | null => {
      try {
        const json = JSON.parse(body.toString("utf8"));
        const s = json.data?.certificateStatus;
        if (json.errors) return `errors: ${JSON.stringify(json.errors).slice(0, 200)}`;
        if (s?.status !== "VALID") return `status ${s?.status}`;
        if (new Date(s.notAfter).getTime() !== cert.notAfter.getTime()) return `notAfter ${s.notAfter} (expected ${cert.notAfter.toISOString()})`;
        if (!(Math.abs(new Date(s.checkedAt).getTime() - Date.now()) < 120_000)) return `checkedAt ${s.checkedAt}`;
        return null;
      } catch (e) {
        return `not JSON: ${(e as Error).message}`;
      }
    };
    const firstStatusWhy = statusCheck(firstStatus.body);
    if (firstStatusWhy) throw new Error(`first status response is wrong: ${firstStatusWhy}`);
    const statusCache = String(firstStatus.headers["cache-control"] ?? "");
    const statusResult = await measureAgainstBaseline(
      app,
      bareRef,
      {
        name: "GET /graphql certificateStatus (anonymous)",
        spec: { concurrency: CONCURRENCY, maxRequests: MAX_REQUESTS, maxSeconds: SECONDS, sample: SAMPLE, quickCheck: { kind: "contains", text: `"status":"VALID"` }, method: "GET", paths: [statusPath], headers: { Accept: "application/json" } },
        check: (b) => statusCheck(b),
      },
      { body: firstStatus.body, contentType: "application/json; charset=utf-8" },
    );
    log(`measured: public status`);

    // ---- issue 5: the site seal
    const tSeal = performance.now();
    // (1) size of the built script, computed here from dist/widget/<file>; also what the app serves as /seal.js.
    const { size: sealSize, body: sealBody } = sealScriptSize();
    if (!sealSize.withinBudget) failures.push(`seal.js: ${sealSize.gzip9Bytes} B gzip -9 is over the ${sealSize.budgetBytes} B budget`);
    for (const m of sealSize.manifestMismatches) failures.push(`seal.js: ${m} (stale dist/widget/manifest.json?)`);
    const served = await app.client.request("GET", "/seal.js");
    if (served.status !== 200 || !served.body.equals(sealBody)) failures.push(`seal.js: GET /seal.js answered ${served.status} with ${served.body.length} B, not the built ${sealSize.file}`);

    // Set-up: a certificate for shop.akashi-demo.jp through GraphQL, and a seal on its contract.
    const sealed = await issueSealedCertificate(ctx, SEAL_DOMAIN);
    log(`set-up: certificate ${sealed.serialNumber} for ${SEAL_DOMAIN} and seal ${sealed.sealId} (${elapsed(tSeal)})`);

    // (2) navigation → valid badge in headless Chromium, against a same-page baseline.
    let render: { seal: RenderStats; baseline: RenderStats; chromium: string; statusBytes: number; problems: string[] } | null = null;
    {
      const statusJson = await realStatusAnswer(app.client, sealed.sealId);
      const pages = new SealPages(app.publicOrigin, sealed.sealId, statusJson);
      await pages.start();
      cleanups.push(() => pages.close());
      let launched: { browser: Awaited<ReturnType<typeof launchChromium>>; description: string } | null = null;
      try {
        const tl = performance.now();
        const browser = await launchChromium([SEAL_DOMAIN, "akashi.test"]);
        launched = { browser, description: await describeChromium(browser) };
        log(`browser: ${launched.description} (${elapsed(tl)})`);
        const r = await benchSealRender(launched.browser, pages, SEAL_RUNS, SEAL_DOMAIN);
        render = { seal: renderStats("<akashi-seal> (seal.js + status GET /graphql)", r.seal), baseline: renderStats("baseline: inline script, 1 CORS fetch of the same JSON from a bare server, <span>", r.baseline), chromium: launched.description, statusBytes: statusJson.length, problems: r.problems };
        for (const p of r.problems) failures.push(`seal render: ${p}`);
        if (r.seal.length === 0 || r.baseline.length === 0) failures.push("seal render: no successful runs");
        log(`measured: seal render (${r.seal.length} + ${r.baseline.length} navigations)`);
      } catch (e) {
        failures.push(`seal render: ${(e as Error).message}`);
      } finally {
        await launched?.browser.close();
      }
    }

    // (3) the verification page under load, against a bare server with a same-size fixed HTML body.
    const verifyPath = `/verify/${encodeURIComponent(sealed.sealId)}`;
    const firstVerify = await first("GET", verifyPath);
    const firstVerifyWhy = checkVerifyPage(firstVerify.body, sealed.serialNumber, SEAL_DOMAIN);
    if (firstVerifyWhy) throw new Error(`first verification page is wrong: ${firstVerifyWhy}`);
    const verifyResult = await measureAgainstBaseline(
      app,
      bareRef,
      {
        name: "GET /verify/<sealId>",
        spec: { concurrency: CONCURRENCY, maxRequests: MAX_REQUESTS, maxSeconds: SECONDS, sample: SAMPLE, quickCheck: { kind: "contains", text: `data-status="VALID"` }, method: "GET", paths: [verifyPath], headers: { Accept: "text/html" } },
        check: (b) => checkVerifyPage(b, sealed.serialNumber, SEAL_DOMAIN),
      },
      { body: firstVerify.body, contentType: "text/html; charset=utf-8" },
    );
    log(`measured: verification page (${elapsed(tSeal)} for the seal section)`);
    const sealSeconds = (performance.now() - tSeal) / 1000;

    for (const r of [...ocspResults, statusResult, verifyResult]) for (const p of r.problems) failures.push(`${r.scenario}: ${p}`);

    // ---- output
    log(table("Issuance (issue 3): certificates per second; ratio = GraphQL rate ÷ signer rate at concurrency 4", issuanceRows, "ratio"));
    log(`   GraphQL approvals ÷ signer alone: ${(approvals.figure.perSecond / signerRate).toFixed(3)}  (signer c=1: ${signer1.figure.perSecond.toFixed(0)}/s, c=4: ${signerRate.toFixed(0)}/s; whole chain ÷ signer: ${(chain.figure.perSecond / signerRate).toFixed(3)})`);
    log(table(`OCSP (issue 4): responses per second, ${CONCURRENCY} keep-alive connections; ratio = Akashi ÷ bare http server with a fixed body of the same size`, ocspResults.flatMap(rowsFor)));
    log(`   response sizes: POST ${firstPost.body.length} B, GET ${firstGet.body.length} B, nonce ${firstNonce.body.length} B; Cache-Control of a nonce-less answer: "${cacheHeader}"; repeated nonce-less answer byte-identical: ${cachedServed}`);
    log(`   bodies checked: ${ocspResults.map((r, i) => `${r.checkedBodies} (${["POST", "GET", "POST nonce"][i]})`).join(", ")}${hasOpenssl ? "; first sample of each also by openssl ocsp -respin" : "; openssl not found, own parser only"}`);
    log(table("Public status (issue 4): anonymous GET /graphql?query={certificateStatus…}; ratio = Akashi ÷ bare http server", rowsFor(statusResult)));
    log(`   body ${firstStatus.body.length} B, Cache-Control "${statusCache}"; ${statusResult.checkedBodies} bodies parsed and checked (status VALID, notAfter, checkedAt)`);

    const kb = (n: number) => `${n} B (${(n / 1024).toFixed(2)} KiB)`;
    log(plainTable(`Site seal (issue 5): ${sealSize.file} — budget ${sealSize.budgetBytes} B (10 KB) gzip -9, Lit included`, ["measure", "size", "of budget", "verdict"], [
      ["raw", kb(sealSize.rawBytes), "", ""],
      ["gzip level 9", kb(sealSize.gzip9Bytes), `${((sealSize.gzip9Bytes / sealSize.budgetBytes) * 100).toFixed(1)} %`, sealSize.withinBudget ? "PASS" : "FAIL"],
      ["gzip level 6 (default, info)", kb(sealSize.gzip6Bytes), `${((sealSize.gzip6Bytes / sealSize.budgetBytes) * 100).toFixed(1)} %`, ""],
      ["brotli quality 11", kb(sealSize.brotli11Bytes), `${((sealSize.brotli11Bytes / sealSize.budgetBytes) * 100).toFixed(1)} %`, ""],
    ]));
    if (render) {
      const rs = render;
      const row = (r: RenderStats, ratio: string) => [r.label, String(r.runs), fmt(r.p50Ms), fmt(r.p90Ms), fmt(r.minMs), fmt(r.maxMs), fmt(r.frameP50Ms), fmt(r.wallP50Ms), fmt(r.dclP50Ms), ratio];
      log(plainTable(`Site seal (issue 5): navigation → valid badge in headless Chromium, fresh context per run; in-page ms since navigation start; ratio = seal p50 ÷ baseline p50 (time: >1 is slower)`, ["page", "runs", "p50 ms", "p90 ms", "min", "max", "next frame p50", "wall p50", "DCL p50", "ratio"], [
        row(rs.baseline, "baseline"),
        row(rs.seal, `×${fmt(rs.seal.p50Ms / rs.baseline.p50Ms, 2)} baseline time`),
      ]));
      log(`   ${rs.chromium}; seal p50 − baseline p50 = ${fmt(rs.seal.p50Ms - rs.baseline.p50Ms)} ms; status answer ${rs.statusBytes} B; wall = node clock from page.goto to waitForFunction (p90 seal ${fmt(rs.seal.wallP90Ms)} ms, baseline ${fmt(rs.baseline.wallP90Ms)} ms)`);
    } else {
      log("\n== Site seal (issue 5): navigation → valid badge: NOT MEASURED (see failures)");
    }
    log(table("Site seal (issue 5): GET /verify/<sealId>; ratio = Akashi ÷ bare http server with the same HTML body", rowsFor(verifyResult)));
    log(`   body ${firstVerify.body.length} B, Cache-Control "${String(firstVerify.headers["cache-control"] ?? "")}"; ${verifyResult.checkedBodies} bodies checked (serial ${sealed.serialNumber}, ${SEAL_DOMAIN}, data-status="VALID"); every body quick-checked for data-status="VALID"; seal section ${sealSeconds.toFixed(1)} s`);

    const results = {
      generatedAt: new Date().toISOString(),
      machine: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, totalMemMB: Math.round(os.totalmem() / 2 ** 20) },
      settings: { BENCH_SECONDS: SECONDS, BENCH_ISSUE_N: ISSUE_N, BENCH_CHAIN_N: CHAIN_N, BENCH_CONCURRENCY: CONCURRENCY, BENCH_SEAL_RUNS: SEAL_RUNS, database: db.description, caKeyAlgorithm: issuing.signer.keyAlgorithm },
      issuance: {
        approvals: approvals.figure,
        chain: chain.figure,
        signerC1: signer1.figure,
        signerC4: signer4.figure,
        ratios: { approvalsToSignerC4: approvals.figure.perSecond / signerRate, chainToSignerC4: chain.figure.perSecond / signerRate, approvalsToSignerC1: approvals.figure.perSecond / signer1.figure.perSecond },
      },
      ocsp: ocspResults.map((r) => ({ scenario: r.scenario, akashi: strip(r.app), baseline: strip(r.baseline), ratio: r.ratio, badBodies: r.badBodies, checkedBodies: r.checkedBodies, problems: r.problems })),
      ocspNotes: { responseBytes: { post: firstPost.body.length, get: firstGet.body.length, nonce: firstNonce.body.length }, cacheControl: cacheHeader, repeatedAnswerIdentical: cachedServed },
      seal: {
        script: sealSize,
        render: render ? { chromium: render.chromium, runsPerPage: SEAL_RUNS, timing: "in-page performance.now() (ms since the navigation's time origin) when the state attribute became valid", seal: render.seal, baseline: render.baseline, ratioP50: render.seal.p50Ms / render.baseline.p50Ms, statusAnswerBytes: render.statusBytes, problems: render.problems } : null,
        verifyPage: { scenario: verifyResult.scenario, akashi: strip(verifyResult.app), baseline: strip(verifyResult.baseline), ratio: verifyResult.ratio, badBodies: verifyResult.badBodies, checkedBodies: verifyResult.checkedBodies, problems: verifyResult.problems, bodyBytes: firstVerify.body.length },
        sealId: sealed.sealId,
        serialNumber: sealed.serialNumber,
        seconds: sealSeconds,
      },
      status: { scenario: statusResult.scenario, akashi: strip(statusResult.app), baseline: strip(statusResult.baseline), ratio: statusResult.ratio, badBodies: statusResult.badBodies, checkedBodies: statusResult.checkedBodies, problems: statusResult.problems, cacheControl: statusCache },
      failures,
      totalSeconds: (performance.now() - t0) / 1000,
    };
    const outDir = path.resolve(__dirname, "../../../test-artifacts");
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, "bench-results.json"), JSON.stringify(results, null, 2) + "\n");
    log(`\nresults: ${path.join(outDir, "bench-results.json")}`);
  } catch (e) {
    failures.push(`bench aborted: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  } finally {
    const tc = performance.now();
    await cleanup();
    log(`clean-up done (${elapsed(tc)}); total ${elapsed(t0)}`);
  }
  if (failures.length) {
    process.stderr.write(`\nFAILED (${failures.length}):\n${failures.map((f) => `  - ${f}`).join("\n")}\n`);
    return 1;
  }
  log("all checked responses were right.");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
