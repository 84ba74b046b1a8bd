import { Router } from "express";
import { CaService } from "../certificates/ca.service";
import { isUuid } from "../ids";
import { toPem } from "../pki";

/**
 * CA certificates: the root as PEM at the stable `/ca/root.pem`, and every CA certificate as DER at the
 * caIssuers URL written into the certificates it signs (RFC 5280 4.2.2.1: `application/pkix-cert`).
 */
export function caRoutes(ca: CaService): Router {
  const router = Router();
  const cache = (res: import("express").Response) => res.setHeader("Cache-Control", "public, max-age=86400");
  router.get("/ca/root.pem", async (_req, res) => {
    const root = await ca.root();
    cache(res);
    res.type("application/x-pem-file").send(toPem(root.certDer, "CERTIFICATE"));
  });
  router.get("/ca/:file", async (req, res) => {
    const m = /^(.+)\.(der|pem)$/.exec(req.params.file);
    const found = m && isUuid(m[1]) ? await ca.get(m[1]) : null;
    if (!found) {
      res.status(404).type("text/plain").send("Unknown CA certificate.\n");
      return;
    }
    cache(res);
    if (m![2] === "der") res.type("application/pkix-cert").send(found.certDer);
    else res.type("application/x-pem-file").send(toPem(found.certDer, "CERTIFICATE"));
  });
  return router;
}
