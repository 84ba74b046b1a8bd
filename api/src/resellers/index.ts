/**
 * Front door of resellers/: what other feature folders may use. Everything not exported here is private to
 * resellers/ (npm run deps checks it).
 */
export { Reseller, ResellerStatus } from "./reseller.entity";
export { ResellerSuspension } from "./suspension.entity";
