/**
 * Front door of ids/: the global IDs that name objects in GraphQL, audit entries, webhook events,
 * ACME responses and exports, and the Relay `Node` interface every such object implements.
 */
export { fromGlobalId, idOfType, isUuid, toGlobalId } from "./global-id";
export { Node } from "./node";
