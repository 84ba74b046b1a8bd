import { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import { RETRY_AFTER_S, isDatabaseUnavailable } from "../db/unavailable";
import type { Context } from "./context";

/** The top-level error a client sees when the database cannot serve the request now. */
export function serviceUnavailable(): GraphQLError {
  return new GraphQLError(`The service is temporarily unavailable; retry after ${RETRY_AFTER_S} s.`, {
    extensions: { code: "SERVICE_UNAVAILABLE", http: { status: 503 } },
  });
}

function unavailable(errors: readonly GraphQLError[] | undefined): boolean {
  return (errors ?? []).some((e) => isDatabaseUnavailable(e.originalError ?? e));
}

/**
 * A resolver that failed because the pool gave no connection in time, or the database did not answer,
 * makes the whole answer HTTP 503 with Retry-After; formatError (http/app.ts) names it SERVICE_UNAVAILABLE.
 */
export function serviceUnavailablePlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, errors }) {
          if (!unavailable(errors)) return;
          response.http.status = 503;
          response.http.headers.set("retry-after", String(RETRY_AFTER_S));
          response.http.headers.set("cache-control", "no-store");
        },
      };
    },
  };
}
