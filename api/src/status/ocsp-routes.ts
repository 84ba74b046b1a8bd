import express, { Request, Response, Router } from "express";
import { ocspErrorResponse } from "../pki";
import { OcspAnswer, OcspResponder } from "./ocsp-responder";

/** An OCSPRequest is a few hundred bytes; at most 20 CertIDs (pki/ocsp.ts) fit well within this. */
const MAX_REQUEST_BYTES = 16 * 1024;

function send(res: Response, answer: OcspAnswer): void {
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.status(200).type("application/ocsp-response").send(answer.der);
}

async function answer(ocsp: OcspResponder, req: Request, res: Response, der: Buffer): Promise<void> {
  let result: OcspAnswer;
  try {
    result = await ocsp.respond(der);
  } catch (err) {
    req.log.error({ err }, "OCSP request failed");
    result = { der: ocspErrorResponse("internalError"), headers: { "Cache-Control": "no-store" } };
  }
  send(res, result);
}

/**
 * The base64 request of `GET /ocsp/{request}` (RFC 6960 A.1: base64, then URL-encoded). Taken from the
 * raw URL so that `%2F`, unescaped `/`, `+` and `=` all survive; base64url is accepted too.
 */
function requestFromUrl(req: Request): Buffer | null {
  const raw = req.originalUrl.split("?")[0]!;
  const at = raw.indexOf("/ocsp/");
  if (at < 0) return null;
  let text: string;
  try {
    text = decodeURIComponent(raw.slice(at + "/ocsp/".length)).replace(/\s+/g, "");
  } catch {
    return null;
  }
  if (!text || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  return Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** STAT-2: `POST /ocsp` (body `application/ocsp-request`) and `GET /ocsp/{base64 request}` (RFC 6960 A.1). */
export function ocspRoutes(ocsp: OcspResponder): Router {
  const router = Router();
  const malformed = (res: Response) => send(res, { der: ocspErrorResponse("malformedRequest"), headers: { "Cache-Control": "no-store" } });
  router.post("/ocsp", express.raw({ type: () => true, limit: MAX_REQUEST_BYTES }), async (req: Request, res: Response) => {
    const body = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) return malformed(res);
    await answer(ocsp, req, res, body);
  });
  router.get("/ocsp/*request", async (req: Request, res: Response) => {
    const der = requestFromUrl(req);
    if (!der || der.length === 0 || der.length > MAX_REQUEST_BYTES) return malformed(res);
    await answer(ocsp, req, res, der);
  });
  // A body too large or unreadable is a malformed request, answered as OCSP (RFC 6960 2.3).
  router.use("/ocsp", (_err: unknown, _req: Request, res: Response, _next: express.NextFunction) => malformed(res));
  return router;
}
