import { DataSource } from "typeorm";
import { CertificateStatus, certificateStatus } from "../certificates/certificate-status";
import { Certificate, CertificateSource } from "../certificates/certificate.entity";
import { Clock } from "../domain/clock";
import { canonicalSerialHex } from "../pki";
import { RevocationReason } from "../revocations/revocation-reason";
import { Revocation, RevocationStatus } from "../revocations/revocation.entity";

/** What the public status query tells about one certificate (STAT-3). */
export interface PublicCertificateStatus {
  status: CertificateStatus;
  serialNumber: string;
  sha256Fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  revokedAt: Date | null;
  revocationReason: RevocationReason | null;
  revocationScheduledAt: Date | null;
  checkedAt: Date;
  issuerName: string;
  names: string[];
}

export type StatusLookup = { serialNumber: string } | { sha256Fingerprint: string };

export class InvalidStatusLookup extends Error {}

/**
 * STAT-3: the public status of a certificate, read from the certificate row through
 * `certificateStatus()` with the injected clock, the same source and function as CRL and OCSP.
 */
export class CertificateStatusService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Null for a certificate we do not know. A serial is looked up among the certificates our CA issued
   * first, then among imported ones (serials are unique only per issuer: the newest wins).
   * @throws InvalidStatusLookup when the serial or fingerprint is not well-formed hex.
   */
  async lookup(by: StatusLookup): Promise<PublicCertificateStatus | null> {
    const repo = this.ds.getRepository(Certificate);
    let cert: Certificate | null;
    if ("serialNumber" in by) {
      let serial: string;
      try {
        serial = canonicalSerialHex(by.serialNumber);
      } catch (e) {
        throw new InvalidStatusLookup(`serialNumber: ${(e as Error).message}`);
      }
      cert = await repo
        .createQueryBuilder("c")
        .where("c.serial_hex = :serial", { serial })
        .orderBy("CASE WHEN c.source = :issued THEN 0 ELSE 1 END", "ASC")
        .addOrderBy("c.created_at", "DESC")
        .setParameter("issued", CertificateSource.ISSUED)
        .getOne();
    } else {
      const fingerprint = by.sha256Fingerprint.replace(/[\s:]/g, "").toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(fingerprint)) throw new InvalidStatusLookup("sha256Fingerprint must be 64 hex digits.");
      cert = await repo.findOneBy({ sha256Fingerprint: fingerprint });
    }
    if (!cert) return null;
    const scheduled = await this.ds.getRepository(Revocation).findOne({
      select: { id: true, scheduledFor: true },
      where: { certificateId: cert.id, status: RevocationStatus.SCHEDULED },
    });
    const now = this.clock.now();
    const revoked = cert.revokedAt !== null && cert.revokedAt <= now;
    return {
      status: certificateStatus(cert, now),
      serialNumber: cert.serialHex,
      sha256Fingerprint: cert.sha256Fingerprint,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      revokedAt: revoked ? cert.revokedAt : null,
      revocationReason: revoked ? cert.revocationReason : null,
      // A pending scheduled revocation (REV-2), or a revocation time written ahead of now.
      revocationScheduledAt: revoked ? null : (scheduled?.scheduledFor ?? cert.revokedAt),
      checkedAt: now,
      issuerName: cert.issuerDn,
      names: cert.names,
    };
  }
}
