import { loadConfig } from "../config";
import { openDatabase } from "../db/database";
import { systemClock } from "../domain/clock";
import { createApp } from "../http/app";
import { applyServerTimeouts, drain } from "../http/server";
import { serverFor } from "../http/tls";
import { createLogger } from "../logger";
import { createServices } from "../services";
import { ToPrimary, ToWorker } from "./messages";

/**
 * An HTTP worker (node:cluster): its own pool, caches and LISTEN connection, on the port every worker
 * shares. The primary migrated the database, made the CA and runs the jobs; a worker only serves.
 */
export async function runWorker(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel).child({ worker: process.pid });
  const tell = (m: ToPrimary) => process.send?.(m);
  const start = await new Promise<ToWorker & { type: "start" }>((resolve) => {
    process.on("message", (m: ToWorker) => {
      if (m.type === "start") resolve(m);
    });
  });
  const db = await openDatabase(config, (msg) => logger.info(msg), { migrate: false });
  const services = createServices(db.ds, systemClock, config);
  const { app, stop: stopApp } = await createApp(services, logger);
  const server = serverFor(app, start.tls);
  applyServerTimeouts(server, config.http);
  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
  tell({ type: "listening" });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await drain(server, config.http.shutdownGraceMs);
    await stopApp().catch(() => {});
    await db.close().catch(() => {});
    process.exit(0);
  };
  process.on("message", (m: ToWorker) => {
    if (m.type === "stop") void stop();
  });
  // The primary stops the workers; a signal straight to a worker (a process manager) is a stop too.
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => undefined);
  process.on("disconnect", () => void stop());
}
