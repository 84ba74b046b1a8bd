import { EntityManager } from "typeorm";
import { Clock } from "../domain/clock";
import { JobHandler, enqueueJob } from "../jobs/job-runner";

/** Job kind that publishes one CRL scope of a CA (payload `{ caId, shard }`, shard null: the legacy CRL). */
export const CRL_PUBLISH_JOB = "crl.publish";

/**
 * Job kind that brings held CRL publications forward (payload `{}`: every held one; `{ ids }`: those
 * jobs only, which an earlier round could not take). See {@link StatusPublisher.releaseJob}.
 */
export const CRL_RELEASE_JOB = "crl.release-held";

/** How soon a release round that found held publications locked tries them again. */
const RELEASE_RETRY_MS = 1000;

/** Revocations within one window of this length share one CRL publication (STAT-1: "within seconds"). */
export const CRL_COALESCE_WINDOW_MS = 2000;

/**
 * How long after the first revocation of a window its CRL job runs. Half a second: the job runner polls
 * every second, so the CRL is out 0.5–1.5 s after the revocation plus one shard's rebuild (issue 11:
 * at most 2 s at any size); a burst still makes at most one publication per shard and window.
 */
const CRL_PUBLISH_DELAY_MS = 500;

/**
 * A mass revocation's batches (REV-4) hold their CRL publications for this long, and share one
 * publication per scope and window of this length; the last batch releases them all at once
 * ({@link StatusPublisher.releaseHeldCrlPublications}). Every batch revokes on every shard of the CA, so
 * with the single revocation's half second each batch (about 3 s) rebuilt all of them: at 1,000,000
 * revoked, sixteen CRLs of 62,500 entries every few seconds, the CRL runners busy for the whole run and
 * taking a core from the batches. With a 15 s hold the CRL work was still, by estimate, about a third
 * of the CPU a whole-CA revocation of 1,000,000 used (it grows with the entries listed; the CRL thread
 * took 13 µs an entry then, 2–3 µs since it writes entries without allocating, and PostgreSQL's read
 * and store of each CRL more). A minute is the CRL's HTTP
 * cache lifetime (crl.service.ts CRL_HTTP_MAX_AGE_S): a relying party may hold a CRL that long anyway.
 * OCSP and status still answer each batch at its commit (STAT-2, STAT-3).
 */
const HELD_CRL_WINDOW_MS = 60_000;

/** The job keys of held publications start with this (see {@link crlPublishKey}). */
export const HELD_KEY_PREFIX = `${CRL_PUBLISH_JOB}:held:`;

export interface RevokedCertificateRef {
  id: string;
  issuingCaId: string | null;
  serialHex: string;
  /**
   * STAT-1: the certificate's CRL shard (null: the CA's legacy CRL). Left out (undefined) by a caller
   * that did not load it: then it is read from the certificate row.
   */
  crlShard?: number | null;
}

/** Told (in this process) that a revocation is being written, before its transaction commits. */
export type LocalRevocationListener = (caId: string, serialHex: string) => void;

/**
 * The publishing side of a revocation (STAT-1, STAT-2, STAT-3). The revocation service calls
 * `certificatesRevoked` in the same transaction that sets `certificate.revoked_at`; everything it does
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
   * Called in the transaction that revokes the certificates (one, or a mass revocation's batch):
   * (a) makes sure one publication per CRL scope they are on (CA and shard) runs after this transaction
   * commits, coalesced into {@link CRL_COALESCE_WINDOW_MS} windows so that a burst makes one new CRL
   * (see {@link scheduleCrlPublications});
   * (b) tells this process's OCSP responder at once; every replica's views drop their answers when the
   * change commits (the certificate table's trigger notifies them, status/view-changes.ts).
   * Imported certificates (no issuing CA) are on no CRL and answered by no OCSP responder of ours.
   */
  async certificatesRevoked(
    tx: EntityManager,
    certs: readonly RevokedCertificateRef[],
    crl: { held: boolean } = { held: false },
  ): Promise<void> {
    await this.scheduleCrlPublications(tx, certs, crl.held);
    for (const c of certs)
      if (c.issuingCaId) for (const listener of this.listeners) listener(c.issuingCaId, c.serialHex);
  }

  /**
   * STAT-1: schedules one publication per CRL scope (CA and shard) the revoked certificates are on,
   * and only those: a revocation republishes its own shard, not the CA's other shards. Works on any
   * number of refs (a mass revocation passes them all at once).
   */
  private async scheduleCrlPublications(
    tx: EntityManager,
    refs: readonly RevokedCertificateRef[],
    held: boolean,
  ): Promise<void> {
    const unknown = refs.filter((r) => r.issuingCaId && r.crlShard === undefined).map((r) => r.id);
    const shardOf = new Map<string, number | null>();
    if (unknown.length > 0) {
      const rows: Array<{ id: string; crl_shard: number | null }> = await tx.query(
        `SELECT id, crl_shard FROM certificate WHERE id = ANY($1::uuid[])`,
        [unknown],
      );
      for (const r of rows) shardOf.set(r.id, r.crl_shard);
    }
    const scopes = new Map<string, { caId: string; shard: number | null }>();
    for (const r of refs) {
      if (!r.issuingCaId) continue;
      const shard = r.crlShard === undefined ? (shardOf.get(r.id) ?? null) : r.crlShard;
      scopes.set(`${r.issuingCaId}/${shard ?? "legacy"}`, { caId: r.issuingCaId, shard });
    }
    // A fixed order, so that two transactions revoking on the same shards lock their jobs in the same order.
    for (const key of [...scopes.keys()].sort())
      await this.schedule(tx, scopes.get(key)!.caId, scopes.get(key)!.shard, held);
  }

  /**
   * The end of a mass revocation (`key` names it): every CRL publication its batches held
   * ({@link HELD_CRL_WINDOW_MS}) is to run now, as a single revocation's would. This only enqueues the
   * release ({@link releaseJob}), to run in a transaction of its own once this one commits: the caller
   * holds share locks on held publications of its own, and another mass revocation's batch may hold
   * others; taking them all here would make two such transactions wait for each other (a deadlock).
   */
  async releaseHeldCrlPublications(tx: EntityManager, key: string): Promise<void> {
    await enqueueJob(tx, { kind: CRL_RELEASE_JOB, runAt: this.clock.now(), uniqueKey: `${CRL_RELEASE_JOB}:${key}` });
  }

  /**
   * Brings held publications forward to run in half a second. Any other held one (a mass revocation
   * still running) only comes out earlier than planned. It never waits for a lock, so it is in no
   * deadlock: a held publication that a revoking transaction holds (SKIP LOCKED) is tried again a
   * second later, by id, until it is released or its own time has come (at most a window later).
   */
  releaseJob(): JobHandler {
    return async (job, tx) => {
      const runAt = new Date(this.clock.now().getTime() + CRL_PUBLISH_DELAY_MS);
      const ids = job.payload.ids;
      if (ids !== undefined && !(Array.isArray(ids) && ids.every((id) => typeof id === "string" && /^\d+$/.test(id))))
        throw new Error(`${CRL_RELEASE_JOB} job ${job.id} has bad ids`);
      const held = `kind = $1 AND status = 'PENDING' AND starts_with(unique_key, $2) AND run_at > $3
                    ${ids ? "AND id = ANY($4::bigint[])" : ""}`;
      const params = [CRL_PUBLISH_JOB, HELD_KEY_PREFIX, runAt, ...(ids ? [ids] : [])];
      // One statement, one snapshot: what is left over is exactly what was skipped (held by another
      // transaction) or had changed by the time it was locked (then the next round drops it).
      const locked: Array<{ id: string }> = await tx.query(
        `WITH candidate AS (SELECT id FROM job WHERE ${held}),
              free AS (SELECT id FROM job WHERE ${held} AND id IN (SELECT id FROM candidate) ORDER BY id FOR UPDATE SKIP LOCKED),
              released AS (UPDATE job SET run_at = $3 FROM free WHERE job.id = free.id RETURNING job.id)
         SELECT id FROM candidate WHERE id NOT IN (SELECT id FROM released) ORDER BY id`,
        params,
      );
      if (locked.length > 0)
        await enqueueJob(tx, {
          kind: CRL_RELEASE_JOB,
          runAt: new Date(this.clock.now().getTime() + RELEASE_RETRY_MS),
          payload: { ids: locked.map((r) => String(r.id)) },
        });
    };
  }

  /**
   * One job per {@link CRL_COALESCE_WINDOW_MS} window and scope, so that a burst of revocations makes one
   * new CRL of that scope. If the window's job exists but has already run (or is running), the next
   * window's job is used; a still-pending one is share-locked until this transaction ends, so it cannot
   * run before it sees this revocation.
   */
  private async schedule(tx: EntityManager, caId: string, shard: number | null, held: boolean): Promise<void> {
    const now = this.clock.now();
    const windowMs = held ? HELD_CRL_WINDOW_MS : CRL_COALESCE_WINDOW_MS;
    const runAt = new Date(now.getTime() + (held ? HELD_CRL_WINDOW_MS : CRL_PUBLISH_DELAY_MS));
    const firstWindow = Math.floor(now.getTime() / windowMs);
    for (let window = firstWindow; ; window++) {
      if (window - firstWindow > 1000)
        throw new Error(`could not schedule a CRL publication for CA ${caId} shard ${shard}`);
      const uniqueKey = crlPublishKey(caId, window, shard, held);
      if (await enqueueJob(tx, { kind: CRL_PUBLISH_JOB, runAt, uniqueKey, payload: { caId, shard } })) break;
      // The key exists. Waits if a runner holds the row (it is publishing now); then sees it DONE. A share
      // lock is enough to keep runners off it (they claim FOR UPDATE SKIP LOCKED), and two transactions
      // revoking on the same scope (a mass revocation's chains) share it instead of waiting for each other.
      const pending: unknown[] = await tx.query(
        `SELECT id FROM job WHERE unique_key = $1 AND status = 'PENDING' FOR SHARE`,
        [uniqueKey],
      );
      if (pending.length > 0) break;
    }
  }
}

/**
 * The job key of one CRL scope's publication window (the legacy CRL keeps the key form it had before
 * shards); a held window (a mass revocation's) has keys of its own.
 */
function crlPublishKey(caId: string, window: number, shard: number | null, held: boolean): string {
  const prefix = held ? HELD_KEY_PREFIX : `${CRL_PUBLISH_JOB}:`;
  return shard === null ? `${prefix}${caId}:${window}` : `${prefix}${caId}/${shard}:${window}`;
}
