import { CertificateStatus, certificateStatus } from "../certificates";
import { Clock } from "../domain/clock";
import { canonicalSerialHex } from "../pki";
import { RevocationReason } from "../revocations";
import { CertificateFacts, CertificateFactsCache } from "./certificate-facts";

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
 * STAT-3: the public status of a certificate, computed with the injected clock by `certificateStatus()`
 * (the same function CRL and OCSP use) from the facts every channel shares (status/certificate-facts.ts).
 */
export class CertificateStatusService {
  constructor(
    private readonly facts: CertificateFactsCache,
    private readonly clock: Clock,
  ) {}

  /**
   * Null for a certificate we do not know. A serial is looked up among the certificates our CA issued
   * first, then among imported ones (serials are unique only per issuer: the newest wins).
   * @throws InvalidStatusLookup when the serial or fingerprint is not well-formed hex.
   */
  async lookup(by: StatusLookup): Promise<PublicCertificateStatus | null> {
    let cert: CertificateFacts | null;
    if ("serialNumber" in by) {
      let serial: string;
      try {
        serial = canonicalSerialHex(by.serialNumber);
      } catch (e) {
        throw new InvalidStatusLookup(`serialNumber: ${(e as Error).message}`);
      }
      cert = await this.facts.bySerialHex(serial);
    } else {
      const fingerprint = by.sha256Fingerprint.replace(/[\s:]/g, "").toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(fingerprint))
        throw new InvalidStatusLookup("sha256Fingerprint must be 64 hex digits.");
      cert = await this.facts.bySha256(fingerprint);
    }
    if (!cert) return null;
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
      revocationScheduledAt: revoked ? null : (cert.scheduledFor ?? cert.revokedAt),
      checkedAt: now,
      issuerName: cert.issuerDn,
      names: cert.names,
    };
  }
}
