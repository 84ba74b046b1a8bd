import { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../graphql/context";

/**
 * STAT-3: public status answers are cacheable by CDNs, but an answer to a request with an API key is
 * never `public`: whatever the fields hinted, its cache scope becomes PRIVATE. Applied when execution
 * ends, before the cache-control plugin writes the header, whatever the order of plugins.
 */
export function privateForKeyedCallersPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ contextValue, overallCachePolicy }) {
          return {
            async executionDidEnd() {
              if (contextValue.caller?.kind !== "PUBLIC") overallCachePolicy.restrict({ scope: "PRIVATE" });
            },
          };
        },
      };
    },
  };
}
