/**
 * ACME-8: the HTTP surface of the ACME server. Every answer carries a fresh Replay-Nonce, the
 * directory Link and `Cache-Control: no-store`; refusals are RFC 7807 problem documents; a refused
 * request still uses up its nonce.
 */
import express, { NextFunction, Request, Response, Router } from "express";
import { renewalInfo } from "../acme/renewal-info";
import type { AcmeCore, AcmeRequest, SignedBy } from "../acme/acme-core";
import { isUuid } from "../ids";
import { type AcmeResponse, send } from "../acme/acme-response";
import type { AcmeServer } from "../acme/acme-server";
import { AcmeProblem } from "../acme/problems";

const joseJson = express.json({ type: () => true, limit: "64kb" });
const TERMS =
  "Akashi ACME variant (ACME対応版): certificates are issued only for usage FQDNs your reseller registered, under the terms agreed through it.\n";

function requireJose(req: Request, _res: Response, next: NextFunction): void {
  const type = (req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/jose+json")
    next(new AcmeProblem("malformed", 'Content-Type must be "application/jose+json"', { status: 415 }));
  else next();
}

/** The headers every ACME answer carries, and the problem-document writer. */
function responders(core: AcmeCore) {
  const common = (res: Response) => {
    res.setHeader("Replay-Nonce", core.nonces.issue());
    res.setHeader("Link", `<${core.urls.directory()}>;rel="index"`);
    res.setHeader("Cache-Control", "no-store");
  };
  const problem = (res: Response, p: AcmeProblem) => {
    common(res);
    if (p.extra.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(p.extra.retryAfterSeconds));
    for (const [k, v] of Object.entries(p.extra.headers ?? {})) res.append(k, v);
    res.status(p.status).type("application/problem+json").send(JSON.stringify(p.toJSON()));
  };
  /** A signed POST: authenticate, run, answer; a problem (or a fault) still burns the nonce. */
  const signed = (by: SignedBy, run: (r: AcmeRequest, req: Request) => Promise<AcmeResponse>) => [
    requireJose,
    joseJson,
    async (req: Request, res: Response, next: NextFunction) => {
      let r: AcmeRequest | null = null;
      try {
        r = await core.authenticate(req, by);
        const out = await run(r, req);
        common(res);
        send(res, out);
      } catch (e) {
        const fresh = await core.burnNonce(r).catch(() => true);
        if (!fresh) problem(res, new AcmeProblem("badNonce", "JWS anti-replay nonce was already used"));
        else if (e instanceof AcmeProblem) problem(res, e);
        else next(e);
      }
    },
  ];
  return { common, problem, signed };
}

/** @rule ACME-8 */
export function acmeRouter(server: AcmeServer): Router {
  const core = server.core;
  const router = Router();
  const { common, problem, signed } = responders(core);
  const id = (req: Request, name = "id"): string => {
    const v = String(req.params[name]);
    if (!isUuid(v)) throw new AcmeProblem("malformed", "no such resource", { status: 404 });
    return v;
  };

  router.get("/directory", (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=300");
    res.json(server.directory());
  });
  router.get("/terms", (_req, res) => res.type("text/plain; charset=utf-8").send(TERMS));
  router.head("/new-nonce", (_req, res) => {
    common(res);
    res.status(200).end();
  });
  router.get("/new-nonce", (_req, res) => {
    common(res);
    res.status(204).end();
  });
  router.post("/new-account", ...signed("jwk", (r) => server.accounts.newAccount(r)));
  router.post("/acct/:id", ...signed("kid", (r, req) => server.accounts.update(r, id(req))));
  router.post("/acct/:id/orders", ...signed("kid", (r, req) => server.accounts.orders(r, id(req))));
  router.post("/key-change", ...signed("kid", (r) => server.accounts.keyChange(r)));
  router.post("/new-order", ...signed("kid", (r) => server.orders.newOrder(r)));
  router.post("/order/:id", ...signed("kid", (r, req) => server.orders.get(r, id(req))));
  router.post("/order/:id/finalize", ...signed("kid", (r, req) => server.finalize.finalize(r, id(req))));
  router.post("/authz/:id", ...signed("kid", (r, req) => server.challenges.authz(r, id(req))));
  router.post(
    "/chall/:id/:type",
    ...signed("kid", (r, req) => server.challenges.challenge(r, id(req), String(req.params.type))),
  );
  router.post("/cert/:id", ...signed("kid", (r, req) => server.certs.download(r, id(req))));
  router.post("/revoke-cert", ...signed("either", (r) => server.certs.revoke(r)));
  router.get("/renewal-info/:certId", async (req, res, next) => {
    try {
      const out = await renewalInfo(core.ds.manager, server.ca, core.clock, String(req.params.certId));
      res.setHeader("Link", `<${core.urls.directory()}>;rel="index"`);
      send(res, out);
    } catch (e) {
      if (e instanceof AcmeProblem) problem(res, e);
      else next(e);
    }
  });
  // Anything else under /acme (and parse errors of the body) is answered as a problem document too.
  router.use((req, res) =>
    problem(
      res,
      new AcmeProblem("malformed", `no ACME resource at ${req.method} ${req.path}`, {
        status: req.method === "GET" || req.method === "POST" ? 404 : 405,
      }),
    ),
  );
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof AcmeProblem) return problem(res, err);
    if ((err as { type?: string }).type === "entity.parse.failed")
      return problem(res, new AcmeProblem("malformed", "the body is not JSON"));
    if ((err as { type?: string }).type === "entity.too.large")
      return problem(res, new AcmeProblem("malformed", "the body is too large", { status: 413 }));
    next(err);
  });
  return router;
}
