import { randomUUID } from "node:crypto";
import { DataSource, EntityManager } from "typeorm";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { Job } from "../jobs/job.entity";
import { AfterCommit, enqueueJob } from "../jobs/job-runner";
import { JobSet } from "../jobs/job-sets";
import { WEBHOOK_DELIVER_JOB, deliveryJobKey } from "./event-publisher";
import { updatedRows } from "../db/query-results";
import { DeliveryFailure, Resolver, failureCategory, httpFailure, postWebhook, systemResolver } from "./webhook-http";
import { WEBHOOK_HEADERS, signWebhook } from "./webhook-signature";

export interface WebhookDeliveryOptions {
  timeoutMs: number;
  backoffMs: number;
  backoffCapMs: number;
  maxAttempts: number;
  /** Tests and local runs: http and private (loopback) destinations allowed. Otherwise NOT-1's SSRF guard applies at connect time. */
  allowInsecure: boolean;
  /** The host-name resolver the guard checks and connects with; the system's by default (tests inject one). */
  resolve?: Resolver;
}

/** A lease outlasts the request's timeout by this much, so a live worker is never overtaken. */
const LEASE_GRACE_MS = 60_000;

/** Wait before attempt `failed + 1`, after `failed` failed attempts: base, 2×base, 4×base, … capped. */
export function webhookBackoffMs(
  failed: number,
  o: Pick<WebhookDeliveryOptions, "backoffMs" | "backoffCapMs">,
): number {
  return Math.min(o.backoffMs * 2 ** Math.max(0, failed - 1), o.backoffCapMs);
}

/** The JSON body of a delivery (README, "Webhooks"). */
interface WebhookPayload {
  id: string;
  type: string;
  occurredAt: string;
  resellerId: string | null;
  subject: { type: string; id: string };
  data: Record<string, unknown>;
}

interface Claimed {
  id: string;
  attempts: number;
  event_id: string;
  type: string;
  reseller_id: string | null;
  subject_type: string;
  subject_id: string;
  occurred_at: Date;
  data: Record<string, unknown>;
  url: string;
  secret: string;
  active: boolean;
}

/**
 * NOT-1: the delivery worker. One job per scheduled attempt. The hand-off never holds a delivery row
 * locked across the HTTP call:
 *   1. claim: a committed lease (IN_FLIGHT until `lease_until`, with a fresh `lease_token`);
 *   2. POST, signed, with a timeout;
 *   3. record the answer in its own transaction (with the next attempt's job, if any).
 * A worker killed between 1 and 3 leaves a lease that expires; whichever job runs next re-sends. The
 * receiver may then see a delivery twice, but only one it never acknowledged (or whose 2xx never
 * reached us) — the `Akashi-Event-Id` header is there for de-duplication. A recorded 2xx is final:
 * nothing sends a DELIVERED delivery again except an explicit replay.
 * The lease is taken in the job's claiming transaction, together with a follow-up job at the lease's end;
 * the POST and the recording run after that commits (AfterCommit), so no connection is held meanwhile.
 */
export class WebhookDeliverer {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly options: WebhookDeliveryOptions,
  ) {}

  jobs(): JobSet {
    return { handlers: { [WEBHOOK_DELIVER_JOB]: (job, tx) => this.deliverJob(job, tx) }, recurring: [] };
  }

  private async deliverJob(job: Job, tx: EntityManager): Promise<AfterCommit | void> {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a job payload is untyped JSON; anything but a UUID string fails the test below
    const deliveryId = String(job.payload.deliveryId ?? "");
    if (!/^[0-9a-f-]{36}$/.test(deliveryId)) return;
    const claimed = await this.claim(tx, deliveryId);
    if (!claimed) {
      await this.ensureScheduled(tx, deliveryId);
      return;
    }
    // Committed with the claim: if this worker dies before recording the answer, the lease runs out and
    // this job sends again (at least once).
    await enqueueJob(tx, {
      kind: WEBHOOK_DELIVER_JOB,
      runAt: claimed.leaseUntil,
      uniqueKey: deliveryJobKey(deliveryId, `lease:${claimed.token}`),
      payload: { deliveryId },
    });
    return async () => {
      if (!claimed.row.active) {
        await this.record(claimed.row, claimed.token, {
          ok: false,
          statusCode: null,
          error: DeliveryFailure.ENDPOINT_INACTIVE,
          final: true,
        });
        return;
      }
      const outcome = await this.send(claimed.row);
      await this.record(claimed.row, claimed.token, { ...outcome, final: false });
    };
  }

  /** Step 1: lease the delivery if it is due (or its previous worker's lease ran out), in the job's transaction. */
  private async claim(
    tx: EntityManager,
    deliveryId: string,
  ): Promise<{ row: Claimed; token: string; leaseUntil: Date } | null> {
    const now = this.clock.now();
    const token = randomUUID();
    const leaseUntil = new Date(now.getTime() + this.options.timeoutMs + LEASE_GRACE_MS);
    const rows = updatedRows<Claimed>(
      await tx.query(
        `WITH due AS (
           SELECT id FROM webhook_delivery
           WHERE id = $1 AND ((status = 'PENDING' AND next_attempt_at <= $2) OR (status = 'IN_FLIGHT' AND lease_until <= $2))
           FOR UPDATE SKIP LOCKED)
         UPDATE webhook_delivery d SET status = 'IN_FLIGHT', lease_until = $3, lease_token = $4, last_attempt_at = $2
         FROM due, event e, webhook_endpoint w
         WHERE d.id = due.id AND e.id = d.event_id AND w.id = d.endpoint_id
         RETURNING d.id, d.attempts, e.id::text AS event_id, e.type, e.reseller_id, e.subject_type, e.subject_id, e.occurred_at, e.data, w.url, w.secret, w.active`,
        [deliveryId, now, leaseUntil, token],
      ),
    );
    return rows.length === 1 ? { row: rows[0], token, leaseUntil } : null;
  }

  /** Not claimable now: make sure a job will look again when it can be (idempotent by job key). */
  private async ensureScheduled(tx: EntityManager, deliveryId: string): Promise<void> {
    const [d]: {
      status: string;
      schedule_seq: number;
      next_attempt_at: Date;
      lease_until: Date | null;
      lease_token: string | null;
    }[] = await tx.query(
      `SELECT status, schedule_seq, next_attempt_at, lease_until, lease_token FROM webhook_delivery WHERE id = $1`,
      [deliveryId],
    );
    if (d?.status === "PENDING") {
      await enqueueJob(tx, {
        kind: WEBHOOK_DELIVER_JOB,
        runAt: d.next_attempt_at,
        uniqueKey: deliveryJobKey(deliveryId, d.schedule_seq),
        payload: { deliveryId },
      });
    } else if (d?.status === "IN_FLIGHT" && d.lease_until) {
      // Another worker holds it, or held it and died: look again when its lease runs out.
      await enqueueJob(tx, {
        kind: WEBHOOK_DELIVER_JOB,
        runAt: d.lease_until,
        uniqueKey: deliveryJobKey(deliveryId, `lease:${d.lease_token}`),
        payload: { deliveryId },
      });
    }
  }

  /**
   * Step 2: one signed POST. 2xx is an acknowledgement; anything else (redirects too) is a failure,
   * recorded as a coarse category only. Outside `allowInsecure`, a destination that is (or resolves
   * to) a non-public address is refused at connect time (NOT-1, SSRF) and counts as a failed attempt.
   */
  private async send(c: Claimed): Promise<{ ok: boolean; statusCode: number | null; error: string | null }> {
    const payload: WebhookPayload = {
      id: c.event_id,
      type: c.type,
      occurredAt: new Date(c.occurred_at).toISOString(),
      resellerId: c.reseller_id ? toGlobalId("Reseller", c.reseller_id) : null,
      subject: { type: c.subject_type, id: c.subject_id },
      data: c.data ?? {},
    };
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    const headers = {
      "Content-Type": "application/json",
      "User-Agent": "Akashi-Webhooks/1",
      [WEBHOOK_HEADERS.eventId]: c.event_id,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: signWebhook(c.secret, timestamp, body),
    };
    try {
      const status = await postWebhook(c.url, headers, body, {
        timeoutMs: this.options.timeoutMs,
        allowInsecure: this.options.allowInsecure,
        resolve: this.options.resolve ?? systemResolver,
      });
      const ok = status >= 200 && status < 300;
      return { ok, statusCode: status, error: ok ? null : httpFailure(status) };
    } catch (err) {
      return { ok: false, statusCode: null, error: failureCategory(err) };
    }
  }

  /** Step 3: record the answer; a failure schedules the next attempt (with its job) or gives up (DEAD). */
  private async record(
    c: Claimed,
    token: string,
    o: { ok: boolean; statusCode: number | null; error: string | null; final: boolean },
  ): Promise<void> {
    const now = this.clock.now();
    await this.ds.transaction(async (tx) => {
      if (o.ok) {
        // A 2xx is recorded even if our lease ran out meanwhile: the receiver has it, so nobody may send it again.
        await tx.query(
          `UPDATE webhook_delivery SET status = 'DELIVERED', delivered_at = $2, attempts = attempts + 1, last_status_code = $3, last_error = NULL,
             lease_until = NULL, lease_token = NULL
           WHERE id = $1 AND status IN ('IN_FLIGHT', 'PENDING')`,
          [c.id, now, o.statusCode],
        );
        return;
      }
      const failed = c.attempts + 1;
      const dead = o.final || failed >= this.options.maxAttempts;
      const retryAt = new Date(now.getTime() + webhookBackoffMs(failed, this.options));
      // Guarded by the lease token: if another worker took the delivery over, its attempt decides.
      const rows = updatedRows<{ schedule_seq: number }>(
        await tx.query(
          `UPDATE webhook_delivery SET attempts = $3, last_status_code = $4, last_error = $5, lease_until = NULL, lease_token = NULL,
             status = $6, next_attempt_at = CASE WHEN $6 = 'DEAD' THEN next_attempt_at ELSE $7 END, schedule_seq = schedule_seq + 1
           WHERE id = $1 AND status = 'IN_FLIGHT' AND lease_token = $2
           RETURNING schedule_seq`,
          [c.id, token, failed, o.statusCode, o.error, dead ? "DEAD" : "PENDING", retryAt],
        ),
      );
      if (rows.length === 1 && !dead) {
        await enqueueJob(tx, {
          kind: WEBHOOK_DELIVER_JOB,
          runAt: retryAt,
          uniqueKey: deliveryJobKey(c.id, rows[0].schedule_seq),
          payload: { deliveryId: c.id },
        });
      }
    });
  }
}
