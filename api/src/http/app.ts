import type { RequestListener } from "node:http";
import express from "express";
import { GraphqlHttp } from "../graphql/http";
import { getSchema } from "../graphql/schema";
import { Logger } from "../logger";
import { Services } from "../services";
import { crlRoutes } from "./crl-routes";
import { statementRoutes } from "./statement-routes";
import { caRoutes } from "./ca-routes";
import { explorerRoutes } from "./explorer-routes";
import { errorHandler, notFound } from "./errors";
import { createFront } from "./front";
import { demoRoutes } from "./pages/demo-page";
import { verifyReportRoutes } from "./pages/verify-page";
import { widgetRoutes } from "./pages/widget-routes";
import { healthRoutes } from "./health";
import { termsRoutes } from "./terms-routes";
import { governanceRoutes } from "./governance-routes";
import { acmeRouter } from "./acme-router";

export interface App {
  /** The request listener of the whole HTTP surface (node:http, supertest). */
  app: RequestListener;
  stop: () => Promise<void>;
}

/**
 * Assembles the HTTP surface: the front (http/front.ts) answers GraphQL, OCSP and liveness on plain
 * node:http; the other routes (pages, CRLs, CA certificates, CSV and JSON exports) live in Express behind it.
 */
export async function createApp(services: Services, logger: Logger): Promise<App> {
  await services.listener.start(logger); // STAT-3: hear every replica's changes before serving from memory
  services.health.start();

  const rest = express();
  rest.disable("x-powered-by");
  rest.set("trust proxy", "loopback");
  rest.use(healthRoutes(services.health));
  rest.use(caRoutes(services.ca));
  rest.use(crlRoutes(services.crls, services.clock));
  rest.use(widgetRoutes(services.widgetAssets));
  rest.use(explorerRoutes()); // the API explorer; the front sends a browser's GET /graphql here
  rest.use(verifyReportRoutes(services));
  rest.use(demoRoutes(services));
  rest.use(governanceRoutes(services)); // RES-7 CSV, RES-11 handover file
  rest.use(statementRoutes(services));
  rest.use(termsRoutes(services)); // NOT-5: /terms/{version}
  rest.use("/acme", acmeRouter(services.acme)); // ACME-4..8: RFC 8555 server (the ACME variant)
  rest.use(notFound);
  rest.use(errorHandler);

  const graphql = new GraphqlHttp(await getSchema(), services);
  return {
    app: createFront(services, logger, graphql, rest),
    stop: async () => {
      await services.health.stop();
      await services.listener.stop();
    },
  };
}
