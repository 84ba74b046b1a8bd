/**
 * Front door of disputes/: what other feature folders may use. Everything not exported here is private to
 * disputes/ (npm run deps checks it).
 */
export { refuseDisputedNames } from "./disputed-names";
