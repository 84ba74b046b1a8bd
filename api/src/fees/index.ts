/**
 * Front door of fees/: what other feature folders may use. Everything not exported here is private to
 * fees/ (npm run deps checks it).
 */
export { Charge } from "./charge.entity";
export { FeeService } from "./fee.service";
