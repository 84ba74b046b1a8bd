import { DataSource, EntityManager } from "typeorm";
import { CaService } from "../certificates/ca.service";
import { CertificateAuthority } from "../certificates/certificate-authority.entity";
import { Crl } from "../certificates/crl.entity";
import { Clock } from "../domain/clock";
import { JobHandler } from "../jobs/job-runner";
import { RecurringJob, dailyAtJst } from "../jobs/schedule";
import { RevocationReason, buildCrl } from "../pki";
import { CRL_PUBLISH_JOB } from "./status-publisher";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Job kind that re-publishes every CA's CRL once a day. */
export const CRL_REFRESH_JOB = "crl.refresh";

/**
 * STAT-1 lifetimes:
 * - nextUpdate = thisUpdate + 7 days (the rule allows at most 10);
 * - a CRL is re-published every day (03:00 JST) and at start-up when the latest is older than
 *   {@link CRL_MAX_AGE_MS} (the rule asks for at least every 4 days), and within seconds of a revocation;
 * - HTTP caches may keep it {@link CRL_HTTP_MAX_AGE_S} seconds.
 */
export const CRL_VALIDITY_MS = 7 * DAY_MS;
export const CRL_MAX_AGE_MS = 1 * DAY_MS;
export const CRL_HTTP_MAX_AGE_S = 60;

/**
 * A revoked certificate stays on the CRL until it has expired and then for this long, so that it
 * appears on at least one regularly scheduled CRL after its expiry (RFC 5280 3.3) whatever the
 * publication rhythm; later it is left out, which keeps the CRL from growing for ever.
 */
export const CRL_KEEP_AFTER_EXPIRY_MS = CRL_VALIDITY_MS + DAY_MS;

export interface PublishedCrl {
  caId: string;
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  der: Buffer;
}

function toPublished(row: Crl): PublishedCrl {
  return { caId: row.issuingCaId, crlNumber: BigInt(row.crlNumber), thisUpdate: row.thisUpdate, nextUpdate: row.nextUpdate, der: row.der };
}

/** STAT-1: CRLs of every CA of the built-in CA (the root's lists the issuing CAs it revoked: none so far). */
/** @rule STAT-1 — pki/crl.ts buildCrl encodes what this publishes */
export class CrlService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly ca: CaService,
  ) {}

  /**
   * Builds, signs and stores a new CRL of `caId` in `tx`: the CA row is locked, so CRL numbers
   * strictly increase across replicas; the counter and the CRL commit together.
   */
  async publish(tx: EntityManager, caId: string): Promise<PublishedCrl> {
    const ca = await tx.getRepository(CertificateAuthority).createQueryBuilder("ca").setLock("pessimistic_write").where("ca.id = :caId", { caId }).getOne();
    if (!ca) throw new Error(`no certificate authority ${caId}`);
    const now = this.clock.now();
    const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + CRL_VALIDITY_MS);
    const rows: Array<{ serial_hex: string; revoked_at: Date; revocation_reason: RevocationReason }> = await tx.query(
      `SELECT serial_hex, revoked_at, revocation_reason FROM certificate
       WHERE issuing_ca_id = $1 AND revoked_at IS NOT NULL AND revoked_at <= $2 AND not_after > $3
       ORDER BY revoked_at, serial_hex`,
      [caId, now, new Date(now.getTime() - CRL_KEEP_AFTER_EXPIRY_MS)],
    );
    const crlNumber = BigInt(ca.lastCrlNumber) + 1n;
    const der = await buildCrl({
      issuer: { certDer: ca.certDer, signer: await this.ca.signer(ca) },
      crlNumber,
      thisUpdate,
      nextUpdate,
      entries: rows.map((r) => ({ serialHex: r.serial_hex, revokedAt: r.revoked_at, reason: r.revocation_reason })),
    });
    await tx.query(`UPDATE certificate_authority SET last_crl_number = $2 WHERE id = $1`, [caId, crlNumber.toString()]);
    await tx.insert(Crl, { issuingCaId: caId, crlNumber: crlNumber.toString(), thisUpdate, nextUpdate, der });
    return { caId, crlNumber, thisUpdate, nextUpdate, der };
  }

  /** The latest CRL of `caId`, or null when the CA has none yet. */
  async latest(caId: string, em: EntityManager = this.ds.manager): Promise<PublishedCrl | null> {
    const row = await em.getRepository(Crl).findOne({ where: { issuingCaId: caId }, order: { crlNumber: "DESC" } });
    return row ? toPublished(row) : null;
  }

  /**
   * The latest CRL of a CA we have; publishes the first one if there is none yet (a CA created by a
   * replica that has not run `ensureCrls`). Null for an unknown CA.
   */
  async current(caId: string): Promise<PublishedCrl | null> {
    const found = await this.latest(caId);
    if (found) return found;
    if (!(await this.ca.get(caId))) return null;
    return this.ensure(caId, () => true);
  }

  /**
   * Start-up: every CA gets a CRL if it has none, or a new one if its latest is older than
   * {@link CRL_MAX_AGE_MS}. Safe when several replicas start at once (decided under the CA row lock).
   */
  async ensureCrls(): Promise<void> {
    for (const ca of await this.ca.all()) {
      if (ca.notAfter.getTime() <= this.clock.now().getTime()) continue;
      await this.ensure(ca.id, (latest) => this.clock.now().getTime() - latest.thisUpdate.getTime() < CRL_MAX_AGE_MS);
    }
  }

  private ensure(caId: string, fresh: (latest: PublishedCrl) => boolean): Promise<PublishedCrl> {
    return this.ds.transaction(async (tx) => {
      await tx.query(`SELECT 1 FROM certificate_authority WHERE id = $1 FOR UPDATE`, [caId]);
      const latest = await this.latest(caId, tx);
      if (latest && fresh(latest)) return latest;
      return this.publish(tx, caId);
    });
  }

  /** The job handlers and the daily re-publication, for the JobRunner. */
  jobs(): { handlers: Record<string, JobHandler>; recurring: RecurringJob[] } {
    const publishOne: JobHandler = async (job, tx) => {
      const caId = job.payload.caId;
      if (typeof caId !== "string") throw new Error(`${CRL_PUBLISH_JOB} job ${job.id} has no caId`);
      await this.publish(tx, caId);
    };
    const refreshAll: JobHandler = async (_job, tx) => {
      const now = this.clock.now();
      const cas = await tx.getRepository(CertificateAuthority).find({ order: { createdAt: "ASC" } });
      for (const ca of cas) if (ca.notAfter.getTime() > now.getTime()) await this.publish(tx, ca.id);
    };
    return {
      handlers: { [CRL_PUBLISH_JOB]: publishOne, [CRL_REFRESH_JOB]: refreshAll },
      recurring: [dailyAtJst(CRL_REFRESH_JOB, 3, 0, "latest")], // only the newest CRL matters
    };
  }
}
