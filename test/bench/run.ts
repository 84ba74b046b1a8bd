import "reflect-metadata";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { toPem } from "../../api/src/pki";
import {
  Figure,
  benchApprovals,
  benchChain,
  benchSigner,
  makeCsrs,
  prepareApprovable,
  type IssuanceContext,
} from "./issuance";
import {
  BareServer,
  measureAgainstBaseline as measure,
  rowsFor,
  strip,
  type BareRef,
  type Scenario,
  type ScenarioResult,
} from "./against-baseline";
import {
  buildOcspRequest,
  checkOcspResponse,
  nonceOfRequest,
  opensslAvailable,
  opensslCheckRequest,
  opensslCheckResponse,
  opensslMakeRequest,
  type OcspRequestTemplate,
} from "./ocsp-check";
import { acmeSection } from "./acme";
import { atLeast, atMost, allGoals, goalsTable, recordGoal } from "./goals";
import { DEFAULT_DB_LIMITS } from "../../api/src/db/data-source";
import { scaleSection } from "./scale";
import { crlScaleSection } from "./crl-scale";
import { Row, table } from "./report";
import { issueSealedCertificate } from "./seal";
import { printSealSection, renderVerdict, runSealSection, sealJson, type SealSectionResult } from "./seal-section";
import { describeCpuPerUnit } from "./cpu-account";
import {
  DcvWebServer,
  analyze,
  createReseller,
  listen,
  scratchDatabase,
  startBenchApp,
  type BenchApp,
  type ScratchDatabase,
} from "./setup";

/**
 * `npm run bench`: issuance (issue 3), OCSP and public status (issue 4), the site seal (issue 5), each
 * against a baseline measured in the same run on the same machine. Environment:
 *   BENCH_SECONDS      seconds per load run (default 5); everything else scales from it
 *   BENCH_ISSUE_N      applications approved in (a1) at concurrency 8 (default 400)
 *   BENCH_BURST_N      applications approved all at once in (a3), the burst of issue 10 (default 200)
 *   BENCH_CHAIN_N      certificates through the whole chain in (a2) (default 100)
 *   BENCH_CONCURRENCY  connections for the OCSP, status and verification-page loads (default 8)
 *   BENCH_SEAL_RUNS    navigations of each page in the seal render benchmark (default 15)
 *   BENCH_ONLY         comma-separated sections to run: issuance, ocsp, status, seal, crl, scale (default: all but scale);
 *   BENCH_CRL_REVOKED  revoked certificates in the CRL section (default 110000)
 *                      also as arguments: `npm run bench -- seal`
 *   BENCH_SCALE_N      certificates written for the scale section (default 1,000,000); BENCH_SCALE_FULL=1 also
 *                      revokes all of them at once (issue 11)
 *   DATABASE_URL       use this PostgreSQL server (a scratch database is created and dropped);
 *                      unset: an embedded PostgreSQL in a temp dir
 * Exits 1 when any response is wrong (non-2xx, transport error, bad OCSP body, wrong status JSON, a
 * verification page without the serial or VALID, a badge that is not valid), when seal.js is over its 7 KB gzip
 * budget, or when the seal renders more than 40 ms (p50) after the baseline (issue 14).
 */

const num = (name: string, def: number, min: number, max: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`${name} must be a number ${min}-${max} (got "${raw}")`);
  return n;
};

const SECONDS = num("BENCH_SECONDS", 5, 0.5, 600);
const ISSUE_N = Math.round(num("BENCH_ISSUE_N", 400, 8, 100_000));
const BURST_N = Math.round(num("BENCH_BURST_N", 200, 2, 10_000));
const CHAIN_N = Math.round(num("BENCH_CHAIN_N", 100, 4, 100_000));
const CONCURRENCY = Math.round(num("BENCH_CONCURRENCY", 8, 1, 256));
const SEAL_RUNS = Math.round(num("BENCH_SEAL_RUNS", 15, 3, 1000));
const SEAL_DOMAIN = "shop.akashi-demo.jp";
/** The certificate for OCSP and status when the issuance section (which otherwise provides it) is skipped. */
const STATUS_DOMAIN = "status.bench.akashi-demo.jp";
/** The certificate the CRL section revokes (issue 11). */
const CRL_DOMAIN = "crl.bench.akashi-demo.jp";
const MAX_REQUESTS = 2_000_000;
const SECTIONS = ["issuance", "ocsp", "status", "seal", "crl", "scale"] as const;
/** Issue 11 (test/bench/scale.ts): the one real certificate the synthetic ones copy is issued for this name. */
const SCALE_DOMAIN = "scale.bench.akashi-demo.jp";
type Section = (typeof SECTIONS)[number];

/** BENCH_ONLY or the command's arguments; every section when neither names one. */
function chosenSections(): Set<Section> {
  const named = [process.env.BENCH_ONLY ?? "", ...process.argv.slice(2)]
    .join(",")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  const unknown = named.filter((n) => !(SECTIONS as readonly string[]).includes(n));
  if (unknown.length)
    throw new Error(`unknown bench section(s) ${unknown.join(", ")}; choose from ${SECTIONS.join(", ")}`);
  // scale writes a million rows and takes minutes: only when named.
  return new Set(named.length ? (named as Section[]) : SECTIONS.filter((x) => x !== "scale"));
}
const ONLY = chosenSections();
const want = (s: Section) => ONLY.has(s);
const measureAgainstBaseline = (
  app: BenchApp,
  bare: BareRef,
  s: Scenario,
  fixed: { body: Buffer; contentType: string },
) => measure(app, bare, s, fixed, SECONDS);
const SAMPLE = { first: 20, every: 100 };

const log = (msg: string) => process.stdout.write(`${msg}\n`);
const elapsed = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

function figureRow(f: Figure, ratio?: number, ratioLabel?: string): Row {
  return {
    scenario: f.label,
    requests: f.requests,
    seconds: f.seconds,
    perSecond: f.perSecond,
    p50Ms: f.p50Ms,
    p99Ms: f.p99Ms,
    ...(ratio !== undefined ? { ratio } : {}),
    ...(ratioLabel ? { ratioLabel } : {}),
    badBodies: f.failures,
  };
}

/** Issue 3: approvals and the whole chain over GraphQL against the signer alone. */
async function issuanceSection(
  db: Pick<ScratchDatabase, "ownerUrl">,
  ctx: IssuanceContext,
  approveNames: string[],
  chainNames: string[],
  burstNames: string[],
  failures: string[],
) {
  const tCsr = performance.now();
  const approveCsrs = await makeCsrs(approveNames);
  const chainCsrs = await makeCsrs(chainNames);
  const burstCsrs = await makeCsrs(burstNames);
  log(`set-up: ${ISSUE_N + CHAIN_N + BURST_N} subscriber keys + CSRs (${elapsed(tCsr)})`);
  const tPrep = performance.now();
  const ids = await prepareApprovable(ctx, approveNames, approveCsrs);
  const burstIds = await prepareApprovable(ctx, burstNames, burstCsrs);
  await analyze(db);
  log(
    `set-up: ${ids.length + burstIds.length} applications submitted, under review, domain control validated (${elapsed(tPrep)})`,
  );

  const approvals = await benchApprovals(ctx, ids, Math.max(30, SECONDS * 12), 8);
  log(`measured: ${approvals.figure.requests} approvals`);
  // Issue 10: every approval at once, each on its own connection; none may hang, each answers.
  const burst = await benchApprovals(ctx, burstIds, 300, burstIds.length);
  log(`measured: ${burst.figure.requests} approvals at once`);
  for (const p of burst.problems) failures.push(`burst: ${p}`);
  if (burst.serials.length !== burstIds.length)
    failures.push(`burst: ${burst.serials.length} of ${burstIds.length} approvals issued a certificate`);
  const chain = await benchChain(ctx, chainNames, chainCsrs, Math.max(4, SECONDS * 3));
  log(`measured: ${chain.figure.requests} certificates through the whole chain`);
  const signer1 = await benchSigner(1, 100_000, SECONDS);
  const signer4 = await benchSigner(4, 100_000, SECONDS);
  log(`measured: signer alone (${signer1.figure.requests} + ${signer4.figure.requests} leaves)`);
  for (const p of [...approvals.problems, ...chain.problems, ...signer1.problems, ...signer4.problems])
    failures.push(`issuance: ${p}`);
  if (approvals.load.non2xx || approvals.load.errors)
    failures.push(
      `issuance: ${approvals.load.non2xx} non-2xx, ${approvals.load.errors} errors; first: ${approvals.load.firstError}`,
    );
  if (approvals.serials.length !== approvals.load.requests)
    failures.push(`issuance: ${approvals.serials.length} of ${approvals.load.requests} approvals issued a certificate`);
  // Ratios at the same concurrency (4): how much of the signer's rate survives GraphQL + database + audit.
  const signerRate = signer4.figure.perSecond;
  const issuanceRows: Row[] = [
    figureRow(signer1.figure, undefined, "—"),
    figureRow(signer4.figure),
    {
      ...figureRow(approvals.figure, approvals.figure.perSecond / signerRate, "of signer c=4"),
      non2xx: approvals.load.non2xx + approvals.load.errors,
    },
    figureRow(chain.figure, chain.figure.perSecond / signerRate, "of signer c=4"),
    {
      ...figureRow(burst.figure, burst.figure.perSecond / signerRate, "of signer c=4"),
      non2xx: burst.load.non2xx + burst.load.errors,
    },
  ];
  const signerText = `signer alone c=4: ${signerRate.toFixed(0)}/s; before: 17–73/s`;
  atLeast(
    "approveApplication through GraphQL, c=8 (certificates/s)",
    approvals.figure.perSecond,
    150,
    signerText,
    "/s",
    1,
  );
  atLeast(
    "whole chain submit → review → DCV → approve, c=4 (certificates/s)",
    chain.figure.perSecond,
    60,
    "before: 10–34/s",
    "/s",
    1,
  );
  const limits = `pool ${DEFAULT_DB_LIMITS.poolSize}/process, acquire ${DEFAULT_DB_LIMITS.acquireTimeoutMs} ms, lock ${DEFAULT_DB_LIMITS.lockTimeoutMs} ms, statement ${DEFAULT_DB_LIMITS.statementTimeoutMs} ms`;
  recordGoal({
    measure: `${burstIds.length} concurrent approvals: all answered and issued (p50 / p99 ms)`,
    goal: "no wedge; every one answered",
    baseline: `before: 30 at once wedged the server; ${limits}`,
    now: `${burst.serials.length}/${burstIds.length} issued, ${burst.load.non2xx + burst.load.errors} errors; p50 ${burst.figure.p50Ms.toFixed(0)} / p99 ${burst.figure.p99Ms.toFixed(0)} ms`,
    pass: burst.serials.length === burstIds.length && burst.load.non2xx + burst.load.errors === 0,
  });

  const print = () => {
    log(
      table(
        "Issuance (issue 3): certificates per second; ratio = GraphQL rate ÷ signer rate at concurrency 4",
        issuanceRows,
        "ratio",
      ),
    );
    log(
      `   GraphQL approvals ÷ signer alone: ${(approvals.figure.perSecond / signerRate).toFixed(3)}  (signer c=1: ${signer1.figure.perSecond.toFixed(0)}/s, c=4: ${signerRate.toFixed(0)}/s; whole chain ÷ signer: ${(chain.figure.perSecond / signerRate).toFixed(3)})`,
    );
    log(`   approvals, c=8: ${describeCpuPerUnit(approvals.figure.cpu ?? null, "certificate", 150)}`);
    log(`   whole chain, c=4: ${describeCpuPerUnit(chain.figure.cpu ?? null, "certificate", 60)}`);
    log(
      `   burst of ${burstIds.length} approvals at once: limits in force per service process: ${limits}; HTTP workers: ${process.env.BENCH_WORKERS ?? "one per core"}`,
    );
  };
  const json = {
    approvals: approvals.figure,
    chain: chain.figure,
    burst: { ...burst.figure, limits: DEFAULT_DB_LIMITS },
    signerC1: signer1.figure,
    signerC4: signer4.figure,
    ratios: {
      approvalsToSignerC4: approvals.figure.perSecond / signerRate,
      chainToSignerC4: chain.figure.perSecond / signerRate,
      approvalsToSignerC1: approvals.figure.perSecond / signer1.figure.perSecond,
    },
  };
  return { print, json, serial: approvals.serials[0] ?? chain.serials[0] };
}

/** One real answer first: its bytes are the baseline's body (same size), and it is checked. */
async function firstAnswer(
  app: BenchApp,
  method: string,
  p: string,
  headers: Record<string, string> = {},
  body?: Buffer,
) {
  const res = await app.client.request(method, p, headers, body);
  if (res.status !== 200) throw new Error(`${method} ${p.slice(0, 40)}: HTTP ${res.status}`);
  return res;
}

/** Issue 4: OCSP POST/GET pre-signed and with a nonce, each against the bare server with a same-size body. */
async function ocspSection(app: BenchApp, serial: string, work: string, bareRef: BareRef) {
  const hasOpenssl = opensslAvailable();
  const issuing = await app.services.ca.activeIssuer();
  const root = await app.services.ca.root();
  const files = {
    rootPem: path.join(work, "root.pem"),
    issuingPem: path.join(work, "issuing.pem"),
  };
  fs.writeFileSync(files.rootPem, toPem(root.certDer, "CERTIFICATE"));
  fs.writeFileSync(files.issuingPem, toPem(issuing.ca.certDer, "CERTIFICATE"));
  const plain = buildOcspRequest(issuing.ca.certDer, serial, false);
  const withNonce = buildOcspRequest(issuing.ca.certDer, serial, true);
  if (hasOpenssl) {
    for (const [name, req, n] of [
      ["plain", plain, false],
      ["nonce", withNonce, true],
    ] as [string, OcspRequestTemplate, boolean][]) {
      const why = opensslCheckRequest(work, name, req.der, n);
      if (why) throw new Error(`openssl does not read the benchmark's ${name} OCSP request:\n${why}`);
    }
    // The nonce-less request is byte for byte what `openssl ocsp -issuer … -serial 0x… -no_nonce -reqout` makes.
    const theirs = opensslMakeRequest(work, files.issuingPem, serial);
    if (!theirs || !theirs.equals(plain.der))
      throw new Error(
        `the nonce-less OCSP request differs from openssl's: ours ${plain.der.toString("hex")}, openssl's ${theirs?.toString("hex")}`,
      );
  }
  const ocspCheck = (nonceFrom?: OcspRequestTemplate) => (body: Buffer, sent: Buffer | undefined) =>
    checkOcspResponse(body, {
      issuerCertDer: issuing.ca.certDer,
      serialHex: serial,
      now: new Date(),
      ...(nonceFrom && sent ? { nonce: nonceOfRequest(nonceFrom, sent) } : {}),
    });
  let opensslN = 0;
  const viaOpenssl = hasOpenssl
    ? (body: Buffer, sent: Buffer | undefined) =>
        opensslCheckResponse(work, `resp${opensslN++}`, body, files, serial, sent)
    : undefined;
  const ocspCommon = {
    concurrency: CONCURRENCY,
    maxRequests: MAX_REQUESTS,
    maxSeconds: SECONDS,
    sample: SAMPLE,
    quickCheck: { kind: "ocsp-successful" as const },
  };
  const postHeaders = { "Content-Type": "application/ocsp-request" };
  const getPath = `/ocsp/${encodeURIComponent(plain.der.toString("base64"))}`;

  // One real answer of each kind first: its bytes are the baseline's body (same size), and it is checked.
  const first = (method: string, p: string, body?: Buffer) =>
    firstAnswer(app, method, p, body ? postHeaders : {}, body);
  const firstPost = await first("POST", "/ocsp", plain.der);
  const firstGet = await first("GET", getPath);
  const firstNonce = await first("POST", "/ocsp", withNonce.der);
  for (const [what, res, nonce] of [
    ["POST", firstPost, undefined],
    ["GET", firstGet, undefined],
    ["POST nonce", firstNonce, nonceOfRequest(withNonce, withNonce.der)],
  ] as const) {
    const why = checkOcspResponse(res.body, {
      issuerCertDer: issuing.ca.certDer,
      serialHex: serial,
      now: new Date(),
      ...(nonce ? { nonce } : {}),
    });
    if (why) throw new Error(`first OCSP ${what} response is wrong: ${why}`);
  }
  const cacheHeader = String(firstPost.headers["cache-control"] ?? "");
  const again = await first("POST", "/ocsp", plain.der);
  const cachedServed = again.body.equals(firstPost.body);
  if (!cachedServed)
    log("note: two nonce-less requests got different bytes — the responder is not serving a pre-signed response");

  const ocspType = "application/ocsp-response";

  const ocspScenarios: [Scenario, Buffer][] = [
    [
      {
        name: "OCSP POST, no nonce (pre-signed)",
        spec: {
          ...ocspCommon,
          method: "POST",
          paths: ["/ocsp"],
          headers: postHeaders,
          bodies: [new Uint8Array(plain.der)],
        },
        check: ocspCheck(),
        ...(viaOpenssl ? { openssl: viaOpenssl } : {}),
      },
      firstPost.body,
    ],
    [
      {
        name: "OCSP GET /ocsp/<b64>, no nonce (pre-signed)",
        spec: { ...ocspCommon, method: "GET", paths: [getPath], headers: {} },
        check: ocspCheck(),
        ...(viaOpenssl ? { openssl: viaOpenssl } : {}),
      },
      firstGet.body,
    ],
    [
      {
        name: "OCSP POST, fresh nonce (signed each time)",
        spec: {
          ...ocspCommon,
          method: "POST",
          paths: ["/ocsp"],
          headers: postHeaders,
          bodies: [new Uint8Array(withNonce.der)],
          nonce: withNonce.nonce!,
        },
        check: ocspCheck(withNonce),
        ...(viaOpenssl ? { openssl: viaOpenssl } : {}),
      },
      firstNonce.body,
    ],
  ];
  const ocspResults: ScenarioResult[] = [];
  for (const [s, body] of ocspScenarios) {
    ocspResults.push(await measureAgainstBaseline(app, bareRef, s, { body, contentType: ocspType }));
    log(`measured: ${s.name}`);
  }

  const bareText = (r: ScenarioResult, before: string) =>
    `bare ${r.baseline.rps.toFixed(0)} req/s vs ${r.app.rps.toFixed(0)}; before ${before}`;
  atLeast(
    "OCSP GET, pre-signed answer (ratio to bare node:http)",
    ocspResults[1].ratio,
    0.6,
    bareText(ocspResults[1], "0.12–0.24"),
  );
  atLeast(
    "OCSP POST, pre-signed (ratio to bare node:http)",
    ocspResults[0].ratio,
    0.6,
    bareText(ocspResults[0], "0.28–0.40"),
  );
  recordGoal({
    measure: "OCSP POST, fresh nonce, signed per request (ratio)",
    goal: "-",
    baseline: bareText(ocspResults[2], "-"),
    now: ocspResults[2].ratio.toFixed(3),
    pass: null,
  });

  const print = () => {
    log(
      table(
        `OCSP (issue 4): responses per second, ${CONCURRENCY} keep-alive connections; ratio = Akashi ÷ bare http server with a fixed body of the same size`,
        ocspResults.flatMap(rowsFor),
      ),
    );
    log(
      `   response sizes: POST ${firstPost.body.length} B, GET ${firstGet.body.length} B, nonce ${firstNonce.body.length} B; Cache-Control of a nonce-less answer: "${cacheHeader}"; repeated nonce-less answer byte-identical: ${cachedServed}`,
    );
    log(
      `   bodies checked: ${ocspResults.map((r, i) => `${r.checkedBodies} (${["POST", "GET", "POST nonce"][i]})`).join(", ")}${hasOpenssl ? "; first sample of each also by openssl ocsp -respin" : "; openssl not found, own parser only"}`,
    );
  };
  const json = {
    ocsp: ocspResults.map((r) => ({
      scenario: r.scenario,
      akashi: strip(r.app),
      baseline: strip(r.baseline),
      ratio: r.ratio,
      badBodies: r.badBodies,
      checkedBodies: r.checkedBodies,
      problems: r.problems,
    })),
    ocspNotes: {
      responseBytes: { post: firstPost.body.length, get: firstGet.body.length, nonce: firstNonce.body.length },
      cacheControl: cacheHeader,
      repeatedAnswerIdentical: cachedServed,
    },
    caKeyAlgorithm: issuing.signer.keyAlgorithm,
  };
  return { results: ocspResults, print, json };
}

/** Issue 4: anonymous certificateStatus over GET /graphql against the bare server with the same JSON. */
async function statusSection(app: BenchApp, serial: string, bareRef: BareRef) {
  // Public status over GET /graphql, anonymous.
  const cert = await app.services.certificateStatus.lookup({ serialNumber: serial });
  if (!cert) throw new Error("certificateStatus.lookup found nothing for the benchmark's serial");
  const statusQuery = `{certificateStatus(serialNumber:"${serial}"){status notAfter checkedAt}}`;
  const statusPath = `/graphql?query=${encodeURIComponent(statusQuery)}`;
  const firstStatus = await firstAnswer(app, "GET", statusPath);
  const statusCheck = (body: Buffer): string | null => {
    try {
      const json = JSON.parse(body.toString("utf8"));
      const s = json.data?.certificateStatus;
      if (json.errors) return `errors: ${JSON.stringify(json.errors).slice(0, 200)}`;
      if (s?.status !== "VALID") return `status ${s?.status}`;
      if (new Date(s.notAfter).getTime() !== cert.notAfter.getTime())
        return `notAfter ${s.notAfter} (expected ${cert.notAfter.toISOString()})`;
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
      spec: {
        concurrency: CONCURRENCY,
        maxRequests: MAX_REQUESTS,
        maxSeconds: SECONDS,
        sample: SAMPLE,
        quickCheck: { kind: "contains", text: `"status":"VALID"` },
        method: "GET",
        paths: [statusPath],
        headers: { Accept: "application/json" },
      },
      check: (b) => statusCheck(b),
    },
    { body: firstStatus.body, contentType: "application/json; charset=utf-8" },
  );
  log(`measured: public status`);
  atLeast(
    "anonymous certificateStatus GET (ratio to bare node:http)",
    statusResult.ratio,
    0.4,
    `bare ${statusResult.baseline.rps.toFixed(0)} req/s vs ${statusResult.app.rps.toFixed(0)}; before 0.022–0.063`,
  );

  const print = () => {
    log(
      table(
        "Public status (issue 4): anonymous GET /graphql?query={certificateStatus…}; ratio = Akashi ÷ bare http server",
        rowsFor(statusResult),
      ),
    );
    log(
      `   body ${firstStatus.body.length} B, Cache-Control "${statusCache}"; ${statusResult.checkedBodies} bodies parsed and checked (status VALID, notAfter, checkedAt)`,
    );
  };
  const json = {
    scenario: statusResult.scenario,
    akashi: strip(statusResult.app),
    baseline: strip(statusResult.baseline),
    ratio: statusResult.ratio,
    badBodies: statusResult.badBodies,
    checkedBodies: statusResult.checkedBodies,
    problems: statusResult.problems,
    cacheControl: statusCache,
  };
  return { result: statusResult, print, json };
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
    log(
      `Akashi benchmark — node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? "?"}), BENCH_SECONDS=${SECONDS}, OCSP/status concurrency ${CONCURRENCY}; sections ${[...ONLY].join(", ")}`,
    );

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
    const burstNames = Array.from({ length: BURST_N }, (_, i) => `b${i}.bench.akashi-demo.jp`);
    const tApp = performance.now();
    const app = await startBenchApp(
      db,
      path.join(work, "data"),
      dcv.overrides([
        ...approveNames,
        ...chainNames,
        ...burstNames,
        SEAL_DOMAIN,
        STATUS_DOMAIN,
        SCALE_DOMAIN,
        CRL_DOMAIN,
      ]),
    );
    cleanups.push(() => app.close());
    log(`app: migrations + CA hierarchy + service (${app.mode}) on ${app.origin} (${elapsed(tApp)})`);

    const reseller = await createReseller(app.services, "bench");
    const products = await app.client.gql(null, `{ products(first: 100) { edges { node { id code } } } }`);
    const productId = products.products.edges.find((e: { node: { code: string } }) => e.node.code === "OV")?.node.id;
    if (!productId) throw new Error("no OV product");
    const sub = await app.client.gql(
      reseller.key,
      `mutation($input: CreateSubscriberInput!) { createSubscriber(input: $input) { subscriber { id } userErrors { code message } } }`,
      {
        input: {
          kind: "ORGANIZATION",
          name: "株式会社ベンチショップ",
          country: "JP",
          stateOrProvince: "Tokyo",
          locality: "Chiyoda-ku",
          contacts: [],
        },
      },
    );
    if (sub.createSubscriber.userErrors.length) throw new Error(JSON.stringify(sub.createSubscriber.userErrors));
    const ctx = {
      client: app.client,
      origin: app.origin,
      dcv,
      operatorKey: app.operatorKey,
      resellerKey: reseller.key,
      subscriberId: sub.createSubscriber.subscriber.id as string,
      productId: productId as string,
      servicePids: app.pids,
    };

    const bareServer = new BareServer();
    const bare = await listen(bareServer.handler);
    cleanups.push(() => bare.close());
    const bareRef: BareRef = { origin: bare.origin, server: bareServer };

    const issuance = want("issuance")
      ? await issuanceSection(db, ctx, approveNames, chainNames, burstNames, failures)
      : null;
    if (issuance) {
      // ---- issue 12: ACME orders per second, printed next to the GraphQL issuance rates
      const figures = [issuance.json.approvals, issuance.json.chain];
      const acme = await acmeSection(app, ctx, reseller.id, figures, CHAIN_N * 2, Math.max(10, SECONDS * 4), log);
      for (const p of acme.problems) failures.push(`acme: ${p}`);
    }
    let serial = issuance?.serial;
    if (!serial && (want("ocsp") || want("status")))
      serial = (await issueSealedCertificate(ctx, STATUS_DOMAIN)).serialNumber;
    if ((want("ocsp") || want("status")) && !serial)
      throw new Error("no certificate was issued; cannot benchmark OCSP or status");
    const ocsp = want("ocsp") && serial ? await ocspSection(app, serial, work, bareRef) : null;
    const status = want("status") && serial ? await statusSection(app, serial, bareRef) : null;
    let seal: SealSectionResult | null = null;
    if (want("seal")) {
      const input = {
        app,
        ctx,
        bare: bareRef,
        domain: SEAL_DOMAIN,
        seconds: SECONDS,
        concurrency: CONCURRENCY,
        runs: SEAL_RUNS,
        maxRequests: MAX_REQUESTS,
        sample: SAMPLE,
        log,
      };
      seal = await runSealSection(input);
      failures.push(...seal.failures);
    }
    if (want("crl")) {
      const revoked = Math.round(num("BENCH_CRL_REVOKED", 110_000, 100, 10_000_000));
      // A section that aborts is reported as a failure; the figures measured before it are still printed.
      try {
        failures.push(
          ...(await crlScaleSection({
            app,
            db,
            ctx,
            domain: CRL_DOMAIN,
            revoked,
            seconds: SECONDS,
            concurrency: CONCURRENCY,
            log,
          })),
        );
      } catch (e) {
        failures.push(`crl section aborted: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    }
    // Last: it writes BENCH_SCALE_N certificates into the database the other sections use.
    const scale = want("scale")
      ? await scaleSection({ db, ctx, domain: SCALE_DOMAIN, work, dcvOverrides: dcv.overrides([SCALE_DOMAIN]), log })
      : null;
    if (scale) failures.push(...scale.failures);
    for (const r of [...(ocsp?.results ?? []), ...(status ? [status.result] : [])])
      for (const p of r.problems) failures.push(`${r.scenario}: ${p}`);

    // ---- output
    issuance?.print();
    ocsp?.print();
    status?.print();
    if (seal) {
      printSealSection(seal, log);
      const v = seal.verify;
      atLeast(
        "/verify/{id} (ratio to bare node:http)",
        v.ratio,
        0.4,
        `bare ${v.baseline.rps.toFixed(0)} req/s vs ${v.app.rps.toFixed(0)}; before 0.03–0.04`,
      );
      atMost("seal.js gzip -9 (bytes)", seal.size.gzip9Bytes, seal.size.budgetBytes, "Lit 3 seal: 9,690 B", " B", 0);
      if (seal.render) {
        const r = renderVerdict(seal.render);
        atMost(
          "seal render p50 − baseline p50 (ms, Chromium)",
          r.deltaMs,
          40,
          `baseline p50 ${seal.render.baseline.p50Ms.toFixed(0)} ms`,
          " ms",
          1,
        );
      }
    }
    log(goalsTable());
    const goals = allGoals();
    log(
      `goals: ${goals.filter((g) => g.pass === true).length} PASS, ${goals.filter((g) => g.pass === false).length} FAIL, ${goals.filter((g) => g.pass === null).length} reported`,
    );

    const results = {
      generatedAt: new Date().toISOString(),
      machine: {
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? null,
        totalMemMB: Math.round(os.totalmem() / 2 ** 20),
      },
      settings: {
        BENCH_SECONDS: SECONDS,
        BENCH_ISSUE_N: ISSUE_N,
        BENCH_CHAIN_N: CHAIN_N,
        BENCH_CONCURRENCY: CONCURRENCY,
        BENCH_SEAL_RUNS: SEAL_RUNS,
        sections: [...ONLY],
        database: db.description,
        caKeyAlgorithm: ocsp?.json.caKeyAlgorithm ?? null,
      },
      issuance: issuance?.json ?? null,
      ocsp: ocsp?.json.ocsp ?? null,
      ocspNotes: ocsp?.json.ocspNotes ?? null,
      seal: seal ? sealJson(seal, SEAL_RUNS) : null,
      status: status?.json ?? null,
      goals: allGoals(),
      scale: scale?.json ?? null,
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
