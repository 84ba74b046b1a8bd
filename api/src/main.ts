import "reflect-metadata";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { ConfigError, loadConfig } from "./config";
import { openDatabase } from "./db/database";
import { EmbeddedDatabaseError } from "./db/embedded";
import { applyServerTimeouts, drain } from "./http/server";
import { loadDemoData } from "./demo/demo-data";
import { systemClock } from "./domain/clock";
import { createApp } from "./http/app";
import { createHttpServer } from "./http/tls";
import { WEBHOOK_DELIVER_JOB } from "./events/event-publisher";
import { JobRunner } from "./jobs/job-runner";
import { SEND_NOTICES_JOB, SWEEP_NOTICES_JOB } from "./notices/notice.service";
import { splitJobSet } from "./jobs/job-sets";
import { createLogger } from "./logger";
import { createServices } from "./services";

/** Start-up only: config → database → server → listen, and a clean stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const started = Date.now();
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`akashi: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  let db;
  try {
    db = await openDatabase(config, (msg) => logger.info(msg));
  } catch (e) {
    if (e instanceof EmbeddedDatabaseError) {
      process.stderr.write(`akashi: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const services = createServices(db.ds, systemClock, config);
  await services.ca.ensureHierarchy();
  await services.crls.ensureCrls(); // STAT-1: every CA has a current CRL from the start
  const demoKeys = config.demo ? await loadDemoData(services) : null;
  const lanes = splitJobSet(services.jobs, [WEBHOOK_DELIVER_JOB, SEND_NOTICES_JOB, SWEEP_NOTICES_JOB]);
  const runners = [lanes.core, lanes.network].map((set) => new JobRunner({ ds: db.ds, clock: systemClock, logger, handlers: set.handlers, recurring: set.recurring, listener: services.listener }));
  if (config.runJobs) for (const r of runners) await r.start();
  const { app, stop: stopApp } = await createApp(services, logger);
  // HTTPS when AKASHI_TLS_CERT/KEY or AKASHI_TLS=self is set (http/tls.ts), else HTTP behind a proxy.
  const server = await createHttpServer(app, config, services.ca, systemClock);
  applyServerTimeouts(server, config.http);
  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    await drain(server, config.http.shutdownGraceMs);
    await stopApp().catch(() => {});
    await Promise.all(runners.map((r) => r.stop().catch(() => {})));
    await db.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  const base = config.publicBaseUrl;
  const lines = [
    "",
    `Akashi is ready (${Date.now() - started} ms).`,
    `  GraphQL:   ${base}/graphql`,
    `  ACME:      ${base}/acme/directory${config.acme.tls.mode === "off" ? "" : ` (HTTPS; trust ${base}/ca/root.pem)`}`,
    `  Health:    ${base}/healthz   Readiness: ${base}/readyz`,
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
  logger.info({ port: config.port, ms: Date.now() - started }, "ready");
}

main().catch((e) => {
  process.stderr.write(`akashi: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
