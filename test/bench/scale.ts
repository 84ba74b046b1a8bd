import { createHash } from "node:crypto";
import path from "node:path";
import { Client } from "pg";
import { allGoals, atMost, recordGoal } from "./goals";
import { plainTable } from "./report";
import type { IssuanceContext } from "./issuance";
import { HttpClient } from "./load";
import { crlShardFor } from "../../api/src/certificates/ca.service";
import { crlSerials } from "./crl-check";
import { buildOcspRequest, checkOcspResponse } from "./ocsp-check";
import { issueSealedCertificate } from "./seal";
import { rssMiB, startBenchApp, type BenchApp, type ScratchDatabase } from "./setup";

/**
 * Issue 11, "Speed at scale": N certificates in the database (BENCH_SCALE_N, default 1,000,000), then
 *   - public status (GET /graphql certificateStatus, by serial and by fingerprint) and OCSP (GET, nonce-less),
 *     each cold (the first request for a serial) and cached (the same request again), one at a time;
 *   - start-up time and resident memory of the service spawned on that database;
 *   - a mass revocation of 10,000 of them through startMassRevocation, timed from the mutation until
 *     the CA's CRL lists every one and OCSP and status answer REVOKED for the sampled ones (goal ≤ 10 s;
 *     698 s on main before the set-based batches);
 *   - with BENCH_SCALE_FULL=1, a mass revocation of the whole issuing CA (goal ≤ 10 min).
 * The synthetic certificates are rows written by SQL: one real certificate's DER, contract and CA are
 * reused; each row has its own serial, fingerprint and name. The 10,000 revoked ones get a contract each
 * (REV-6 ends each of them, as in real life); the rest share the real certificate's contract.
 * Every answer is checked; a wrong one is a failure (the bench exits non-zero).
 */

export interface ScaleInput {
  db: ScratchDatabase;
  ctx: IssuanceContext;
  /** A name the DCV web server answers for: the one real certificate is issued for it. */
  domain: string;
  work: string;
  dcvOverrides: string;
  log: (msg: string) => void;
}

export interface ScaleResult {
  failures: string[];
  json: Record<string, unknown>;
}

const num = (name: string, def: number, min: number, max: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer ${min}-${max} (got "${raw}")`);
  return n;
};

const REVOKE_N = 10_000;
/** Lets the bench's other watchers run (timers, sockets) in the middle of a long computation. */
const yieldThread = () => new Promise<void>((r) => setImmediate(r));
/** Serials sampled for the latency figures; half of them among the 10,000 revoked later (their cached answers must flip). */
const SAMPLE_N = 400;
const serialOf = (i: number) => `4${md5ish(i)}`;

/** Must match the SQL below: '4' || substr(md5('s' || i), 2). Computed in JS for the requests. */
function md5ish(i: number): string {
  return createHash("md5").update(`s${i}`).digest("hex").slice(1);
}
/** Must match encode(sha256(convert_to('f' || i, 'UTF8')), 'hex'). */
function fingerprintOf(i: number): string {
  return createHash("sha256").update(`f${i}`).digest("hex");
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(ms: number[]): { p50: number; p99: number; n: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), n: s.length };
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await f();
  return [v, performance.now() - t];
}

export async function scaleSection(input: ScaleInput): Promise<ScaleResult> {
  const { db, ctx, log } = input;
  const N = num("BENCH_SCALE_N", 1_000_000, REVOKE_N + SAMPLE_N, 20_000_000);
  const FULL = process.env.BENCH_SCALE_FULL === "1";
  const failures: string[] = [];
  const json: Record<string, unknown> = { n: N };
  const owner = new Client({ connectionString: db.ownerUrl });
  await owner.connect();
  let app: BenchApp | null = null;
  try {
    // ---- N certificates, by SQL
    const real = await issueSealedCertificate(ctx, input.domain);
    const [template] = (
      await owner.query(`SELECT id, contract_id, issuing_ca_id FROM certificate WHERE serial_hex = $1`, [
        real.serialNumber,
      ])
    ).rows;
    const tInsert = performance.now();
    const contractCols: string[] = (
      await owner.query(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'contract' AND column_name <> 'id' ORDER BY ordinal_position`,
      )
    ).rows.map((r: { column_name: string }) => `"${r.column_name}"`);
    const contractIds: string[] = (
      await owner.query(
        `INSERT INTO contract (${contractCols.join(", ")}) SELECT ${contractCols.map((c) => `k.${c}`).join(", ")} FROM contract k, generate_series(1, $2) WHERE k.id = $1 RETURNING id`,
        [template.contract_id, REVOKE_N],
      )
    ).rows.map((r: { id: string }) => r.id);
    const CHUNK = 100_000;
    for (let from = 1; from <= N; from += CHUNK) {
      const to = Math.min(N, from + CHUNK - 1);
      await owner.query(
        `INSERT INTO certificate (contract_id, application_id, source, issuing_ca_id, serial_hex, sha256_fingerprint, der, common_name, names, subject_dn, issuer_dn, not_before, not_after, key_algorithm, crl_shard)
         SELECT CASE WHEN i <= $4 THEN ($5::uuid[])[i] ELSE t.contract_id END, NULL, 'ISSUED', t.issuing_ca_id,
                s.serial, encode(sha256(convert_to('f' || i, 'UTF8')), 'hex'), t.der,
                's' || i || '.scale.akashi-demo.jp', ARRAY['s' || i || '.scale.akashi-demo.jp'], t.subject_dn, t.issuer_dn, t.not_before, t.not_after, t.key_algorithm,
                -- STAT-1's shard of the serial, as crlShardFor computes it at issuance
                CASE WHEN ca.crl_shards > 0 THEN (('x' || right(s.serial, 8))::bit(32)::bigint % ca.crl_shards)::smallint END
         FROM certificate t JOIN certificate_authority ca ON ca.id = t.issuing_ca_id, generate_series($2::int, $3::int) AS i,
              LATERAL (SELECT '4' || substr(md5('s' || i), 2) AS serial) s
         WHERE t.id = $1`,
        [template.id, from, to, REVOKE_N, contractIds],
      );
      if (to % 500_000 === 0 || to === N)
        log(
          `  scale: ${to.toLocaleString("en")} certificates written (${((performance.now() - tInsert) / 1000).toFixed(0)} s)`,
        );
    }
    // A database that has held a million certificates for a while has been vacuumed: without this the
    // autovacuum of the fresh rows (one to two seconds of CPU on this 2-core machine) lands in the timings.
    await owner.query(`VACUUM (ANALYZE) certificate`);
    await owner.query(`VACUUM (ANALYZE) contract`);
    const insertS = (performance.now() - tInsert) / 1000;
    const [{ total }] = (await owner.query(`SELECT count(*)::int AS total FROM certificate`)).rows;
    log(
      `set-up: ${N.toLocaleString("en")} synthetic certificates (${total.toLocaleString("en")} in all) in ${insertS.toFixed(0)} s`,
    );
    json.insertSeconds = insertS;

    // ---- the service at that size
    app = await startBenchApp(db, path.join(input.work, "scale-data"), input.dcvOverrides);
    const rss = rssMiB(app.pids);
    json.startupMs = app.startupMs;
    json.rssMiB = rss;
    recordGoal({
      measure: `scale: start-up of the service with ${N.toLocaleString("en")} certificates`,
      goal: "report",
      baseline: "—",
      now: app.startupMs === null ? "in-process" : `${(app.startupMs / 1000).toFixed(2)} s`,
      pass: null,
    });
    recordGoal({
      measure: `scale: RSS of the service (${app.pids.length} processes) with ${N.toLocaleString("en")} certificates`,
      goal: "report",
      baseline: "—",
      now: `${rss.toFixed(0)} MiB`,
      pass: null,
    });
    log(`scale: service started in ${app.startupMs?.toFixed(0) ?? "?"} ms, RSS ${rss.toFixed(0)} MiB`);
    const origin = app.origin;
    // Keep-alive node:http, as the load generators use: fetch cost the bench about 1 ms of CPU per request,
    // taken from the service under test on this 2-core machine while it checks 400 answers.
    const http = new HttpClient(origin, 8);
    const issuerDer = (await app.services.ca.activeIssuer()).ca.certDer;
    const caId: string = template.issuing_ca_id;

    // Sample: half among the 10,000 revoked later, half beyond; spread over the whole range.
    const sample = Array.from({ length: SAMPLE_N }, (_, k) =>
      k % 2 === 0
        ? 1 + Math.floor((k / SAMPLE_N) * REVOKE_N)
        : REVOKE_N + 1 + Math.floor((k / SAMPLE_N) * (N - REVOKE_N - 1)),
    );
    const statusGet = async (arg: string, expectStatus: string): Promise<string | null> => {
      const q = `{certificateStatus(${arg}){status}}`;
      const res = await http.request("GET", `/graphql?query=${encodeURIComponent(q)}`, { Accept: "application/json" });
      const body = res.body.toString("utf8");
      if (res.status !== 200) return `HTTP ${res.status}: ${body.slice(0, 200)}`;
      const status = JSON.parse(body).data?.certificateStatus?.status;
      return status === expectStatus ? null : `status ${status} (expected ${expectStatus}) for ${arg}`;
    };
    const ocspGet = async (i: number, expectRevoked: boolean): Promise<string | null> => {
      const serial = serialOf(i);
      const req = buildOcspRequest(issuerDer, serial, false);
      const res = await http.request("GET", `/ocsp/${encodeURIComponent(req.der.toString("base64"))}`);
      const body = res.body;
      if (res.status !== 200) return `OCSP HTTP ${res.status}`;
      const why = checkOcspResponse(body, { issuerCertDer: issuerDer, serialHex: serial, now: new Date() });
      // checkOcspResponse verifies signature and serial before the status; "revoked" is its tag 0xa1 complaint.
      if (expectRevoked)
        return why?.startsWith("certStatus tag 0xa1")
          ? null
          : `OCSP for ${serial}: ${why ?? "good"} (expected revoked)`;
      return why === null ? null : `OCSP for ${serial}: ${why}`;
    };

    const figures: Record<string, { p50: number; p99: number; n: number }> = {};
    const measure = async (name: string, items: number[], f: (i: number) => Promise<string | null>) => {
      const ms: number[] = [];
      for (const i of items) {
        const [why, t] = await timed(() => f(i));
        ms.push(t);
        if (why) failures.push(`scale ${name}: ${why}`);
      }
      figures[name] = summary(ms);
      recordGoal({
        measure: `scale: ${name} at ${N.toLocaleString("en")} (p50 / p99, ${ms.length} requests)`,
        goal: "report",
        baseline: "—",
        now: `${figures[name].p50.toFixed(2)} / ${figures[name].p99.toFixed(2)} ms`,
        pass: null,
      });
    };
    const half = sample.length / 2;
    const bySerial = sample.slice(0, half);
    const byFingerprint = sample.slice(half);
    await measure("status GET by serial, cold", bySerial, (i) => statusGet(`serialNumber:"${serialOf(i)}"`, "VALID"));
    await measure("status GET by serial, cached", bySerial, (i) => statusGet(`serialNumber:"${serialOf(i)}"`, "VALID"));
    await measure("status GET by fingerprint, cold", byFingerprint, (i) =>
      statusGet(`sha256Fingerprint:"${fingerprintOf(i)}"`, "VALID"),
    );
    await measure("status GET by fingerprint, cached", byFingerprint, (i) =>
      statusGet(`sha256Fingerprint:"${fingerprintOf(i)}"`, "VALID"),
    );
    await measure("OCSP GET, cold", sample, (i) => ocspGet(i, false));
    await measure("OCSP GET, cached", sample, (i) => ocspGet(i, false));
    json.latencyMs = figures;
    log(
      `scale: status and OCSP latencies measured (${Object.entries(figures)
        .map(([k, v]) => `${k} p50 ${v.p50.toFixed(1)} ms`)
        .join("; ")})`,
    );

    // ---- mass revocation of 10,000, mutation → CRL and OCSP and status reflect every one
    const revoked = Array.from({ length: REVOKE_N }, (_, k) => k + 1);
    const revokedSerials = revoked.map(serialOf);
    const sampledRevoked = sample.filter((i) => i <= REVOKE_N);
    const massRun = async (
      label: string,
      body: Record<string, unknown>,
      expected: Set<string>,
      ocspItems: number[],
      deadlineS: number,
    ) => {
      // STAT-1: each expected serial by the CRL scope it must be listed on (its shard, fixed at issuance).
      const [{ shards }] = (
        await owner.query(`SELECT crl_shards AS shards FROM certificate_authority WHERE id = $1`, [caId])
      ).rows;
      const expectedByScope = new Map<number | null, string[]>();
      for (const serial of expected) {
        const scope = crlShardFor(serial, shards);
        const list = expectedByScope.get(scope);
        if (list) list.push(serial);
        else expectedByScope.set(scope, [serial]);
      }
      const [updatesBefore] = (
        await owner.query(
          `SELECT n_tup_upd::int AS updates, n_tup_hot_upd::int AS hot FROM pg_stat_user_tables WHERE relid = 'certificate'::regclass`,
        )
      ).rows;
      const t0 = performance.now();
      const since = new Date(Date.now() - 1000);
      log(`scale: ${label}: started at ${new Date().toISOString()} (to line up with a CPU sampler or profile)`);
      const started = await ctx.client.gql(
        app!.operatorKey,
        `mutation($input: StartMassRevocationInput!) { startMassRevocation(input: $input) { massRevocation { id total } userErrors { code message } } }`,
        {
          input: { reason: "KEY_COMPROMISE", ground: "bench: issue 11 mass revocation", ...body },
        },
      );
      const mass = started.startMassRevocation;
      if (mass.userErrors.length || !mass.massRevocation)
        throw new Error(`startMassRevocation: ${JSON.stringify(mass.userErrors)}`);
      const massUuid = Buffer.from(mass.massRevocation.id, "base64url").toString().split(":")[1];
      const mutationMs = performance.now() - t0;
      let completedMs = null as number | null; // set by the watchers below
      let crlMs = null as number | null;
      let answersMs = null as number | null;
      /** The size of each scope's newest CRL (DER bytes), by shard. */
      const crlBytes = new Map<number | null, number>();
      const deadline = t0 + deadlineS * 1000;
      const pendingOcsp = new Set(ocspItems);
      /** Requests of the OCSP and status watcher that failed without an answer (transport errors). */
      const transportErrors: string[] = [];
      const pause = () => new Promise((r) => setTimeout(r, 100));
      // Three watchers side by side, each every 100 ms, so that one's slow pass (OCSP and status for every
      // sampled serial take about 1.5 s) does not delay noticing the others (it put 1.5 s on the CRL figure).
      const watchCompletion = async () => {
        while (performance.now() < deadline) {
          const [m] = (await owner.query(`SELECT status, done, total FROM mass_revocation WHERE id = $1`, [massUuid]))
            .rows;
          if (m.status === "COMPLETED") return (completedMs = performance.now() - t0);
          await pause();
        }
      };
      const watchCrls = async () => {
        // Only once the batches are done (no CRL can list every serial before the last batch commits), and
        // only each scope's newest CRL, each parsed once: parsing every CRL as it appeared took CPU from the
        // service under test on this 2-core machine (16 shard CRLs after each batch, superseded by the next).
        // A serial must be on the newest CRL of its own shard, not only on an older one: how many of each
        // scope's serials its newest CRL still leaves out.
        const missingByScope = new Map<number | null, number>(
          [...expectedByScope].map(([scope, serials]) => [scope, serials.length]),
        );
        const seen: string[] = [];
        while (performance.now() < deadline) {
          if (completedMs === null) {
            await pause();
            continue;
          }
          const crls = (
            await owner.query(
              `SELECT id, shard, der FROM (
                 SELECT DISTINCT ON (shard) id::text, shard, der FROM crl WHERE issuing_ca_id = $1 AND this_update >= $2
                 ORDER BY shard, crl_number DESC) latest
               WHERE NOT (id = ANY($3::text[]))`,
              [caId, since, seen],
            )
          ).rows as { id: string; shard: number | null; der: Buffer }[];
          // This loop shares the bench's one thread with the OCSP and status watcher. At 1,000,000 the CRLs
          // list 62,500 entries each; parsed, and every expected serial checked against all of them, after
          // each arrival, they held the thread for seconds: the watcher's new connections most likely sat
          // there without their request until the service's 10 s headers timeout closed them ("socket hang
          // up" on a new socket), and the CRL figure included the bench's own work. So a CRL is checked only for its own
          // shard's serials, and the loop yields between CRLs and every 20,000 serials.
          for (const c of crls) {
            const listed = crlSerials(c.der, issuerDer);
            crlBytes.set(c.shard, c.der.length);
            seen.push(c.id);
            const mine = expectedByScope.get(c.shard);
            if (mine) {
              let missing = 0;
              for (let i = 0; i < mine.length; i++) {
                if (!listed.has(mine[i])) missing++;
                if (i % 20_000 === 19_999) await yieldThread();
              }
              missingByScope.set(c.shard, missing);
            }
            await yieldThread();
          }
          if (crls.length > 0 && [...missingByScope.values()].every((n) => n === 0))
            return (crlMs = performance.now() - t0);
          await pause();
        }
      };
      const watchAnswers = async () => {
        while (performance.now() < deadline) {
          // Only once the batches are done (before that some cannot be REVOKED yet): the polling must not starve the service of CPU.
          if (completedMs !== null) {
            // Eight at a time, as the loads elsewhere: one by one, a pass over 200 samples took 1.5 s.
            const queue = [...pendingOcsp];
            const check = async () => {
              for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
                try {
                  if (
                    (await ocspGet(i, true)) === null &&
                    (await statusGet(`serialNumber:"${serialOf(i)}"`, "REVOKED")) === null
                  )
                    pendingOcsp.delete(i);
                } catch (e) {
                  // A request that got no answer is reported below as a failure; the timing goes on
                  // (the serial stays pending and is asked again), so that one drop does not lose the figure.
                  transportErrors.push(`${((performance.now() - t0) / 1000).toFixed(1)} s: ${(e as Error).message}`);
                  log(`scale: ${label}: ${transportErrors[transportErrors.length - 1]}`);
                }
              }
            };
            await Promise.all(Array.from({ length: 8 }, check));
            if (pendingOcsp.size === 0) return (answersMs = performance.now() - t0);
          }
          await pause();
        }
      };
      const trace = async () => {
        while (
          process.env.BENCH_SCALE_TRACE === "1" &&
          performance.now() < deadline &&
          (completedMs === null || crlMs === null || answersMs === null)
        ) {
          const active = (
            await owner.query(
              `SELECT now() - query_start AS running, left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS query FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
            )
          ).rows;
          log(
            `  trace ${(performance.now() - t0).toFixed(0)} ms: ${active.map((a: { running: unknown; query: string }) => `[${JSON.stringify(a.running)}] ${a.query}`).join(" | ")}`,
          );
          await pause();
        }
      };
      await Promise.all([watchCompletion(), watchCrls(), watchAnswers(), trace()]);
      const totalMs = Math.max(completedMs ?? Infinity, crlMs ?? Infinity, answersMs ?? Infinity);
      if (transportErrors.length > 0)
        failures.push(
          `scale ${label}: ${transportErrors.length} OCSP/status request(s) got no answer, the first at ${transportErrors[0]}`,
        );
      if (!Number.isFinite(totalMs))
        failures.push(
          `scale ${label}: not reflected within ${deadlineS} s (completed ${completedMs}, CRL ${crlMs}, OCSP/status ${answersMs}; ${pendingOcsp.size} sampled serials still not REVOKED)`,
        );
      // What was written: one executed revocation, audit entry and event per certificate.
      const [w] = (
        await owner.query(
          `SELECT (SELECT count(*)::int FROM revocation WHERE mass_revocation_id = $1 AND status = 'EXECUTED') AS revocations,
                  (SELECT count(*)::int FROM audit_event WHERE action = 'certificate.revoke' AND actor_label = $2) AS audits,
                  (SELECT count(*)::int FROM certificate c WHERE c.revoked_at IS NOT NULL AND c.serial_hex = ANY($3)) AS revoked,
                  (SELECT count(*)::int FROM (SELECT certificate_id FROM revocation WHERE status = 'EXECUTED' GROUP BY certificate_id HAVING count(*) > 1) d) AS twice,
                  (SELECT done FROM mass_revocation WHERE id = $1) AS done, (SELECT total FROM mass_revocation WHERE id = $1) AS total`,
          [massUuid, `mass-revocation:${massUuid}`, [...expected]],
        )
      ).rows;
      if (
        w.revocations !== expected.size ||
        w.audits !== expected.size ||
        w.revoked !== expected.size ||
        w.twice !== 0 ||
        w.done !== w.total ||
        w.total !== expected.size
      )
        failures.push(`scale ${label}: wrote ${JSON.stringify(w)} for ${expected.size} certificates`);
      log(
        `scale: ${label}: mutation ${mutationMs.toFixed(0)} ms, batches done ${completedMs?.toFixed(0)} ms, CRL ${crlMs?.toFixed(0)} ms, OCSP+status ${answersMs?.toFixed(0)} ms`,
      );
      // How many certificate updates stayed on their page (HOT: no index entry); the server's counters lag by about a second.
      await new Promise((r) => setTimeout(r, 1500));
      const [hot] = (
        await owner.query(
          `SELECT n_tup_upd::int - $1 AS updates, n_tup_hot_upd::int - $2 AS hot FROM pg_stat_user_tables WHERE relid = 'certificate'::regclass`,
          [updatesBefore.updates, updatesBefore.hot],
        )
      ).rows;
      log(`scale: ${label}: ${hot.hot} of ${hot.updates} certificate updates were HOT (no index entries)`);
      const sizes = [...crlBytes.values()];
      const crlSizes = {
        crls: sizes.length,
        largestKiB: Math.max(...sizes) / 1024,
        allKiB: sizes.reduce((a, b) => a + b, 0) / 1024,
      };
      log(
        `scale: ${label}: the ${crlSizes.crls} CRLs that list them: largest ${crlSizes.largestKiB.toFixed(0)} KiB, ${crlSizes.allKiB.toFixed(0)} KiB in all`,
      );
      return {
        mutationMs,
        completedMs,
        crlMs,
        answersMs,
        totalS: totalMs / 1000,
        written: w,
        hotUpdates: hot,
        crlSizes,
      };
    };
    const ten = await massRun(
      `mass revocation of ${REVOKE_N.toLocaleString("en")}`,
      { serials: revokedSerials },
      new Set(revokedSerials),
      sampledRevoked,
      900,
    );
    json.massRevocation10k = ten;
    atMost(
      `scale: mass revocation of ${REVOKE_N.toLocaleString("en")} of ${N.toLocaleString("en")} (mutation → last CRL and OCSP reflect it)`,
      ten.totalS,
      10,
      "698 s (main, issue 11)",
      " s",
    );

    if (FULL) {
      const all = new Set<string>(
        (
          await owner.query(
            `SELECT serial_hex FROM certificate WHERE issuing_ca_id = $1 AND source = 'ISSUED' AND revoked_at IS NULL AND not_after > now()`,
            [caId],
          )
        ).rows.map((r: { serial_hex: string }) => r.serial_hex),
      );
      const beyond = sample.filter((i) => i > REVOKE_N);
      const full = await massRun(
        `mass revocation of the whole CA (${all.size.toLocaleString("en")})`,
        { issuingCaId: caId },
        all,
        beyond,
        1800,
      );
      json.massRevocationFull = full;
      atMost(
        `scale: mass revocation of all ${all.size.toLocaleString("en")} (mutation → last CRL and OCSP reflect it)`,
        full.totalS / 60,
        10,
        "≈ 20 h at 14/s (main, issue 11)",
        " min",
      );
    }
    http.close();
  } finally {
    await app?.close();
    await owner.end();
  }
  const mine = allGoals().filter((l) => l.measure.startsWith("scale:"));
  log(
    plainTable(
      "Scale (issue 11)",
      ["measure", "goal", "baseline", "now", "verdict"],
      mine.map((l) => [l.measure, l.goal, l.baseline, l.now, l.pass === null ? "report" : l.pass ? "PASS" : "FAIL"]),
    ),
  );
  return { failures, json };
}
