import { Certificate } from "./certificate.entity";

/** The live status every channel reports (STAT-3): one function, so they cannot disagree. */
export enum CertificateStatus {
  VALID = "VALID",
  NOT_YET_VALID = "NOT_YET_VALID",
  EXPIRED = "EXPIRED",
  REVOKED = "REVOKED",
}

/** @rule STAT-3 — every channel reads status through this; their cache lifetimes are status/cache-policy.ts */
export function certificateStatus(
  c: Pick<Certificate, "notBefore" | "notAfter" | "revokedAt">,
  now: Date,
): CertificateStatus {
  if (c.revokedAt !== null && c.revokedAt <= now) return CertificateStatus.REVOKED;
  if (now < c.notBefore) return CertificateStatus.NOT_YET_VALID;
  if (now > c.notAfter) return CertificateStatus.EXPIRED;
  return CertificateStatus.VALID;
}
