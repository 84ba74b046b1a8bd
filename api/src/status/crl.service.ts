import { DataSource, EntityManager, IsNull } from "typeorm";
import { CaService, CertificateAuthority, Crl } from "../certificates";
import { Clock } from "../domain/clock";
import { MS_PER_DAY, MS_PER_HOUR } from "../domain/jst";
import { affectedRows } from "../db/query-results";
import { JobHandler } from "../jobs/job-runner";
import { RecurringJob, dailyAtJst, hourly } from "../jobs/schedule";
import { buildCrl } from "../pki";
import { CRL_PUBLISH_JOB } from "./status-publisher";

/** Job kind that re-publishes every CA's CRL once a day. */
const CRL_REFRESH_JOB = "crl.refresh";

/** Job kind that thins the stored CRL history once an hour ({@link CrlService.pruneHistory}). */
const CRL_PRUNE_JOB = "crl.prune";

/**
 * STAT-1 lifetimes:
 * - nextUpdate = thisUpdate + 7 days (the rule allows at most 10);
 * - a CRL is re-published every day (03:00 JST) and at start-up when the latest is older than
 *   {@link CRL_MAX_AGE_MS} (the rule asks for at least every 4 days), and within seconds of a revocation;
 * - HTTP caches may keep it {@link CRL_HTTP_MAX_AGE_S} seconds.
 */
export const CRL_VALIDITY_MS = 7 * MS_PER_DAY;
const CRL_MAX_AGE_MS = 1 * MS_PER_DAY;
export const CRL_HTTP_MAX_AGE_S = 60;

/**
 * A revoked certificate stays on the CRL until it has expired and then for this long, so that it
 * appears on at least one regularly scheduled CRL after its expiry (RFC 5280 3.3) whatever the
 * publication rhythm; later it is left out, which keeps the CRL from growing for ever.
 */
const CRL_KEEP_AFTER_EXPIRY_MS = CRL_VALIDITY_MS + MS_PER_DAY;

/**
 * The stored history keeps every CRL that was its scope's latest for at least this long, and the latest
 * of each scope. The CRLs in between are dropped: superseded within the hour, they are mostly a burst's
 * (revocations republish a shard within seconds, a mass revocation as it goes; at a million revoked a
 * CA's shard CRLs are 48 MB together, stored again at each round). What they listed stays in the
 * revocation records they were made from.
 */
export const CRL_HISTORY_MIN_CURRENT_MS = MS_PER_HOUR;

/** CRLs dropped per statement, so that each stays well inside the statement timeout (a CRL's TOAST chunks go with it). */
const CRL_PRUNE_BATCH = 100;

/**
 * STAT-1: the entries of one CRL scope (a shard, or the legacy list when `legacy`), as one aggregate of
 * "serial time reason" items in the CRL's order (revocation time, then serial), split into the packed
 * form buildCrl takes. Parameters: CA id, now, the expiry limit (see {@link CRL_KEEP_AFTER_EXPIRY_MS}),
 * shard. The entries come from crl_entry, which the certificate table's triggers keep in the revoking
 * transaction (migrations/1764700000100-crl-entries.ts), so a revocation never rewrites a certificate
 * index; each row keeps its item already spelled (list_item, migrations/1765200000000-crl-entry-items.ts).
 * The inner query is an index-only scan of crl_entry_items, which is already in that order and carries
 * the items; the aggregate keeps the order its input comes in (an ORDER BY inside it would sort again
 * before PostgreSQL 16). The shard leads the ORDER BY although it is one value: the planner takes
 * `crl_shard IS NULL` for a filter, not for a fixed column, and would sort the legacy list otherwise.
 */
export function crlEntriesSql(legacy: boolean): string {
  return `SELECT count(*)::int AS count, coalesce(string_agg(list_item, ','), '') AS packed
    FROM (SELECT list_item
          FROM crl_entry
          WHERE issuing_ca_id = $1 AND ${legacy ? "crl_shard IS NULL AND $4::smallint IS NULL" : "crl_shard = $4"}
            AND revoked_at <= $2 AND not_after > $3
          ORDER BY crl_shard, revoked_at, serial_hex) AS entries`;
}

export interface PublishedCrl {
  caId: string;
  /** STAT-1: the shard this CRL lists; null for the CA's legacy CRL. */
  shard: number | null;
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  der: Buffer;
}

function toPublished(row: Crl): PublishedCrl {
  return {
    caId: row.issuingCaId,
    shard: row.shard ?? null,
    crlNumber: BigInt(row.crlNumber),
    thisUpdate: row.thisUpdate,
    nextUpdate: row.nextUpdate,
    der: row.der,
  };
}

/** Which scopes (legacy list, shards) a CA publishes: the legacy one always, so URLs in older certificates keep working. */
export function crlScopes(ca: Pick<CertificateAuthority, "crlShards">): Array<number | null> {
  return [null, ...Array.from({ length: ca.crlShards }, (_, i) => i)];
}

/**
 * STAT-1: CRLs of every CA of the built-in CA (the root's lists the issuing CAs it revoked: none so far).
 * An issuing CA with `crl_shards` > 0 publishes one CRL per shard at `/crl/<caId>/<shard>.crl` (the URL
 * in the certificates put on it at issuance) plus its legacy CRL at `/crl/<caId>.crl` for the
 * certificates issued before sharding; each is its own CRL scope with its own CRLNumber sequence.
 * @rule STAT-1 — pki/crl.ts buildCrl encodes what this publishes
 */
export class CrlService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly ca: CaService,
  ) {}

  /**
   * Locks one scope's counter row for this transaction and returns its last CRL number, and whether the CA
   * shards (a shard scope does; for the legacy list, as the locked CA row says now): the CA row
   * for the legacy CRL, the shard's `crl_shard_state` row (created on first use) for a shard. So CRL
   * numbers strictly increase per scope across replicas, while shards publish without waiting for
   * one another.
   */
  private async lockScope(
    tx: EntityManager,
    caId: string,
    shard: number | null,
  ): Promise<{ last: bigint; sharded: boolean } | null> {
    if (shard === null) {
      // The shard count is read here, not from the cached CA row: it may have been raised since.
      const rows: Array<{ n: string; shards: number }> = await tx.query(
        `SELECT last_crl_number::text AS n, crl_shards::int AS shards FROM certificate_authority WHERE id = $1 FOR UPDATE`,
        [caId],
      );
      return rows[0] ? { last: BigInt(rows[0].n), sharded: rows[0].shards > 0 } : null;
    }
    await tx.query(`INSERT INTO crl_shard_state (issuing_ca_id, shard) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      caId,
      shard,
    ]);
    const rows: Array<{ n: string }> = await tx.query(
      `SELECT last_crl_number::text AS n FROM crl_shard_state WHERE issuing_ca_id = $1 AND shard = $2 FOR UPDATE`,
      [caId, shard],
    );
    return rows[0] ? { last: BigInt(rows[0].n), sharded: true } : null;
  }

  /**
   * Builds, signs and stores a new CRL of `caId` (its shard `shard`, or its legacy list) in `tx`: the
   * scope's counter and the CRL commit together. The entries come out of PostgreSQL already packed
   * as three strings and the DER is built in the CRL worker thread (pki/crl-thread.ts), so a 100 k
   * entry list costs this event loop next to nothing (DESIGN "Hot paths and scale").
   */
  async publish(tx: EntityManager, caId: string, shard: number | null = null): Promise<PublishedCrl> {
    const scope = await this.lockScope(tx, caId, shard);
    // The certificate and key of a CA never change: its row is read once per process.
    const ca = await this.ca.get(caId, tx);
    if (!ca || scope === null) throw new Error(`no certificate authority ${caId}`);
    if (shard !== null && !Number.isInteger(shard)) throw new Error(`bad CRL shard ${shard}`);
    const now = this.clock.now();
    const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + CRL_VALIDITY_MS);
    const [{ count, packed }]: Array<{ count: number; packed: string }> = await tx.query(
      crlEntriesSql(shard === null),
      [caId, now, new Date(now.getTime() - CRL_KEEP_AFTER_EXPIRY_MS), shard],
    );
    // STAT-1: a shard lists part of the CA's certificates, and so does the legacy list once the CA
    // shards; both say which part (Issuing Distribution Point). A CA that never sharded keeps a full CRL.
    const partial =
      scope.sharded ||
      (await tx.query<unknown[]>(`SELECT 1 FROM crl_shard_state WHERE issuing_ca_id = $1 LIMIT 1`, [caId])).length > 0;
    const crlNumber = scope.last + 1n;
    const der = await buildCrl({
      issuer: { certDer: ca.certDer, signer: await this.ca.signer(ca) },
      crlNumber,
      thisUpdate,
      nextUpdate,
      entries: { count, combined: packed },
      idpUrl: partial ? this.ca.crlUrl(caId, shard) : null,
    });
    if (shard === null)
      await tx.query(`UPDATE certificate_authority SET last_crl_number = $2 WHERE id = $1`, [
        caId,
        crlNumber.toString(),
      ]);
    else
      await tx.query(`UPDATE crl_shard_state SET last_crl_number = $3 WHERE issuing_ca_id = $1 AND shard = $2`, [
        caId,
        shard,
        crlNumber.toString(),
      ]);
    await tx.query(
      `INSERT INTO crl (issuing_ca_id, shard, crl_number, this_update, next_update, der) VALUES ($1, $2, $3, $4, $5, $6)`,
      [caId, shard, crlNumber.toString(), thisUpdate, nextUpdate, der],
    );
    return { caId, shard, crlNumber, thisUpdate, nextUpdate, der };
  }

  /** The latest CRL of `caId` (its shard, or its legacy list), or null when there is none yet. */
  async latest(
    caId: string,
    em: EntityManager = this.ds.manager,
    shard: number | null = null,
  ): Promise<PublishedCrl | null> {
    const row = await em.getRepository(Crl).findOne({
      where: { issuingCaId: caId, shard: shard === null ? IsNull() : shard },
      order: { crlNumber: "DESC" },
    });
    return row ? toPublished(row) : null;
  }

  /**
   * The latest CRL of a scope we have; publishes the first one if there is none yet (a CA or shard
   * created by a replica that has not run `ensureCrls`). Null for an unknown CA or a shard the CA
   * does not have.
   */
  async current(caId: string, shard: number | null = null): Promise<PublishedCrl | null> {
    const found = await this.latest(caId, this.ds.manager, shard);
    if (found) return found;
    const ca = await this.ca.get(caId);
    if (!ca) return null;
    if (shard !== null && shard >= (await this.shardCount(caId))) return null;
    return this.ensure(caId, shard, () => true);
  }

  /** The CA row is cached per process, but its shard count may have been raised since: read it. */
  private async shardCount(caId: string): Promise<number> {
    const rows: Array<{ n: number }> = await this.ds.query(
      `SELECT crl_shards::int AS n FROM certificate_authority WHERE id = $1`,
      [caId],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Start-up: every scope of every CA gets a CRL if it has none, or a new one if its latest is older
   * than {@link CRL_MAX_AGE_MS}. Safe when several replicas start at once (decided under the scope's lock).
   */
  async ensureCrls(): Promise<void> {
    for (const ca of await this.ca.all()) {
      if (ca.notAfter.getTime() <= this.clock.now().getTime()) continue;
      for (const shard of crlScopes(ca)) {
        await this.ensure(
          ca.id,
          shard,
          (latest) => this.clock.now().getTime() - latest.thisUpdate.getTime() < CRL_MAX_AGE_MS,
        );
      }
    }
  }

  private ensure(caId: string, shard: number | null, fresh: (latest: PublishedCrl) => boolean): Promise<PublishedCrl> {
    return this.ds.transaction(async (tx) => {
      await this.lockScope(tx, caId, shard);
      const latest = await this.latest(caId, tx, shard);
      if (latest && fresh(latest)) return latest;
      return this.publish(tx, caId, shard);
    });
  }

  /**
   * Drops the stored CRLs that were superseded within {@link CRL_HISTORY_MIN_CURRENT_MS} of their own
   * publication, in batches; returns how many. Oldest first in each scope: a CRL's successor is then never
   * deleted before it is judged (else it would be judged against a later one, and kept). The latest CRL
   * of a scope has no successor in a statement's snapshot and is never one of them, whatever a
   * concurrent publication adds.
   */
  async pruneHistory(tx: EntityManager): Promise<number> {
    let dropped = 0;
    for (;;) {
      const count = affectedRows(
        await tx.query(
          `DELETE FROM crl WHERE id IN (
           SELECT id FROM (
             SELECT id, issuing_ca_id, shard, crl_number, this_update,
                    lead(this_update) OVER (PARTITION BY issuing_ca_id, shard ORDER BY crl_number) AS superseded_at
             FROM crl) AS history
           WHERE superseded_at < this_update + $1 * interval '1 millisecond'
           ORDER BY issuing_ca_id, shard, crl_number
           LIMIT $2)`,
          [CRL_HISTORY_MIN_CURRENT_MS, CRL_PRUNE_BATCH],
        ),
      );
      dropped += count;
      if (count < CRL_PRUNE_BATCH) return dropped;
    }
  }

  /** The job handlers, the daily re-publication and the hourly pruning, for the JobRunner. */
  jobs(): { handlers: Record<string, JobHandler>; recurring: RecurringJob[] } {
    const publishOne: JobHandler = async (job, tx) => {
      const caId = job.payload.caId;
      if (typeof caId !== "string") throw new Error(`${CRL_PUBLISH_JOB} job ${job.id} has no caId`);
      if ("shard" in job.payload) {
        const shard = job.payload.shard;
        if (shard !== null && typeof shard !== "number")
          throw new Error(`${CRL_PUBLISH_JOB} job ${job.id} has a bad shard`);
        await this.publish(tx, caId, shard);
        return;
      }
      // A job queued before sharding names only the CA: every scope of it, so nothing is missed.
      const ca = await tx.getRepository(CertificateAuthority).findOneBy({ id: caId });
      for (const shard of ca ? crlScopes(ca) : [null]) await this.publish(tx, caId, shard);
    };
    const refreshAll: JobHandler = async (_job, tx) => {
      const now = this.clock.now();
      const cas = await tx.getRepository(CertificateAuthority).find({ order: { createdAt: "ASC" } });
      for (const ca of cas) {
        if (ca.notAfter.getTime() <= now.getTime()) continue;
        for (const shard of crlScopes(ca)) await this.publish(tx, ca.id, shard);
      }
    };
    const prune: JobHandler = async (_job, tx) => {
      await this.pruneHistory(tx);
    };
    return {
      handlers: { [CRL_PUBLISH_JOB]: publishOne, [CRL_REFRESH_JOB]: refreshAll, [CRL_PRUNE_JOB]: prune },
      // Only the newest CRL matters, and one pruning covers every hour missed.
      recurring: [dailyAtJst(CRL_REFRESH_JOB, 3, 0, "latest"), hourly(CRL_PRUNE_JOB, "latest")],
    };
  }
}
