import express, { NextFunction, Request, Response, Router } from "express";
import fs from "node:fs";
import path from "node:path";

/**
 * The API explorer (issue 14): GraphiQL, bundled from npm by Vite into dist/explorer/ (vite.explorer.config.mts),
 * served at /explorer and to a browser that opens GET /graphql (Accept: text/html, no query), which the
 * front (http/front.ts) passes to the Express app instead of answering as GraphQL. Nothing comes from a CDN.
 *
 * Strict CSP: scripts, workers, fonts and requests only from this origin, no inline or eval'd script, no
 * frames, no forms, no plugins. Styles allow 'unsafe-inline' because the Monaco editor writes <style>
 * elements at run time (it has no nonce support); scripts stay locked. The API key the user pastes stays
 * in the page's memory (explorer/src/main.ts): no cookie, no storage.
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join("; ");

/** dist/explorer/ from the compiled server (dist/api/src/http) and from TypeScript sources alike. */
export const EXPLORER_DIR = path.resolve(
  __dirname,
  __filename.endsWith(".ts") ? "../../../dist/explorer" : "../../../explorer",
);

function securityHeaders(res: Response): void {
  res.setHeader("Content-Security-Policy", EXPLORER_CSP);
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
}

/**
 * A browser navigating to /graphql: GET without a query, HTML acceptable (the same test as the front in
 * http/front.ts, which hands such requests to the app behind instead of answering them as GraphQL).
 */
function wantsExplorer(req: Request): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (req.query.query !== undefined) return false;
  return String(req.headers.accept ?? "").includes("text/html");
}

export function explorerRoutes(dir = EXPLORER_DIR): Router {
  const router = Router();
  let page: Buffer | null = null;
  const indexHtml = (): Buffer | null => {
    if (page) return page;
    const file = path.join(dir, "index.html");
    if (!fs.existsSync(file)) return null;
    page = fs.readFileSync(file);
    return page;
  };
  const sendPage = (res: Response) => {
    const body = indexHtml();
    securityHeaders(res);
    res.setHeader("Cache-Control", "no-cache");
    if (!body) {
      res.status(503).type("text/plain").send("The API explorer has not been built: run `npm run build`.\n");
      return;
    }
    res.status(200).type("text/html; charset=utf-8").send(body);
  };
  router.get(["/explorer", "/explorer/"], (_req, res) => sendPage(res));
  router.get("/graphql", (req: Request, res: Response, next: NextFunction) =>
    wantsExplorer(req) ? sendPage(res) : next(),
  );
  // Content-hashed bundle files: immutable.
  router.use(
    "/explorer/assets",
    (_req, res, next) => {
      securityHeaders(res);
      next();
    },
    express.static(path.join(dir, "assets"), {
      immutable: true,
      maxAge: "365d",
      index: false,
      fallthrough: false,
      dotfiles: "deny",
    }),
  );
  return router;
}
