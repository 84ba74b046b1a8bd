import { Router } from "express";
import { DataSource } from "typeorm";

/** Liveness says the process serves; readiness also needs the database to answer. */
export function healthRoutes(ds: DataSource): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    try {
      await ds.query("SELECT 1");
      res.json({ status: "ready", database: "ok" });
    } catch {
      // The reason is not shown: it can name hosts and users.
      res.status(503).json({ status: "not ready", database: "error" });
    }
  });
  return router;
}
