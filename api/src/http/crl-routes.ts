import { Request, Response, Router } from "express";
import { Clock } from "../domain/clock";
import { isUuid } from "../ids";
import { CRL_HTTP_MAX_AGE_S, CrlService, PublishedCrl } from "../status/crl.service";

/** Whether an If-None-Match header names this entity tag (a list, weak tags and `*` included). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/**
 * STAT-1: `GET /crl/<caId>/<shard>.crl` (a shard, the URL in the certificates put on it at issuance) and
 * `GET /crl/<caId>.crl` (the CA's legacy CRL, in certificates issued before sharding and in the issuing
 * CA's own certificate for the root's CRL): the latest CRL in DER (`application/pkix-crl`), with the
 * CRL number as entity tag and thisUpdate as Last-Modified, cacheable for a minute (never beyond nextUpdate).
 */
export function crlRoutes(crls: CrlService, clock: Clock): Router {
  const router = Router();
  router.get("/crl/:file", async (req: Request, res: Response) => {
    const m = /^([0-9a-f-]{36})\.crl$/.exec(String(req.params.file));
    await send(res, m && isUuid(m[1]) ? await crls.current(m[1]) : null, req);
  });
  router.get("/crl/:caId/:file", async (req: Request, res: Response) => {
    const caId = String(req.params.caId);
    const m = /^(0|[1-9][0-9]{0,3})\.crl$/.exec(String(req.params.file));
    await send(res, m && isUuid(caId) ? await crls.current(caId, Number(m[1])) : null, req);
  });

  async function send(res: Response, crl: PublishedCrl | null, req: Request): Promise<void> {
    if (!crl) {
      res.status(404).setHeader("Cache-Control", "no-store");
      res.type("text/plain").send("Unknown CA.\n");
      return;
    }
    const etag = `"${crl.crlNumber.toString()}"`;
    const untilNext = Math.floor((crl.nextUpdate.getTime() - clock.now().getTime()) / 1000);
    res.setHeader("ETag", etag);
    res.setHeader("Last-Modified", crl.thisUpdate.toUTCString());
    res.setHeader("Cache-Control", `public, max-age=${Math.max(0, Math.min(CRL_HTTP_MAX_AGE_S, untilNext))}`);
    if (matches(req.header("if-none-match"), etag)) {
      res.status(304).end();
      return;
    }
    res.type("application/pkix-crl").send(crl.der);
  }
  return router;
}
