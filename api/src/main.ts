import "reflect-metadata";
import cluster from "node:cluster";
import { ConfigError, loadConfig } from "./config";
import { openDatabase } from "./db/database";
import { EmbeddedDatabaseError } from "./db/embedded";
import { createLogger } from "./logger";
import { runPrimary } from "./runtime/primary";
import { runWorker } from "./runtime/worker";

/** Start-up only: config → database → (primary: migrations, CA, jobs; workers: HTTP) → listen. */
async function main(): Promise<void> {
  if (cluster.isWorker) return runWorker();
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
  await runPrimary(config, db, logger, started);
}

main().catch((e) => {
  process.stderr.write(`akashi: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
