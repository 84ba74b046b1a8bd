import { Request, Response, Router } from "express";
import { GraphQLError } from "graphql";
import { authenticate } from "../auth/authenticate";
import { idOfType, toGlobalId } from "../ids";
import { Loaders } from "../db/loaders";
import type { Services } from "../services";
import { statementCsv } from "../fees/statement";

/**
 * `GET /statements/YYYY-MM.csv` with `Authorization: Bearer <key>`: the month's statement (RES-6,
 * CON-7, CON-8) as CSV — the same lines and totals as the GraphQL `statement` query. A reseller gets
 * its own (RES-3); an operator names the reseller with `?reseller=<Reseller ID>`.
 */
export function statementRoutes(services: Services): Router {
  const router = Router();
  router.get("/statements/:file", async (req: Request, res: Response) => {
    res.setHeader("Cache-Control", "no-store");
    const m = /^(\d{4}-\d{2})\.csv$/.exec(String(req.params.file));
    if (!m) {
      res.status(404).type("text/plain").send("Not found: use /statements/YYYY-MM.csv\n");
      return;
    }
    try {
      const caller = await authenticate(services.ds, services.clock, req.header("authorization"));
      if (caller.kind === "PUBLIC") {
        res.status(401).setHeader("WWW-Authenticate", "Bearer");
        res.type("text/plain").send("An operator or reseller API key is needed.\n");
        return;
      }
      const named =
        typeof req.query.reseller === "string"
          ? (idOfType(req.query.reseller, "Reseller") ?? "00000000-0000-0000-0000-000000000000")
          : null;
      const statement = await services.fees.statement(
        { caller, requestId: req.id, loaders: new Loaders(services.ds) },
        named,
        m[1],
      );
      const reseller = toGlobalId("Reseller", statement.resellerId);
      res.setHeader("Content-Disposition", `attachment; filename="statement-${m[1]}-${reseller}.csv"`);
      res.type("text/csv; charset=utf-8").send(statementCsv(statement.lines, (id) => toGlobalId("Contract", id)));
    } catch (e) {
      if (!(e instanceof GraphQLError)) throw e;
      const code = e.extensions?.code;
      const status =
        code === "UNAUTHENTICATED" ? 401 : code === "FORBIDDEN" ? 403 : code === "BAD_USER_INPUT" ? 400 : 500;
      if (status === 500) throw e;
      res.status(status).type("text/plain").send(`${e.message}\n`);
    }
  });
  return router;
}
