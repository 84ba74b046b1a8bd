import { Caller } from "../auth/caller";
import { RequestScope } from "../request-scope";
import { Services } from "../services";
import { Loaders } from "../db/loaders";

/** The GraphQL context: the request scope services need, plus the services themselves. */
export interface Context extends RequestScope {
  caller: Caller;
  requestId: string;
  loaders: Loaders;
  services: Services;
  /** The client's address (behind a trusted proxy, the address it reports), for per-client rate limits. */
  clientAddress: string;
}
