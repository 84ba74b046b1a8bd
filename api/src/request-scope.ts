import { Actor, Caller } from "./auth/caller";
import { Loaders } from "./db/loaders";

/** What a service needs to know about the request it serves: who calls, and the request's loaders. */
export interface RequestScope extends Actor {
  caller: Caller;
  requestId: string | null;
  loaders: Loaders;
}
