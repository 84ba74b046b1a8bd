import type { IncomingMessage, ServerResponse } from "node:http";
import { withConnectionScope } from "../db/connection-guard";
import { Logger } from "../logger";
import { ocspErrorResponse } from "../pki";
import { OcspAnswer, OcspResponder } from "../status/ocsp-responder";
import { isDatabaseUnavailable, RETRY_AFTER_S } from "../db/unavailable";
import { metrics } from "../metrics/registry";
import { RateDecision, RateLimiter } from "./rate-limit";

/** An OCSPRequest is a few hundred bytes; at most 20 CertIDs (pki/ocsp.ts) fit well within this. */
const MAX_REQUEST_BYTES = 16 * 1024;

function send(res: ServerResponse, answer: OcspAnswer, status = 200): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.setHeader("Content-Type", "application/ocsp-response");
  res.setHeader("Content-Length", answer.der.length);
  res.end(answer.der);
}

/** A request over the address's rate limit: `tryLater` (RFC 6960 2.3), HTTP 429 with the limit headers already set. */
/** An OCSP error status (RFC 6960 4.2.1): never cached. */
const errorAnswer = (status: Parameters<typeof ocspErrorResponse>[0]): OcspAnswer => ({
  der: ocspErrorResponse(status),
  headers: { "Cache-Control": "no-store" },
});

export function refuseOcsp(res: ServerResponse, limiter: RateLimiter, d: RateDecision): void {
  limiter.headers(res, d);
  send(res, errorAnswer("tryLater"), 429);
}

/** The counters' children, bound once (prom-client hashes a label set on every call otherwise). */
const fromCache = metrics.ocspAnswers.labels({ source: "cache" });
const signed = metrics.ocspAnswers.labels({ source: "signed" });

function cachedAnswer(res: ServerResponse, answer: OcspAnswer): void {
  fromCache.inc();
  send(res, answer);
}

const malformed = (res: ServerResponse) => send(res, errorAnswer("malformedRequest"));

/**
 * The base64 request of `GET /ocsp/{request}` (RFC 6960 A.1: base64, then URL-encoded). Taken from the
 * raw path so that `%2F`, unescaped `/`, `+` and `=` all survive; base64url is accepted too.
 */
function requestFromPath(encoded: string): Buffer | null {
  let text: string;
  try {
    text = decodeURIComponent(encoded).replace(/\s+/g, "");
  } catch {
    return null;
  }
  if (!text || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  const der = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return der.length === 0 || der.length > MAX_REQUEST_BYTES ? null : der;
}

/** The request body, or null when it is too long or the request fails; `done` is called once. */
function readBody(req: IncomingMessage, done: (body: Buffer | null) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let called = false;
  const finish = (body: Buffer | null) => {
    if (called) return;
    called = true;
    done(body);
  };
  req.on("data", (c: Buffer) => {
    size += c.length;
    if (size > MAX_REQUEST_BYTES) {
      req.removeAllListeners("data");
      req.resume();
      finish(null);
    } else chunks.push(c);
  });
  req.on("end", () =>
    finish(size > MAX_REQUEST_BYTES ? null : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)),
  );
  req.on("error", () => finish(null));
}

/** Decodes and answers in a connection scope of its own; never rejects (every fault is an OCSP answer). */
function answer(ocsp: OcspResponder, log: Logger, res: ServerResponse, der: Buffer, requestKey: string): void {
  withConnectionScope(() => signAndSend(ocsp, log, res, der, requestKey)).catch((err: unknown) => {
    // Only if answering the fault failed too: nothing else may end the process.
    log.error({ err }, "OCSP answer failed");
    res.destroy();
  });
}

async function signAndSend(
  ocsp: OcspResponder,
  log: Logger,
  res: ServerResponse,
  der: Buffer,
  requestKey: string,
): Promise<void> {
  try {
    send(res, await ocsp.respond(der, requestKey));
    signed.inc();
  } catch (err) {
    fault(log, res, err);
  }
}

/** RFC 6960 2.3: tryLater when the responder cannot answer now; internalError for anything else. */
function fault(log: Logger, res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    log.error({ err }, "OCSP request failed after its answer began");
    res.destroy();
    return;
  }
  if (isDatabaseUnavailable(err)) {
    res.setHeader("Retry-After", String(RETRY_AFTER_S));
    send(res, errorAnswer("tryLater"), 503);
    return;
  }
  log.error({ err }, "OCSP request failed");
  send(res, errorAnswer("internalError"));
}

/**
 * STAT-2: `POST /ocsp` (body `application/ocsp-request`) and `GET /ocsp/{base64 request}` (RFC 6960 A.1).
 * A repeated nonce-less request is answered from its bytes alone (pre-signed, RFC 5019 style), on this
 * turn of the event loop: no promise, no connection scope (DESIGN "Hot paths and scale"). Anything else
 * is decoded and answered by the responder, in a connection scope of its own. Errors are OCSP response
 * statuses, not HTTP errors. `refused` applies the POST rate limit and answers when it refuses.
 */
export function handleOcsp(
  ocsp: OcspResponder,
  log: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  refused: () => boolean,
): void {
  try {
    if (req.method === "POST" && refused()) return;
    if (req.method === "GET" && path.startsWith("/ocsp/")) {
      const encoded = path.slice("/ocsp/".length);
      const key = `G${encoded}`;
      const cached = ocsp.cachedAnswer(key);
      if (cached) return cachedAnswer(res, cached);
      const der = requestFromPath(encoded);
      if (!der) return malformed(res);
      return answer(ocsp, log, res, der, key);
    }
    if (req.method === "POST" && path === "/ocsp") {
      readBody(req, (der) => {
        // Called from the request's events, where nothing but the process itself catches a throw.
        try {
          if (!der || der.length === 0) return malformed(res);
          const key = `P${der.toString("latin1")}`;
          const cached = ocsp.cachedAnswer(key);
          if (cached) return cachedAnswer(res, cached);
          answer(ocsp, log, res, der, key);
        } catch (err) {
          fault(log, res, err);
        }
      });
      return;
    }
    res.statusCode = 405;
    res.setHeader("Allow", "GET, POST");
    res.end();
  } catch (err) {
    fault(log, res, err);
  }
}
