import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { withConnectionScope } from "../db/connection-guard";
import { RETRY_AFTER_S, isDatabaseUnavailable } from "../db/unavailable";
import { GraphqlHttp } from "../graphql/http";
import { Logger } from "../logger";
import { Services } from "../services";
import { handleOcsp } from "./ocsp";
import { setSecurityHeaders } from "./security-headers";

declare module "node:http" {
  interface IncomingMessage {
    /** Set by the front for every request: ours, or a sane one the client sent. */
    id: string;
    log: Logger;
  }
}

/** Public paths every TLS client and visitor reads: their successes are logged at debug level only. */
const HOT = /^\/(graphql|ocsp|verify|seal|healthz|readyz)/;

function clientAddress(req: IncomingMessage): string {
  // Behind a proxy on loopback (the TLS terminator), the address it reports; otherwise the peer.
  const peer = req.socket.remoteAddress ?? "unknown";
  const forwarded = req.headers["x-forwarded-for"];
  if (typeof forwarded === "string" && (peer === "127.0.0.1" || peer === "::1" || peer === "::ffff:127.0.0.1")) {
    return forwarded.split(",").pop()!.trim() || peer;
  }
  return peer;
}

function fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  if (isDatabaseUnavailable(err)) {
    req.log.warn({ err: { message: (err as Error).message } }, "database unavailable");
    res.statusCode = 503;
    res.setHeader("Retry-After", String(RETRY_AFTER_S));
    res.end(JSON.stringify({ error: "The service is temporarily unavailable; try again shortly.", requestId: req.id }));
    return;
  }
  req.log.error({ err }, "unhandled error");
  res.statusCode = 500;
  res.end(JSON.stringify({ error: "Internal server error.", requestId: req.id }));
}

/** CORS for the public, key-based API: any origin may call it; no cookies are ever used, so `*` is safe. */
function cors(res: ServerResponse): void {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id");
  res.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  res.setHeader("Access-Control-Max-Age", "86400");
}

/**
 * The service's one HTTP entry (DESIGN "Hot paths and scale"): every request gets its id, its log, the
 * security headers and its connection scope here; the hot public paths (GraphQL, OCSP, health) are
 * answered on plain node:http, and everything else goes on to the Express app behind.
 */
export function createFront(services: Services, logger: Logger, graphql: GraphqlHttp, rest: RequestListener): RequestListener {
  const route = async (req: IncomingMessage, res: ServerResponse, path: string, search: string): Promise<void> => {
    if (path === "/graphql") {
      cors(res);
      if (req.method === "OPTIONS") {
        res.statusCode = 204;
        res.end();
        return;
      }
      // A browser asking for a page gets the explorer from the app behind.
      const browser = req.method === "GET" && !search.includes("query=") && String(req.headers.accept ?? "").includes("text/html");
      if (!browser) return graphql.handle({ req, res, requestId: req.id, clientAddress: clientAddress(req), log: req.log, search });
    } else if (path === "/ocsp" || path.startsWith("/ocsp/")) {
      return handleOcsp(services.ocsp, req.log, req, res, path);
    } else if (path === "/healthz" && req.method === "GET") {
      res.setHeader("Cache-Control", "no-store");
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      res.end('{"status":"ok"}');
      return;
    }
    rest(req, res);
  };

  return (req, res) => {
    setSecurityHeaders(res);
    const incoming = req.headers["x-request-id"];
    req.id = typeof incoming === "string" && /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    req.log = logger.child({ requestId: req.id });
    res.setHeader("X-Request-Id", req.id);
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const search = q < 0 ? "" : url.slice(q + 1);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
      const quiet = res.statusCode < 400 && HOT.test(path);
      req.log[quiet ? "debug" : "info"]({ method: req.method, path, status: res.statusCode, ms }, "request");
    });
    withConnectionScope(() => route(req, res, path, search)).catch((err: unknown) => fail(req, res, err));
  };
}
