import type { NextFunction, Request, Response } from "express";
import { RETRY_AFTER_S, isDatabaseUnavailable } from "../db/unavailable";

/** Anything no route answered: a plain 404 with the baseline headers (set by the first middleware). */
export function notFound(req: Request, res: Response): void {
  res.status(404).setHeader("Cache-Control", "no-store");
  res.type("text/plain; charset=utf-8").send(`Not found: ${req.method} ${req.path.slice(0, 200)}\n`);
}

/**
 * Last: anything a route throws. A database that cannot serve now is a 503 with Retry-After (the client
 * should come back); everything else a plain 500 with the request id, never a stack trace.
 */
export function errorHandler(err: Error, req: Request, res: Response, _next: NextFunction): void {
  if (isDatabaseUnavailable(err)) {
    req.log.warn({ err: { message: err.message } }, "database unavailable");
    if (res.headersSent) return;
    res.status(503).setHeader("Retry-After", String(RETRY_AFTER_S));
    res.setHeader("Cache-Control", "no-store");
    res.json({ error: "The service is temporarily unavailable; try again shortly.", requestId: req.id });
    return;
  }
  const status = (err as { status?: number }).status ?? 500;
  if (status >= 500) req.log.error({ err }, "unhandled error");
  if (res.headersSent) return;
  res.setHeader("Cache-Control", "no-store");
  res
    .status(status >= 400 && status < 600 ? status : 500)
    .json({ error: status >= 500 ? "Internal server error." : err.message, requestId: req.id });
}
