/**
 * Front door of revocations/: what other feature folders may use. Everything not exported here is private to
 * revocations/ (npm run deps checks it).
 */
export { RevocationReasonValue } from "./revocation-reason";
export type { RevocationReason } from "./revocation-reason";
export { RevocationRequester } from "./revocation.entity";
export { RevocationPayload } from "./revocation.types";
export type { RevocationService } from "./revocation.service";
export { type GroundRevocation, lockIssuedCertificate, revokeOnGround } from "./ground-revocation";
