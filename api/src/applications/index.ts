/**
 * Front door of applications/: what other feature folders may use. Everything not exported here is private to
 * applications/ (npm run deps checks it).
 */
export { requireOwnSubscriber, requirePem } from "./application-checks";
export { Application, ApplicationKind, ApplicationStatus } from "./application.entity";
export { CaaCheck } from "./caa-check.entity";
export { Consent } from "./consent.entity";
export { DomainValidation, DomainValidationMethod, DomainValidationStatus } from "./domain-validation.entity";
export type { DomainValidationService } from "./domain-validation.service";
