import { Router } from "express";
import { DatabaseHealth } from "../db/health";
import { RETRY_AFTER_S } from "../db/unavailable";

/**
 * Liveness says the process serves; readiness also needs the database to answer on a connection of its
 * own within 1.5 s, and the pool not to have turned work away in the last seconds (a load balancer then
 * sends traffic elsewhere until this replica recovers by itself).
 */
export function healthRoutes(health: DatabaseHealth): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    const r = await health.readiness();
    // The reason is not shown: it can name hosts and users.
    if (r.ready) res.json({ status: "ready", database: r.database });
    else
      res
        .status(503)
        .setHeader("Retry-After", String(RETRY_AFTER_S))
        .json({ status: "not ready", database: r.database });
  });
  return router;
}
