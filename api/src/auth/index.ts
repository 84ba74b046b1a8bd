/**
 * Front door of auth/: what other feature folders may use. Everything not exported here is private to
 * auth/ (npm run deps checks it).
 */
export { generateKeySecret } from "./api-key-secret";
export { ApiKey, ApiKeyOwner } from "./api-key.entity";
export { canSeeResellerData, requireAuthenticated, requireOperator, requireReseller } from "./authorize";
export { isOperator, PUBLIC, systemActor } from "./caller";
export type { Actor } from "./caller";
