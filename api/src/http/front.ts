import { randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { withConnectionScope } from "../db/connection-guard";
import { RETRY_AFTER_S, isDatabaseUnavailable } from "../db/unavailable";
import { GraphqlHttp } from "../graphql/http";
import { Logger } from "../logger";
import { Services } from "../services";
import { METRICS_CONTENT_TYPE, scrape } from "../metrics/exporter";
import { metrics } from "../metrics/registry";
import { handleOcsp, refuseOcsp } from "./ocsp";
import { createVerifyPage, verifyPathSealId } from "./pages/verify-page";
import { RateDecision, RateLimiter } from "./rate-limit";
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

/** The metrics label of a path: a fixed set, never the path itself (ids would explode the series). */
function routeOf(path: string): string {
  const m =
    /^\/(graphql|ocsp|verify|crl|ca|seal|acme|terms|explorer|healthz|readyz|metrics|handover|activity|statements|demo)\b/.exec(
      path,
    );
  return m ? m[1] : "other";
}

/** The latency histogram's child for one label set, looked up once (prom-client hashes the labels on every observe otherwise). */
const durationChildren = new Map<string, ReturnType<typeof metrics.httpDuration.labels>>();
function httpDuration(
  route: string,
  method: string,
  statusCode: number,
): ReturnType<typeof metrics.httpDuration.labels> {
  const status = `${Math.floor(statusCode / 100)}xx`;
  // Methods are client input: only the standard ones get their own series.
  const m = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/.test(method) ? method : "other";
  const key = `${route} ${m} ${status}`;
  let child = durationChildren.get(key);
  if (!child) {
    child = metrics.httpDuration.labels({ route, method: m, status });
    durationChildren.set(key, child);
  }
  return child;
}

function refuse(res: ServerResponse, limiter: RateLimiter, d: RateDecision, body: string, type: string): void {
  limiter.headers(res, d);
  res.statusCode = 429;
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Type", type);
  res.end(body);
}

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
 * The service's one HTTP entry (DESIGN "Hot paths and scale"): every request gets its id, its log and
 * the security headers here, and its connection scope (OCSP opens one only to sign); the hot public
 * paths (GraphQL, OCSP, the verification page, health) are answered on plain node:http, and everything
 * else goes on to the Express app behind.
 */
export function createFront(
  services: Services,
  logger: Logger,
  graphql: GraphqlHttp,
  rest: RequestListener,
): RequestListener {
  const { config } = services;
  const publicLimit = new RateLimiter(config.rateLimits.publicPerMinute);
  const ocspLimit = new RateLimiter(config.rateLimits.ocspPerMinute);
  const verifyPage = createVerifyPage(services);
  /** Anonymous GraphQL and the public forms; keyed callers are known and accountable. */
  const limited = (
    req: IncomingMessage,
    res: ServerResponse,
    limiter: RateLimiter,
    refused: (d: RateDecision) => void,
  ): boolean => {
    if (!limiter.enabled) return false;
    const d = limiter.take(clientAddress(req));
    limiter.headers(res, d);
    if (d.allowed) return false;
    metrics.rateLimited.inc({ limit: limiter === ocspLimit ? "ocsp" : "public" });
    refused(d);
    return true;
  };
  const route = async (req: IncomingMessage, res: ServerResponse, path: string, search: string): Promise<void> => {
    if (path === "/graphql") {
      cors(res);
      if (req.method === "OPTIONS") {
        res.statusCode = 204;
        res.end();
        return;
      }
      // A browser asking for a page gets the explorer from the app behind.
      const browser =
        req.method === "GET" && !search.includes("query=") && String(req.headers.accept ?? "").includes("text/html");
      if (!browser) {
        const anonymous = !req.headers.authorization;
        const body = JSON.stringify({
          errors: [
            { message: "Too many requests from this address; see Retry-After.", extensions: { code: "RATE_LIMITED" } },
          ],
        });
        if (
          anonymous &&
          limited(req, res, publicLimit, (d) => refuse(res, publicLimit, d, body, "application/json; charset=utf-8"))
        )
          return;
        return graphql.handle({ req, res, requestId: req.id, clientAddress: clientAddress(req), log: req.log, search });
      }
    } else if (path === "/metrics" && req.method === "GET") {
      return serveMetrics(req, res, config.metrics.token);
    } else if ((req.method === "GET" || req.method === "HEAD") && path.startsWith("/verify/")) {
      const sealId = verifyPathSealId(path);
      if (sealId !== null) return verifyPage(req, res, sealId, search);
    } else if (req.method === "POST" && /^\/verify\/[^/]+\/report$/.test(path)) {
      if (
        limited(req, res, publicLimit, (d) =>
          refuse(
            res,
            publicLimit,
            d,
            "Too many reports from this address; try again later.\n",
            "text/plain; charset=utf-8",
          ),
        )
      )
        return;
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
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      httpDuration(routeOf(path), req.method ?? "", res.statusCode).observe(seconds);
      const level = res.statusCode < 400 && HOT.test(path) ? "debug" : "info";
      if (logger.isLevelEnabled(level))
        req.log[level](
          { method: req.method, path, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 },
          "request",
        );
    });
    if (path === "/ocsp" || path.startsWith("/ocsp/")) {
      // Outside a connection scope: a pre-signed answer needs none, and handleOcsp opens one to sign.
      // RFC 6960 2.3: tryLater is the OCSP way to say "not now".
      return handleOcsp(services.ocsp, req.log, req, res, path, () =>
        limited(req, res, ocspLimit, (d) => refuseOcsp(res, ocspLimit, d)),
      );
    }
    withConnectionScope(() => route(req, res, path, search)).catch((err: unknown) => fail(req, res, err));
  };
}

/**
 * `/metrics` on the main port (DESIGN: off unless AKASHI_METRICS_TOKEN is set, then `Authorization:
 * Bearer` it); a port of its own (AKASHI_METRICS_PORT) is served by the primary instead.
 */
async function serveMetrics(req: IncomingMessage, res: ServerResponse, token: string | undefined): Promise<void> {
  const given = String(req.headers.authorization ?? "");
  const expected = `Bearer ${token ?? ""}`;
  const ok =
    token !== undefined &&
    given.length === expected.length &&
    timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  res.setHeader("Cache-Control", "no-store");
  if (!ok) {
    res.statusCode = 404;
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end("Not found: GET /metrics\n");
    return;
  }
  const text = await scrape();
  res.setHeader("Content-Type", METRICS_CONTENT_TYPE);
  res.end(text);
}
