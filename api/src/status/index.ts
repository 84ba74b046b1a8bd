/**
 * Front door of status/: what other feature folders may use. Everything not exported here is private to
 * status/ (npm run deps checks it).
 */
export { STATUS_CACHE_MAX_AGE_S } from "./cache-policy";
export { StatusPublisher } from "./status-publisher";
export { ViewCache } from "./view-cache";
export { ViewChanges } from "./view-changes";
