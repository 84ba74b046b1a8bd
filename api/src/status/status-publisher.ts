import { EntityManager } from "typeorm";
import { Clock } from "../domain/clock";
import { enqueueJob } from "../jobs/job-runner";

/** Job kind that publishes one CA's CRL (payload `{ caId }`). */
export const CRL_PUBLISH_JOB = "crl.publish";

/** Revocations within one window of this length share one CRL publication (STAT-1: "within seconds"). */
export const CRL_COALESCE_WINDOW_MS = 2000;

/** How long after the first revocation of a window its CRL job runs. */
export const CRL_PUBLISH_DELAY_MS = 1000;

export interface RevokedCertificateRef {
  id: string;
  issuingCaId: string | null;
  serialHex: string;
}

/** Told (in this process) that a revocation is being written, before its transaction commits. */
export type LocalRevocationListener = (caId: string, serialHex: string) => void;

/**
 * The publishing side of a revocation (STAT-1, STAT-2, STAT-3). The revocation service calls
 * `certificateRevoked` in the same transaction that sets `certificate.revoked_at`; everything it does
 * is transactional, so a rolled-back revocation publishes nothing.
 */
export class StatusPublisher {
  private readonly listeners = new Set<LocalRevocationListener>();

  constructor(private readonly clock: Clock) {}

  /** The OCSP responder of this process subscribes, so that it stops serving its cached answer at once. */
  onLocalRevocation(listener: LocalRevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * (a) Makes sure a CRL publication for the certificate's CA runs after this transaction commits: one
   * job per {@link CRL_COALESCE_WINDOW_MS} window, so that a burst of revocations makes one new CRL.
   * If the window's job exists but has already run (or is running), the next window's job is used;
   * a still-pending one is row-locked until this transaction ends, so it cannot run before it sees
   * this revocation.
   * (b) Every replica drops its cached answers when the change commits: the certificate table's trigger
 *     notifies them (status/view-changes.ts); this process's own OCSP responder stops at once.
   * Imported certificates (no issuing CA) are on no CRL and answered by no OCSP responder of ours.
   */
  async certificateRevoked(tx: EntityManager, cert: RevokedCertificateRef): Promise<void> {
    const caId = cert.issuingCaId;
    if (!caId) return;
    const now = this.clock.now();
    const runAt = new Date(now.getTime() + CRL_PUBLISH_DELAY_MS);
    const firstWindow = Math.floor(now.getTime() / CRL_COALESCE_WINDOW_MS);
    for (let window = firstWindow; ; window++) {
      if (window - firstWindow > 1000) throw new Error(`could not schedule a CRL publication for CA ${caId}`);
      const uniqueKey = crlPublishKey(caId, window);
      if (await enqueueJob(tx, { kind: CRL_PUBLISH_JOB, runAt, uniqueKey, payload: { caId } })) break;
      // The key exists. Waits if a runner holds the row (it is publishing now); then sees it DONE.
      const pending: unknown[] = await tx.query(`SELECT id FROM job WHERE unique_key = $1 AND status = 'PENDING' FOR UPDATE`, [uniqueKey]);
      if (pending.length > 0) break;
    }
    for (const listener of this.listeners) listener(caId, cert.serialHex);
  }

  /**
   * {@link certificateRevoked} for many certificates at once (REV-4 mass revocation): one CRL
   * scheduling per CA however many of its certificates are in the batch, then the local listeners for
   * each serial.
   */
  async certificatesRevoked(tx: EntityManager, certs: readonly RevokedCertificateRef[]): Promise<void> {
    const byCa = new Map<string, RevokedCertificateRef>();
    for (const c of certs) if (c.issuingCaId && !byCa.has(c.issuingCaId)) byCa.set(c.issuingCaId, c);
    for (const first of byCa.values()) await this.certificateRevoked(tx, first);
    const firstOfCa = new Set(byCa.values());
    for (const c of certs) {
      if (!c.issuingCaId || firstOfCa.has(c)) continue;
      for (const listener of this.listeners) listener(c.issuingCaId, c.serialHex);
    }
  }
}

/** The job key of one CA's CRL publication window. */
export function crlPublishKey(caId: string, window: number): string {
  return `${CRL_PUBLISH_JOB}:${caId}:${window}`;
}
