/**
 * Front door of acme/: what other feature folders may use. Everything not exported here is private to
 * acme/ (npm run deps checks it).
 */
export { acmeContract } from "./acme-contract";
