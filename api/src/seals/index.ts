/**
 * Front door of seals/: what other feature folders may use. Everything not exported here is private to
 * seals/ (npm run deps checks it).
 */
export { Seal } from "./seal.entity";
