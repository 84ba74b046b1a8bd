import { Request, Response, Router } from "express";
import { GraphQLError } from "graphql";
import { authenticate } from "../auth/authenticate";
import { idOfType } from "../ids";
import { Loaders } from "../db/loaders";
import { RefusalError } from "../refusal";
import { RequestScope } from "../request-scope";
import { Services } from "../services";
import { activityReportCsv } from "../resellers/activity-report.service";

type Handler = (req: Request, res: Response, scope: RequestScope) => Promise<void>;

/** Bearer-key authentication as on /graphql; auth failures answer 401/403 as JSON, never cached. */
function keyed(services: Services, handler: Handler) {
  return async (req: Request, res: Response) => {
    res.setHeader("Cache-Control", "no-store");
    try {
      const caller = await authenticate(services.ds, services.clock, req.header("authorization"));
      await handler(req, res, { caller, requestId: req.id, loaders: new Loaders(services.ds) });
    } catch (e) {
      if (e instanceof GraphQLError) {
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- GraphQL error codes are strings; extensions are typed unknown
        const code = String(e.extensions.code ?? "FORBIDDEN");
        res
          .status(code === "UNAUTHENTICATED" ? 401 : code === "BAD_USER_INPUT" ? 400 : 403)
          .json({ error: { code, message: e.message } });
        return;
      }
      if (e instanceof RefusalError) {
        res.status(400).json({ error: { code: e.code, message: e.message } });
        return;
      }
      throw e;
    }
  };
}

function parseDate(v: unknown): Date | null {
  if (typeof v !== "string" || v.length > 40) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * RES-11: `GET /handover/{resellerId}.json` (operator key): the handover file, format in README.
 * RES-7: `GET /activity/{resellerId}.csv?from=&to=` (operator key, or the reseller's own key).
 */
export function governanceRoutes(services: Services): Router {
  const router = Router();
  router.get(
    "/handover/:file",
    keyed(services, async (req, res, scope) => {
      const m = /^([A-Za-z0-9_-]+)\.json$/.exec(String(req.params.file));
      const data = await services.resellerTermination.handoverExport(scope, m ? idOfType(m[1], "Reseller") : null);
      if (!data) {
        res.status(404).json({ error: { code: "NOT_FOUND", message: "No such reseller." } });
        return;
      }
      res.setHeader("Content-Disposition", `attachment; filename="handover-${data.reseller.code}.json"`);
      res.type("application/json").send(JSON.stringify(data, null, 2));
    }),
  );
  router.get(
    "/activity/:file",
    keyed(services, async (req, res, scope) => {
      const m = /^([A-Za-z0-9_-]+)\.csv$/.exec(String(req.params.file));
      const from = parseDate(req.query.from);
      const to = parseDate(req.query.to);
      if (!from || !to) {
        res.status(400).json({ error: { code: "INVALID_INPUT", message: "from and to must be ISO 8601 times." } });
        return;
      }
      const report = await services.activityReports.report(scope, m ? idOfType(m[1], "Reseller") : null, from, to);
      if (!report) {
        res.status(404).json({ error: { code: "NOT_FOUND", message: "No such reseller." } });
        return;
      }
      res.setHeader("Content-Disposition", `attachment; filename="activity-${report.reseller.code}.csv"`);
      res.type("text/csv; charset=utf-8").send(activityReportCsv(report));
    }),
  );
  return router;
}
