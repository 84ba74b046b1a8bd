/**
 * Front door of certificates/: what other feature folders may use. Everything not exported here is private to
 * certificates/ (npm run deps checks it).
 */
export { CaService } from "./ca.service";
export { CertificateAuthority } from "./certificate-authority.entity";
export { certificateStatus, CertificateStatus } from "./certificate-status";
export { Certificate, CertificateSource } from "./certificate.entity";
export { CertificateService } from "./certificate.service";
export { Crl } from "./crl.entity";
export { DUPLICATE_CERTIFICATE_SQL, refuseDuplicateCertificate, refuseRenewedTwice } from "./issuance-checks";
export { CertificateConnection } from "./certificate.types";
export type { IssuanceService } from "./issuance.service";
