import { randomBytes } from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { DataSource, EntityManager } from "typeorm";
import { PgListener } from "../db/listener";
import { withConnectionScope } from "../db/connection-guard";
import { affectedRows } from "../db/query-results";
import { Clock } from "../domain/clock";
import { Logger } from "../logger";
import { Job, JobStatus } from "./job.entity";
import { RecurringJob } from "./schedule";

export type { RecurringJob } from "./schedule";

/**
 * The background-job mechanism of the service. The `job` table is the only source of truth:
 * a runner claims one due row with `FOR UPDATE SKIP LOCKED`, runs its handler in that same
 * transaction and marks it DONE before committing, so the handler's database writes and the DONE
 * mark commit together or not at all. A replica that dies mid-handler loses its connection, the
 * transaction aborts, the row is unlocked and unchanged, and another replica runs it.
 *
 * Effects outside the database (mail, webhooks) are at-least-once: make them idempotent.
 */

/** The NOTIFY channel that wakes sleeping runners when a job is enqueued. */
export const JOBS_CHANNEL = "akashi_jobs";

/**
 * Runs one job. Do every database write through `tx` (the claiming transaction) and never through
 * the DataSource: only then do the writes commit exactly when the job is marked DONE (and asking the
 * pool for a second connection inside the claim is refused, see db/connection-guard.ts). Throw to fail
 * the attempt; everything written through `tx` is rolled back. `job.attempts` counts earlier failed
 * attempts (0 on the first run).
 *
 * Network work (mail, webhooks) must not run while the claim holds its transaction: such a handler
 * records in `tx` what it is about to do (a lease, and a job that takes over if this worker dies) and
 * returns an {@link AfterCommit}, which the runner calls once the claim has committed, outside any
 * transaction. Its own writes use their own short transactions.
 */
export type AfterCommit = () => Promise<void>;
export type JobHandler = (job: Job, tx: EntityManager) => Promise<void | AfterCommit>;

export interface EnqueueJob {
  kind: string;
  runAt: Date;
  payload?: Record<string, unknown>;
  /** At most one job ever exists with a given key (pending, done or failed): scheduling is idempotent. */
  uniqueKey?: string | null;
}

export interface JobRunnerOptions {
  ds: DataSource;
  clock: Clock;
  logger: Logger;
  handlers: Record<string, JobHandler>;
  recurring?: RecurringJob[];
  /** Poll interval of `start()`, in ms (default 1000). NOTIFY wakes the runner earlier. */
  pollMs?: number;
  /** Failed attempts after which a job is FAILED for good (default 8). */
  maxAttempts?: number;
  /** Delay before the next attempt, given the number of failed attempts so far (1, 2, ...). */
  backoffMs?: (attempt: number) => number;
  /** Names this runner in the logs (default host:pid:random). */
  workerId?: string;
  /** The process's LISTEN connection (db/listener.ts); without one the runner opens its own. */
  listener?: PgListener;
}

const HOUR_MS = 60 * 60 * 1000;

/** 1 s, 2 s, 4 s, ... doubling per failed attempt, capped at one hour. */
export function defaultBackoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), HOUR_MS);
}

/**
 * Inserts a job in the caller's transaction; returns false when a job with the same `uniqueKey`
 * already exists. Wakes sleeping runners with NOTIFY, which PostgreSQL delivers on commit.
 */
export async function enqueueJob(tx: EntityManager, job: EnqueueJob): Promise<boolean> {
  return (await enqueueJobs(tx, [job])) === 1;
}

/**
 * Jobs in two statements (one insert, one NOTIFY per kind), whatever their number; returns how many
 * were new (a job whose unique key exists is not added). The event feed's commit trigger enqueues
 * webhook deliveries the same way, in SQL (migrations/1764600000000-event-feed-at-commit.ts).
 */
async function enqueueJobs(tx: EntityManager, jobs: readonly EnqueueJob[]): Promise<number> {
  if (jobs.length === 0) return 0;
  for (const job of jobs)
    if (!(job.runAt instanceof Date) || Number.isNaN(job.runAt.getTime()))
      throw new TypeError("runAt must be a valid Date");
  const rows: Array<{ kind: string }> = await tx.query(
    `INSERT INTO job (kind, unique_key, payload, run_at)
     SELECT j.kind, j.unique_key, j.payload, j.run_at FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[]) AS j(kind, unique_key, payload, run_at)
     ON CONFLICT (unique_key) DO NOTHING RETURNING kind`,
    [
      jobs.map((j) => j.kind),
      jobs.map((j) => j.uniqueKey ?? null),
      jobs.map((j) => JSON.stringify(j.payload ?? {})),
      jobs.map((j) => j.runAt),
    ],
  );
  for (const kind of new Set(rows.map((r) => r.kind))) await tx.query(`SELECT pg_notify($1, $2)`, [JOBS_CHANNEL, kind]);
  return rows.length;
}

const CLAIM_SQL = `
  SELECT id, kind, unique_key, payload, run_at, status, attempts, locked_until, last_error, created_at, finished_at
  FROM job
  WHERE status = 'PENDING' AND run_at <= $1 AND kind = ANY($2::text[])
  ORDER BY run_at, id
  LIMIT 1
  FOR UPDATE SKIP LOCKED`;

interface JobRow {
  id: string;
  kind: string;
  unique_key: string | null;
  payload: Record<string, unknown> | null;
  run_at: Date;
  status: JobStatus;
  attempts: number;
  locked_until: Date | null;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

function toJob(r: JobRow): Job {
  return Object.assign(new Job(), {
    id: String(r.id),
    kind: r.kind,
    uniqueKey: r.unique_key,
    payload: r.payload ?? {},
    runAt: r.run_at,
    status: r.status,
    attempts: r.attempts,
    lockedUntil: r.locked_until,
    lastError: r.last_error,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  });
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}

export class JobRunner {
  private readonly ds: DataSource;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly handlers: Record<string, JobHandler>;
  private readonly kinds: string[];
  private readonly recurring: Map<string, RecurringJob>;
  private readonly pollMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: (attempt: number) => number;
  readonly workerId: string;

  private running = false;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private wake = false;
  private recurringScheduled = false;
  private readonly listener: PgListener;
  private readonly ownListener: boolean;
  private unsubscribe: (() => void)[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(options: JobRunnerOptions) {
    this.ds = options.ds;
    this.clock = options.clock;
    this.handlers = { ...options.handlers };
    this.kinds = Object.keys(this.handlers);
    this.pollMs = options.pollMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoffMs = options.backoffMs ?? defaultBackoffMs;
    this.workerId = options.workerId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.log = options.logger.child({ component: "jobs", workerId: this.workerId });
    this.ownListener = options.listener === undefined;
    this.listener = options.listener ?? new PgListener(this.ds);
    if (!(this.pollMs > 0)) throw new RangeError(`pollMs must be positive, got ${this.pollMs}`);
    if (!Number.isSafeInteger(this.maxAttempts) || this.maxAttempts < 1)
      throw new RangeError(`maxAttempts must be an integer >= 1, got ${this.maxAttempts}`);
    this.recurring = new Map();
    for (const r of options.recurring ?? []) {
      if (!this.handlers[r.kind]) throw new Error(`recurring job ${r.kind} has no handler`);
      if (this.recurring.has(r.kind)) throw new Error(`recurring job ${r.kind} is declared twice`);
      this.recurring.set(r.kind, r);
    }
  }

  /** See `enqueueJob`. */
  enqueue(tx: EntityManager, job: EnqueueJob): Promise<boolean> {
    return enqueueJob(tx, job);
  }

  /**
   * Enqueues the next occurrence (after the clock's now) of every recurring kind, unless it already
   * exists. Returns how many were inserted. `start()` calls this; tests may call it directly.
   */
  async scheduleRecurring(): Promise<number> {
    let inserted = 0;
    for (const r of this.recurring.values()) {
      const now = this.clock.now();
      if (await this.ds.transaction((tx) => this.enqueueOccurrence(tx, r, r.next(now)))) inserted++;
    }
    return inserted;
  }

  /**
   * Runs due jobs one after another until none is due (or `limit` were run, or `stop()` was called).
   * Returns how many jobs were run, whether they succeeded or failed.
   */
  async runDue(limit = 1000): Promise<number> {
    const work = (async () => {
      let n = 0;
      while (n < limit && !this.stopping && (await withConnectionScope(() => this.runOne()))) n++;
      return n;
    })();
    this.inFlight.add(work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  /**
   * Starts polling every `pollMs` and listening on the NOTIFY channel. Resolves once the listener
   * is listening (or failed to connect: polling works without it, and it is retried every poll).
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.unsubscribe = [
      this.listener.subscribe(JOBS_CHANNEL, () => this.onNotify()),
      // A job enqueued while the listener was down would otherwise wait for the next poll.
      this.listener.onHearing(() => this.onNotify()),
    ];
    if (this.ownListener) await this.listener.start(this.log);
    this.log.info({ pollMs: this.pollMs, kinds: this.kinds }, "job runner started");
    this.tick();
  }

  /** Stops polling, waits for the job in flight to finish, and closes the listener. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([this.loop, ...this.inFlight]);
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    if (this.ownListener) await this.listener.stop();
    this.stopping = false;
    this.log.info("job runner stopped");
  }

  // ---- the poll loop ----

  private tick(): void {
    this.timer = undefined;
    if (!this.running || this.loop) return;
    let sleepMs = this.pollMs;
    const loop = (async () => {
      do {
        this.wake = false;
        sleepMs = this.pollMs;
        try {
          if (!this.recurringScheduled) {
            await this.scheduleRecurring();
            this.recurringScheduled = true;
          }
          const limit = 1000;
          // A full batch means more may be due: go round again without sleeping.
          if ((await this.runDue(limit)) === limit) this.wake = true;
          else sleepMs = await this.untilNextDue();
        } catch (err) {
          this.log.error({ err }, "job poll failed");
        }
      } while (this.wake && this.running);
    })();
    this.loop = loop;
    void loop.finally(() => {
      this.loop = undefined;
      if (this.running) this.timer = setTimeout(() => this.tick(), sleepMs);
    });
  }

  /**
   * How long to sleep before the next pass: until the earliest pending job falls due, never longer
   * than `pollMs`. A job enqueued for half a second from now (a coalesced CRL publication) then
   * runs when it falls due, not up to a whole poll later (STAT-3's 2 s). A job already due is held
   * by another runner (SKIP LOCKED), so that case waits the ordinary poll instead of spinning.
   */
  private async untilNextDue(): Promise<number> {
    if (this.kinds.length === 0) return this.pollMs;
    const rows: Array<{ next: Date | null }> = await withConnectionScope(() =>
      this.ds.query(`SELECT min(run_at) AS next FROM job WHERE status = 'PENDING' AND kind = ANY($1::text[])`, [
        this.kinds,
      ]),
    );
    const next = rows[0]?.next;
    if (!next) return this.pollMs;
    const wait = next.getTime() - this.clock.now().getTime();
    return wait <= 0 ? this.pollMs : Math.min(this.pollMs, wait + 1);
  }

  private onNotify(): void {
    if (!this.running) return;
    if (this.loop) {
      this.wake = true; // the loop goes round once more when its current pass ends
    } else {
      if (this.timer) clearTimeout(this.timer);
      this.tick();
    }
  }

  // ---- one job ----

  /** Claims and runs one due job; false when none is due. */
  private async runOne(): Promise<boolean> {
    if (this.kinds.length === 0) return false;
    const claimed: { job?: Job; after?: AfterCommit } = {};
    const started = performance.now();
    try {
      await this.ds.transaction(async (tx) => {
        const rows: JobRow[] = await tx.query(CLAIM_SQL, [this.clock.now(), this.kinds]);
        if (rows.length === 0) return;
        const job = toJob(rows[0]);
        claimed.job = job;
        claimed.after = (await this.handlers[job.kind](job, tx)) ?? undefined;
        const done = affectedRows(
          await tx.query(`UPDATE job SET status = 'DONE', attempts = attempts + 1, finished_at = $2 WHERE id = $1`, [
            job.id,
            this.clock.now(),
          ]),
        );
        if (done !== 1) throw new Error(`job ${job.id} vanished while it ran`);
        await this.enqueueNextOccurrence(tx, job);
      });
    } catch (err) {
      if (!claimed.job) throw err; // the claim itself failed (database unreachable): the caller logs it
      await this.recordFailure(claimed.job, err, Math.round(performance.now() - started));
      return true;
    }
    const job = claimed.job;
    if (!job) return false;
    if (claimed.after) {
      // Committed: the job is DONE. What the handler left to do outside the transaction recovers on
      // its own (leases, follow-up jobs) if it fails, so a failure here is only logged.
      await claimed
        .after()
        .catch((err: unknown) =>
          this.log.error({ jobId: job.id, kind: job.kind, err }, "job's after-commit work failed"),
        );
    }
    this.log.info(
      { jobId: job.id, kind: job.kind, attempt: job.attempts + 1, ms: Math.round(performance.now() - started) },
      "job done",
    );
    return true;
  }

  /**
   * After the failed attempt was rolled back: count it, keep the error and move `run_at` by the
   * back-off, or give up after `maxAttempts`. Guarded by the attempt count it saw, so that it changes
   * nothing if another runner has meanwhile claimed the row and finished it.
   */
  private async recordFailure(job: Job, err: unknown, ms: number): Promise<void> {
    const attempt = job.attempts + 1;
    const final = attempt >= this.maxAttempts;
    const now = this.clock.now();
    const retryAt = final ? job.runAt : new Date(now.getTime() + this.backoffMs(attempt));
    const lastError = errorText(err);
    let recorded: boolean;
    try {
      recorded = await this.ds.transaction(async (tx) => {
        const n = affectedRows(
          await tx.query(
            `UPDATE job SET attempts = $3, last_error = $4, run_at = $5, status = $6, finished_at = $7
             WHERE id = $1 AND status = 'PENDING' AND attempts = $2`,
            [
              job.id,
              job.attempts,
              attempt,
              lastError,
              retryAt,
              final ? JobStatus.FAILED : JobStatus.PENDING,
              final ? now : null,
            ],
          ),
        );
        if (n === 1 && final) await this.enqueueNextOccurrence(tx, job); // a recurring chain outlives one failure
        return n === 1;
      });
    } catch (recordErr) {
      // Nothing was recorded: the job stays PENDING and due, and is tried again.
      this.log.error(
        { jobId: job.id, kind: job.kind, attempt, ms, err, recordErr },
        "job failed and the failure could not be recorded",
      );
      throw recordErr;
    }
    const fields = { jobId: job.id, kind: job.kind, attempt, ms, err };
    if (!recorded) this.log.warn(fields, "job failed; another runner has taken it since");
    else if (final) this.log.error(fields, "job failed for good");
    else this.log.warn({ ...fields, retryAt }, "job failed; will retry");
  }

  // ---- recurring jobs ----

  private async enqueueNextOccurrence(tx: EntityManager, job: Job): Promise<void> {
    const r = this.recurring.get(job.kind);
    if (!r) return;
    // Step from the occurrence this job stood for (not from a retry's moved run_at, nor from now),
    // so that every occurrence runs once even after an outage: missed ones run one after another.
    const scheduled = typeof job.payload.scheduledFor === "string" ? new Date(job.payload.scheduledFor) : job.runAt;
    const stood = Number.isNaN(scheduled.getTime()) ? job.runAt : scheduled;
    // A scan (catchUp "latest") has just covered every occurrence up to now: continue from now.
    const now = this.clock.now();
    const from = r.catchUp === "latest" && now > stood ? now : stood;
    await this.enqueueOccurrence(tx, r, r.next(from));
  }

  private async enqueueOccurrence(tx: EntityManager, r: RecurringJob, runAt: Date): Promise<boolean> {
    const uniqueKey = r.key(runAt);
    const inserted = await enqueueJob(tx, {
      kind: r.kind,
      runAt,
      uniqueKey,
      payload: { scheduledFor: runAt.toISOString() },
    });
    if (inserted) this.log.info({ kind: r.kind, uniqueKey, runAt }, "recurring job scheduled");
    return inserted;
  }
}
