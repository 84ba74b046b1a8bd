import { DataSource } from "typeorm";
import { preparedQuery } from "../db/prepared";
import { RevocationReason } from "../revocations";
import { ViewCache } from "./view-cache";
import { ViewChanges } from "./view-changes";

/** What every public status channel needs to know about one certificate (STAT-3), without its DER. */
export interface CertificateFacts {
  id: string;
  contractId: string;
  issuingCaId: string | null;
  issued: boolean;
  serialHex: string;
  sha256Fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  revokedAt: Date | null;
  revocationReason: RevocationReason | null;
  /** A pending scheduled revocation (REV-2), if any. */
  scheduledFor: Date | null;
  issuerDn: string;
  names: string[];
}

/** How many certificates' facts a replica keeps (about 0.5 KB each). */
const FACTS_CACHE_SIZE = 200_000;

const COLUMNS = `c.id, c.contract_id, c.issuing_ca_id, c.source = 'ISSUED' AS issued, c.serial_hex, c.sha256_fingerprint, c.not_before, c.not_after,
  c.revoked_at, c.revocation_reason, c.issuer_dn, c.names,
  (SELECT r.scheduled_for FROM revocation r WHERE r.certificate_id = c.id AND r.status = 'SCHEDULED') AS scheduled_for`;

// Serials are unique per issuer only: our own CA's certificate first, then the newest imported one.
const BY_SERIAL = `SELECT ${COLUMNS} FROM certificate c WHERE c.serial_hex = $1 ORDER BY (c.source = 'ISSUED') DESC, c.created_at DESC LIMIT 1`;
const BY_FINGERPRINT = `SELECT ${COLUMNS} FROM certificate c WHERE c.sha256_fingerprint = $1`;

interface Row {
  id: string;
  contract_id: string;
  issuing_ca_id: string | null;
  issued: boolean;
  serial_hex: string;
  sha256_fingerprint: string;
  not_before: Date;
  not_after: Date;
  revoked_at: Date | null;
  revocation_reason: RevocationReason | null;
  issuer_dn: string;
  names: string[];
  scheduled_for: Date | null;
}

function toFacts(r: Row): CertificateFacts {
  return {
    id: r.id,
    contractId: r.contract_id,
    issuingCaId: r.issuing_ca_id,
    issued: r.issued,
    serialHex: r.serial_hex,
    sha256Fingerprint: r.sha256_fingerprint,
    notBefore: r.not_before,
    notAfter: r.not_after,
    revokedAt: r.revoked_at,
    revocationReason: r.revocation_reason,
    scheduledFor: r.scheduled_for,
    issuerDn: r.issuer_dn,
    names: r.names,
  };
}

/**
 * The facts behind every public status answer, from memory when the replica hears every change, else
 * by one lean prepared statement (indexed by serial or fingerprint; no DER, no ORM). Kept true by
 * the database's change notifications (VIEWS_CHANNEL): a certificate, its revocations, or a new
 * certificate with the same serial drop what was kept.
 */
export class CertificateFactsCache {
  private readonly bySerial = new ViewCache<string, CertificateFacts>(FACTS_CACHE_SIZE);
  private readonly byFingerprint = new ViewCache<string, CertificateFacts>(FACTS_CACHE_SIZE);

  constructor(
    private readonly ds: DataSource,
    private readonly changes: ViewChanges,
  ) {
    changes.on((c) => {
      if (c.kind === "certificate") {
        // A certificate changed, or a new one shares this serial: both lookups forget it.
        this.bySerial.invalidate(`serial:${c.serialHex}`);
        this.bySerial.invalidate(c.certificateId);
        this.byFingerprint.invalidate(c.certificateId);
      } else if (c.kind === "all") {
        this.bySerial.clear();
        this.byFingerprint.clear();
      }
    });
  }

  /** Facts of the certificate with this (canonical, lower-case hex) serial; null when the CA knows none. */
  bySerialHex(serialHex: string): Promise<CertificateFacts | null> {
    return this.bySerial.getOrLoad(serialHex, this.changes.trusted, async () => {
      const [row] = await preparedQuery<Row>(this.ds, "status_by_serial", BY_SERIAL, [serialHex]);
      return row ? { value: toFacts(row), tags: [row.id, `serial:${serialHex}`] } : null;
    });
  }

  /** Facts of the certificate with this SHA-256 fingerprint (lower-case hex); null when unknown. */
  bySha256(fingerprint: string): Promise<CertificateFacts | null> {
    return this.byFingerprint.getOrLoad(fingerprint, this.changes.trusted, async () => {
      const [row] = await preparedQuery<Row>(this.ds, "status_by_fingerprint", BY_FINGERPRINT, [fingerprint]);
      return row ? { value: toFacts(row), tags: [row.id] } : null;
    });
  }
}
