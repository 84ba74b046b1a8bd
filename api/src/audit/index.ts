/**
 * Front door of audit/: what other feature folders may use. Everything not exported here is private to
 * audit/ (npm run deps checks it).
 */
export { AuditService, snapshot, unchanged } from "./audit.service";
