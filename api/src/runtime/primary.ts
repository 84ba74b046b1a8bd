import cluster, { Worker } from "node:cluster";
import http from "node:http";
import { Registry } from "prom-client";
import { registerDatabaseGauges } from "../metrics/database-gauges";
import { METRICS_CONTENT_TYPE, MetricsCollector } from "../metrics/exporter";
import { collectProcessMetrics } from "../metrics/registry";
import fs from "node:fs";
import path from "node:path";
import { Config } from "../config";
import { Database } from "../db/database";
import { DemoKeys, loadDemoData } from "../demo/demo-data";
import { systemClock } from "../domain/clock";
import { TlsCredentials, tlsCredentials } from "../http/tls";
import { JobRunner } from "../jobs/job-runner";
import { splitJobSet } from "../jobs/job-sets";
import { Logger } from "../logger";
import { startCrlThread } from "../pki";
import { createServices } from "../services";
import { JOB_LANES, laneRunners } from "./job-lanes";
import { ToPrimary, ToWorker } from "./messages";

/** A worker that dies is replaced, but not faster than this (a crash loop must not spin). */
const RESPAWN_DELAY_MS = 1_000;

/**
 * The primary process (DESIGN "Hot paths and scale": use both cores): it owns the database (the
 * embedded cluster too) and its migrations, creates the CA, loads demo data, runs the background jobs
 * — so CRLs, mass revocations and webhooks never run on a request's event loop — and keeps
 * `config.workers` HTTP workers listening on one port, replacing any that die.
 */
export async function runPrimary(config: Config, db: Database, logger: Logger, started: number): Promise<void> {
  const services = createServices(db.ds, systemClock, config);
  await services.ca.ensureHierarchy();
  await services.crls.ensureCrls(); // STAT-1: every CA has a current CRL from the start
  const demoKeys = config.demo ? await loadDemoData(services) : null;
  const tls = await tlsCredentials(config, services.ca, systemClock);
  await services.listener.start(logger);
  const metrics = startMetrics(config, db, logger);
  const lanes = splitJobSet(services.jobs, JOB_LANES);
  const runnersPerLane = laneRunners(config.massRevocationChains);
  const runners = (["core", "network", "bulk"] as const).flatMap((lane) =>
    Array.from(
      { length: runnersPerLane[lane] },
      () =>
        new JobRunner({
          ds: db.ds,
          clock: systemClock,
          logger,
          handlers: lanes[lane].handlers,
          recurring: lanes[lane].recurring,
          listener: services.listener,
        }),
    ),
  );
  if (config.runJobs) {
    for (const r of runners) await r.start();
    // The jobs publish CRLs: their first publication after a start would otherwise also pay for loading the
    // CRL thread and decrypting the issuing CA's key (0.6–0.8 s after a mass revocation's last batch).
    startCrlThread();
    void services.ca
      .activeIssuer()
      .catch((err: unknown) => logger.error({ err }, "could not load the issuing CA's key"));
  }

  // Workers connect to the database the primary opened (the embedded one included), without migrating.
  cluster.setupPrimary({ silent: false });
  const env = { DATABASE_URL: db.url, AKASHI_DEMO: "false" };
  let stopping = false;
  const fork = (): Promise<Worker> => {
    const w = cluster.fork(env);
    w.on("online", () => w.send({ type: "start", tls } satisfies ToWorker));
    return new Promise((resolve, reject) => {
      w.on("message", (m: ToPrimary) => {
        if (m.type === "listening") resolve(w);
        if (m.type === "failed") reject(new Error(m.message));
      });
      w.on("exit", (code) => {
        reject(new Error(`worker exited with code ${code} while starting`));
        if (!stopping) {
          logger.warn({ pid: w.process.pid, code }, "HTTP worker exited; starting another");
          setTimeout(
            () => void fork().catch((err: unknown) => logger.error({ err }, "could not replace an HTTP worker")),
            RESPAWN_DELAY_MS,
          );
        }
      });
    });
  };
  await Promise.all(Array.from({ length: config.workers }, () => fork()));

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    const exits = Object.values(cluster.workers ?? {}).map(
      (w) => new Promise<void>((r) => (!w || w.isDead() ? r() : w.once("exit", () => r()))),
    );
    for (const w of Object.values(cluster.workers ?? {})) w?.send({ type: "stop" } satisfies ToWorker);
    await Promise.all(exits);
    await Promise.all(runners.map((r) => r.stop().catch(() => {})));
    metrics?.close();
    await services.listener.stop();
    await db.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  printReady(config, db, demoKeys, tls, Date.now() - started);
  logger.info({ port: config.port, workers: config.workers, ms: Date.now() - started }, "ready");
}

/** The primary collects every process's metrics; with AKASHI_METRICS_PORT it serves them on that port itself. */
function startMetrics(config: Config, db: Database, logger: Logger): http.Server | null {
  collectProcessMetrics();
  const own = new Registry();
  registerDatabaseGauges(own, db.ds);
  const collector = new MetricsCollector(own);
  if (config.metrics.port === undefined) return null;
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.statusCode = 404;
      res.end();
      return;
    }
    collector.text().then(
      (text) => {
        res.setHeader("Content-Type", METRICS_CONTENT_TYPE);
        res.end(text);
      },
      (err: unknown) => {
        logger.error({ err }, "metrics scrape failed");
        res.statusCode = 500;
        res.end();
      },
    );
  });
  server.listen(config.metrics.port, config.host);
  return server;
}

function printReady(
  config: Config,
  db: Database,
  demoKeys: DemoKeys | null,
  tls: TlsCredentials | null,
  ms: number,
): void {
  const base = config.publicBaseUrl;
  const lines = [
    "",
    `Akashi is ready (${ms} ms, ${config.workers} HTTP worker${config.workers === 1 ? "" : "s"}).`,
    `  GraphQL:   ${base}/graphql`,
    `  ACME:      ${base}/acme/directory${tls ? ` (HTTPS; trust ${base}/ca/root.pem)` : ""}`,
    `  Health:    ${base}/healthz   Readiness: ${base}/readyz`,
    ...(config.metrics.port !== undefined
      ? [`  Metrics:   http://${config.host ?? "localhost"}:${config.metrics.port}/metrics`]
      : config.metrics.token
        ? [`  Metrics:   ${base}/metrics (Authorization: Bearer AKASHI_METRICS_TOKEN)`]
        : []),
    `  Database:  ${db.embedded ? `embedded PostgreSQL in ${path.join(config.dataDir, "pg")}` : "DATABASE_URL"}`,
  ];
  if (demoKeys) {
    const keyFile = path.join(config.dataDir, "demo-keys.txt");
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(keyFile, `operator ${demoKeys.operatorKey}\nreseller ${demoKeys.resellerKey}\n`, { mode: 0o600 });
    lines.push(
      "  Demo data loaded. API keys (shown once; also saved to " + keyFile + "):",
      `    operator:      ${demoKeys.operatorKey}`,
      `    demo reseller: ${demoKeys.resellerKey}`,
      `  Demo certificate for shop.akashi-demo.jp: serial ${demoKeys.certificateSerial} (key and chain in ${path.join(config.dataDir, "demo")})`,
      `  Try: curl -s ${base}/graphql -H 'Authorization: Bearer ${demoKeys.resellerKey}' -H 'Content-Type: application/json' -d '{"query":"{ viewer { kind reseller { name } } }"}'`,
    );
  }
  process.stdout.write(lines.join("\n") + "\n\n");
}
