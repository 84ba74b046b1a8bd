import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControl } from "@apollo/server/plugin/cacheControl";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express, { Express, NextFunction, Request, Response } from "express";
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError } from "graphql";
import { RETRY_AFTER_S, isDatabaseUnavailable } from "../db/unavailable";
import { serviceUnavailable, serviceUnavailablePlugin } from "../graphql/unavailable.plugin";
import { errorHandler, notFound } from "./errors";
import { setSecurityHeaders } from "./security-headers";
import { authenticate } from "../auth/authenticate";
import { withConnectionScope } from "../db/connection-guard";
import type { Context } from "../graphql/context";
import { limitsPlugin } from "../graphql/limits";
import { Loaders } from "../graphql/loaders";
import { getSchema } from "../graphql/schema";
import { Logger } from "../logger";
import { Services } from "../services";
import { privateForKeyedCallersPlugin } from "../status/cache-control.plugin";
import { crlRoutes } from "../status/crl-routes";
import { statementRoutes } from "../fees/statement-routes";
import { ocspRoutes } from "../status/ocsp-routes";
import { caRoutes } from "./ca-routes";
import { explorerRoutes } from "./explorer-routes";
import { demoRoutes } from "./pages/demo-page";
import { verifyRoutes } from "./pages/verify-page";
import { widgetRoutes } from "./pages/widget-routes";
import { healthRoutes } from "./health";
import { governanceRoutes } from "../resellers/governance-routes";
import { cors, requestContext } from "./request-context";

export interface App {
  app: Express;
  stop(): Promise<void>;
}

/**
 * Request bodies are parsed before the key is checked, so anonymous callers get a small limit; keyed
 * calls may carry document uploads (APP-2: up to 5 MB each, base64 in the JSON).
 */
const anonymousJson = express.json({ limit: "64kb" });
const keyedJson = express.json({ limit: "16mb" });
function graphqlBody(req: Request, res: Response, next: NextFunction): void {
  (req.caller.kind === "PUBLIC" ? anonymousJson : keyedJson)(req, res, next);
}

/** The key is checked before the body is read; a bad key gets the GraphQL-shaped UNAUTHENTICATED error. */
function authenticateRequest(services: Services) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      req.caller = await authenticate(services.ds, services.clock, req.header("authorization"));
      next();
    } catch (e) {
      if (isDatabaseUnavailable(e)) {
        const err = serviceUnavailable();
        res.status(503).setHeader("Retry-After", String(RETRY_AFTER_S));
        res.json({ errors: [{ message: err.message, extensions: { code: err.extensions.code } }] });
        return;
      }
      if (!(e instanceof GraphQLError)) return next(e);
      res.status(401).json({ errors: [{ message: e.message, extensions: { code: e.extensions.code } }] });
    }
  };
}

/** Assembles the HTTP surface: GraphQL at /graphql plus the public, non-GraphQL routes. */
export async function createApp(services: Services, logger: Logger): Promise<App> {
  const apollo = new ApolloServer<Context>({
    schema: await getSchema(),
    // Introspection is allowed for callers with a key; the limits plugin refuses it for anonymous ones.
    introspection: true,
    // Authentication is by bearer token, never by cookie, so cross-site request forgery has nothing
    // to ride on; and public status queries must work as simple (preflight-free, cacheable) GETs.
    csrfPrevention: false,
    includeStacktraceInErrorResponses: false,
    // STAT-3: fields hint their cache lifetime (default 0 = not cacheable); keyed answers are never public.
    plugins: [
      limitsPlugin(), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControl({ defaultMaxAge: 0 }), privateForKeyedCallersPlugin(),
      serviceUnavailablePlugin(),
    ],
    formatError: (formatted, error) => {
      if (isDatabaseUnavailable(unwrapResolverError(error))) {
        const unavailable = serviceUnavailable();
        return { message: unavailable.message, extensions: { code: unavailable.extensions.code } };
      }
      const code = formatted.extensions?.code;
      if (code === "INTERNAL_SERVER_ERROR") {
        logger.error({ err: error }, "unhandled GraphQL error");
        return { message: "Internal server error.", extensions: { code } };
      }
      return formatted;
    },
  });
  await apollo.start();
  await services.listener.start(logger); // STAT-3: hear every replica's changes before serving from memory
  services.health.start();

  const app = express();
  app.disable("x-powered-by");
  app.use((_req, res, next) => {
    setSecurityHeaders(res);
    next();
  });
  app.set("trust proxy", "loopback");
  app.use(requestContext(logger));
  // One database connection at a time per request (DESIGN "Hot paths and scale").
  app.use((_req, _res, next) => withConnectionScope(next));
  app.use(healthRoutes(services.health));
  app.use(caRoutes(services.ca));
  app.use(crlRoutes(services.crls, services.clock));
  app.use(ocspRoutes(services.ocsp));
  app.use(widgetRoutes(services.widgetAssets));
  app.use(explorerRoutes()); // before Apollo: a browser's GET /graphql gets the explorer
  app.use(verifyRoutes(services));
  app.use(demoRoutes(services));
  app.use(governanceRoutes(services)); // RES-7 CSV, RES-11 handover file
  app.use(statementRoutes(services));
  app.use(
    "/graphql",
    cors,
    authenticateRequest(services),
    graphqlBody,
    expressMiddleware(apollo, {
      context: async ({ req }) => ({
        caller: req.caller,
        requestId: req.id,
        loaders: new Loaders(services.ds),
        services,
        clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
      }),
    }),
  );
  app.use(notFound);
  app.use(errorHandler);
  return { app, stop: async () => { await services.health.stop(); await services.listener.stop(); await apollo.stop(); } };
}
