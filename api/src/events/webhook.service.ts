import { DataSource, EntityManager } from "typeorm";
import { AuditService } from "../audit";
import { canSeeResellerData, requireAuthenticated, requireReseller, isOperator } from "../auth";
import { inTransaction, isUniqueViolation } from "../db/transaction";
import { Clock } from "../domain/clock";
import { badUserInput } from "../errors";
import { toGlobalId } from "../ids";
import { ConnectionShape, PageRequest, checkPageSize } from "../paging";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { EVENT_TYPES, EventType, WEBHOOK_DELIVER_JOB, deliveryJobKey } from "./event-publisher";
import { enqueueJob } from "../jobs/job-runner";
import { checkWebhookUrl } from "./webhook-url";
import { newWebhookSecret } from "./webhook-signature";
import { updatedRows } from "../db/query-results";
import { Event, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from "./webhook.types";

interface EndpointRow {
  id: string;
  reseller_id: string;
  url: string;
  secret: string;
  event_types: string[];
  active: boolean;
  created_at: Date;
  updated_at: Date;
  disabled_at: Date | null;
  idempotency_key: string | null;
}
interface DeliveryRow {
  id: string;
  event_id: string;
  endpoint_id: string;
  reseller_id: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
}
interface EventRow {
  id: string;
  reseller_id: string | null;
  type: string;
  subject_type: string;
  subject_id: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

const ENDPOINT_COLUMNS = `id, reseller_id, url, secret, event_types, active, created_at, updated_at, disabled_at, idempotency_key`;
const DELIVERY_COLUMNS = `id, event_id::text AS event_id, endpoint_id, reseller_id, status, attempts, next_attempt_at, last_status_code, last_error, last_attempt_at, delivered_at, created_at`;
const EVENT_COLUMNS = `id::text AS id, reseller_id, type, subject_type, subject_id, occurred_at, data`;

function toEndpoint(r: EndpointRow): WebhookEndpoint {
  return Object.assign(new WebhookEndpoint(), {
    id: r.id,
    resellerId: r.reseller_id,
    url: r.url,
    eventTypes: r.event_types as EventType[],
    active: r.active,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    disabledAt: r.disabled_at,
  });
}

function toDelivery(r: DeliveryRow): WebhookDelivery {
  return Object.assign(new WebhookDelivery(), {
    id: r.id,
    eventId: r.event_id,
    endpointId: r.endpoint_id,
    resellerId: r.reseller_id,
    status: r.status as WebhookDeliveryStatus,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    lastAttemptAt: r.last_attempt_at,
    deliveredAt: r.delivered_at,
    createdAt: r.created_at,
  });
}

function toEvent(r: EventRow): Event {
  return Object.assign(new Event(), {
    id: r.id,
    type: r.type as EventType,
    occurredAt: r.occurred_at,
    resellerId: r.reseller_id ? toGlobalId("Reseller", r.reseller_id) : null,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    data: r.data ?? {},
  });
}

/** Endpoint snapshot for the audit log: never the secret. */
function auditView(e: WebhookEndpoint): Record<string, unknown> {
  return {
    id: e.id,
    url: e.url,
    eventTypes: e.eventTypes,
    active: e.active,
    disabledAt: e.disabledAt?.toISOString() ?? null,
  };
}

// Not relay.ts's paginate(): it needs TypeORM entity metadata and these tables are read with raw SQL
// (no entities). Same cursor format as relay.ts, so clients see one kind of cursor.
const encodeCursor = (id: string) => Buffer.from(`c:${id}`, "utf8").toString("base64url");
function decodeCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  if (!/^c:[0-9a-f-]{36}$/.test(text)) throw badUserInput("`after` is not a cursor from this list.");
  return text.slice(2);
}

function page<T>(rows: T[], first: number, cursor: (r: T) => string): ConnectionShape<T> {
  const edges = rows.slice(0, first).map((node) => ({ node, cursor: cursor(node) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

function checkEventTypes(types: EventType[], field: string): EventType[] {
  const unique = [...new Set(types)];
  if (unique.length === 0)
    throw refusal(
      RefusalCode.INVALID_INPUT,
      "Choose at least one event type.",
      field,
      "イベントの種類を 1 つ以上選んでください。",
    );
  if (unique.some((t) => !EVENT_TYPES.includes(t)))
    throw refusal(RefusalCode.INVALID_INPUT, "Unknown event type.", field);
  return unique;
}

/** At most this many active endpoints per reseller: each event fans out to all of them. */
export const MAX_ENDPOINTS_PER_RESELLER = 20;

/** Serialises "count the active endpoints, then add one" per reseller (with the reseller id's hash as second key). */
const ENDPOINT_CAP_LOCK = 0x616b_7768; // "akwh"

/**
 * NOT-1, RES-5: a reseller's webhook endpoints, their deliveries (the operator's dead-letter view) and
 * the change feed. RES-3: a reseller reaches only its own endpoints, deliveries and events.
 */
export class WebhookService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly allowInsecure: boolean,
  ) {}

  async createEndpoint(
    scope: RequestScope,
    input: { url: string; eventTypes: EventType[]; idempotencyKey?: string | null },
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const resellerId = requireReseller(scope.caller);
    const url = checkWebhookUrl(input.url, this.allowInsecure);
    const eventTypes = checkEventTypes(input.eventTypes, "input.eventTypes");
    const key = input.idempotencyKey ?? null;
    if (key !== null && (key.length === 0 || key.length > 200))
      throw refusal(RefusalCode.INVALID_INPUT, "idempotencyKey must be 1-200 characters.", "input.idempotencyKey");
    const replay = async (tx: EntityManager) => {
      const [row]: EndpointRow[] =
        key === null
          ? []
          : await tx.query(
              `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE reseller_id = $1 AND idempotency_key = $2`,
              [resellerId, key],
            );
      if (!row) return null;
      if (row.url !== url || [...row.event_types].sort().join() !== [...eventTypes].sort().join()) {
        throw refusal(
          RefusalCode.IDEMPOTENCY_KEY_REUSED,
          "This idempotency key was used for a different request.",
          "input.idempotencyKey",
        );
      }
      return { endpoint: toEndpoint(row), secret: row.secret };
    };
    try {
      return await inTransaction(this.ds, async (tx) => {
        const earlier = await replay(tx);
        if (earlier) return earlier;
        await this.checkEndpointCap(tx, resellerId, "input.url");
        const now = this.clock.now();
        const secret = newWebhookSecret();
        const [row]: EndpointRow[] = await tx.query(
          `INSERT INTO webhook_endpoint (reseller_id, url, secret, event_types, created_at, updated_at, idempotency_key)
           VALUES ($1, $2, $3, $4::text[], $5, $5, $6) RETURNING ${ENDPOINT_COLUMNS}`,
          [resellerId, url, secret, eventTypes, now, key],
        );
        const endpoint = toEndpoint(row);
        await this.audit.record(tx, scope, {
          action: "webhookEndpoint.create",
          entityType: "WebhookEndpoint",
          entityId: endpoint.nodeId,
          resellerId,
          after: auditView(endpoint),
        });
        return { endpoint, secret };
      });
    } catch (e) {
      // Two requests with one key at once: the loser returns the winner's endpoint.
      if (key !== null && isUniqueViolation(e)) {
        const earlier = await this.ds.transaction((tx) => replay(tx));
        if (earlier) return earlier;
      }
      throw e;
    }
  }

  async updateEndpoint(
    scope: RequestScope,
    id: string | null,
    input: { url?: string | null; eventTypes?: EventType[] | null; active?: boolean | null },
  ): Promise<WebhookEndpoint> {
    const url = input.url == null ? null : checkWebhookUrl(input.url, this.allowInsecure);
    const eventTypes = input.eventTypes == null ? null : checkEventTypes(input.eventTypes, "input.eventTypes");
    return this.changeEndpoint(scope, id, "webhookEndpoint.update", async (tx, before, now) => {
      if (before.disabledAt)
        throw refusal(
          RefusalCode.CONFLICT,
          "The endpoint was deleted.",
          "input.webhookEndpointId",
          "この Webhook エンドポイントは削除済みです。",
        );
      const same =
        (url === null || url === before.url) &&
        (eventTypes === null || sameSet(eventTypes, before.eventTypes)) &&
        (input.active == null || input.active === before.active);
      if (same) return null;
      // Resuming a paused endpoint adds an active one, exactly as creating one does.
      if (input.active === true && !before.active) await this.checkEndpointCap(tx, before.resellerId, "input.active");
      const [row]: EndpointRow[] = updatedRows(
        await tx.query(
          `UPDATE webhook_endpoint SET url = COALESCE($2, url), event_types = COALESCE($3::text[], event_types), active = COALESCE($4, active), updated_at = $5
         WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
          [before.id, url, eventTypes, input.active ?? null, now],
        ),
      );
      return row;
    });
  }

  /** Soft delete: the row and its deliveries stay for the record; no new deliveries, pending ones die. */
  async deleteEndpoint(scope: RequestScope, id: string | null): Promise<WebhookEndpoint> {
    return this.changeEndpoint(scope, id, "webhookEndpoint.delete", async (tx, before, now) => {
      if (before.disabledAt) return null;
      const [row]: EndpointRow[] = updatedRows(
        await tx.query(
          `UPDATE webhook_endpoint SET active = false, disabled_at = COALESCE(disabled_at, $2), updated_at = $2 WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
          [before.id, now],
        ),
      );
      return row;
    });
  }

  /**
   * NOT-1: at most MAX_ENDPOINTS_PER_RESELLER active endpoints. Under a per-reseller lock held to
   * commit, so two concurrent creations or resumptions cannot both see 19 and make 21.
   */
  private async checkEndpointCap(tx: EntityManager, resellerId: string, field: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [ENDPOINT_CAP_LOCK, resellerId]);
    const [{ n }]: { n: number }[] = await tx.query(
      `SELECT count(*)::int AS n FROM webhook_endpoint WHERE reseller_id = $1 AND active`,
      [resellerId],
    );
    if (n >= MAX_ENDPOINTS_PER_RESELLER) {
      throw refusal(
        RefusalCode.CONFLICT,
        `At most ${MAX_ENDPOINTS_PER_RESELLER} active webhook endpoints per reseller.`,
        field,
        `有効な Webhook エンドポイントは販売店ごとに ${MAX_ENDPOINTS_PER_RESELLER} 件までです。`,
      );
    }
  }

  private async changeEndpoint(
    scope: RequestScope,
    id: string | null,
    action: string,
    /** Returns the changed row, or null when the call would change nothing (then nothing is recorded). */
    change: (tx: EntityManager, before: WebhookEndpoint, now: Date) => Promise<EndpointRow | null>,
  ): Promise<WebhookEndpoint> {
    requireAuthenticated(scope.caller);
    const changed = await inTransaction(this.ds, async (tx) => {
      const [row]: EndpointRow[] = id
        ? await tx.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE id = $1 FOR UPDATE`, [id])
        : [];
      if (!row || !canSeeResellerData(scope.caller, row.reseller_id))
        throw refusal(RefusalCode.NOT_FOUND, "No such webhook endpoint.", "input.webhookEndpointId");
      const before = toEndpoint(row);
      const changedRow = await change(tx, before, this.clock.now());
      if (changedRow === null) return before;
      const after = toEndpoint(changedRow);
      await this.audit.record(tx, scope, {
        action,
        entityType: "WebhookEndpoint",
        entityId: after.nodeId,
        resellerId: row.reseller_id,
        before: auditView(before),
        after: auditView(after),
      });
      return after;
    });
    // Later reads in this request (the payload, further mutations) must see the change.
    scope.loaders.clearAll();
    return changed;
  }

  async endpoints(scope: RequestScope, args: PageRequest): Promise<ConnectionShape<WebhookEndpoint>> {
    requireAuthenticated(scope.caller);
    const first = checkPageSize(args.first);
    const params: unknown[] = [first + 1];
    const where: string[] = [];
    if (!isOperator(scope.caller)) where.push(`reseller_id = $${params.push(requireReseller(scope.caller))}`);
    if (args.after)
      where.push(
        `(created_at, id) > (SELECT created_at, id FROM webhook_endpoint WHERE id = $${params.push(decodeCursor(args.after))})`,
      );
    const rows: EndpointRow[] = await this.ds.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at, id LIMIT $1`,
      params,
    );
    return page(rows.map(toEndpoint), first, (e) => encodeCursor(e.id));
  }

  async endpoint(scope: RequestScope, id: string): Promise<WebhookEndpoint | null> {
    const [row]: EndpointRow[] = await this.ds.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE id = $1`, [
      id,
    ]);
    return row && canSeeResellerData(scope.caller, row.reseller_id) ? toEndpoint(row) : null;
  }

  /** Deliveries, newest first; the operator sees every reseller's (with status DEAD: the dead letters). */
  async deliveries(
    scope: RequestScope,
    args: PageRequest,
    status: WebhookDeliveryStatus | null,
  ): Promise<ConnectionShape<WebhookDelivery>> {
    requireAuthenticated(scope.caller);
    const first = checkPageSize(args.first);
    const params: unknown[] = [first + 1];
    const where: string[] = [];
    if (!isOperator(scope.caller)) where.push(`reseller_id = $${params.push(requireReseller(scope.caller))}`);
    if (status) where.push(`status = $${params.push(status)}`);
    if (args.after)
      where.push(
        `(created_at, id) < (SELECT created_at, id FROM webhook_delivery WHERE id = $${params.push(decodeCursor(args.after))})`,
      );
    const rows: DeliveryRow[] = await this.ds.query(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC LIMIT $1`,
      params,
    );
    return page(rows.map(toDelivery), first, (d) => encodeCursor(d.id));
  }

  async delivery(scope: RequestScope, id: string): Promise<WebhookDelivery | null> {
    const [row]: DeliveryRow[] = await this.ds.query(`SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery WHERE id = $1`, [
      id,
    ]);
    return row && canSeeResellerData(scope.caller, row.reseller_id) ? toDelivery(row) : null;
  }

  /** Sends a delivery again from a fresh attempt count: a dead letter after the receiver was fixed, or a lost one. */
  async replay(scope: RequestScope, id: string | null): Promise<WebhookDelivery> {
    requireAuthenticated(scope.caller);
    return inTransaction(this.ds, async (tx) => {
      const [row]: (DeliveryRow & {
        reseller_id: string;
        status: WebhookDeliveryStatus;
        attempts: number;
        active: boolean;
      })[] = id
        ? await tx.query(
            `SELECT ${DELIVERY_COLUMNS.split(", ")
              .map((c) => `d.${c.trim()}`)
              .join(
                ", ",
              )}, d.reseller_id, w.active FROM webhook_delivery d JOIN webhook_endpoint w ON w.id = d.endpoint_id WHERE d.id = $1 FOR UPDATE OF d`,
            [id],
          )
        : [];
      if (!row || !canSeeResellerData(scope.caller, row.reseller_id))
        throw refusal(RefusalCode.NOT_FOUND, "No such webhook delivery.", "input.deliveryId");
      // Already waiting for its first attempt (a replay a moment ago): replaying again changes nothing.
      if (row.status === WebhookDeliveryStatus.PENDING && row.attempts === 0) return toDelivery(row);
      if (row.status === WebhookDeliveryStatus.IN_FLIGHT)
        throw refusal(
          RefusalCode.CONFLICT,
          "The delivery is being sent right now.",
          "input.deliveryId",
          "この配信は現在送信中です。",
        );
      if (!row.active)
        throw refusal(
          RefusalCode.CONFLICT,
          "The endpoint is deleted or paused.",
          "input.deliveryId",
          "Webhook エンドポイントが削除または停止されています。",
        );
      const now = this.clock.now();
      const [updated]: (DeliveryRow & { schedule_seq: number })[] = updatedRows(
        await tx.query(
          `UPDATE webhook_delivery SET status = 'PENDING', attempts = 0, next_attempt_at = $2, delivered_at = NULL, schedule_seq = schedule_seq + 1
         WHERE id = $1 RETURNING ${DELIVERY_COLUMNS}, schedule_seq`,
          [row.id, now],
        ),
      );
      await enqueueJob(tx, {
        kind: WEBHOOK_DELIVER_JOB,
        runAt: now,
        uniqueKey: deliveryJobKey(row.id, updated.schedule_seq),
        payload: { deliveryId: row.id },
      });
      const delivery = toDelivery(updated);
      await this.audit.record(tx, scope, {
        action: "webhookDelivery.replay",
        entityType: "WebhookDelivery",
        entityId: delivery.nodeId,
        resellerId: row.reseller_id,
        before: { status: row.status, attempts: row.attempts },
        after: { status: delivery.status, attempts: 0 },
      });
      return delivery;
    });
  }

  /**
   * RES-5: the change feed, oldest first, after a feed position. Gap-free because positions are taken
   * inside COMMIT under one lock (event-publisher.ts): no event can appear later below a position already served.
   */
  async events(scope: RequestScope, args: { first: number; after?: string | null }): Promise<ConnectionShape<Event>> {
    requireAuthenticated(scope.caller);
    const first = checkPageSize(args.first);
    if (args.after != null && !/^\d{1,18}$/.test(args.after))
      throw badUserInput("`after` is an event position (an event's `id` or a page's `endCursor`).");
    const params: unknown[] = [first + 1, args.after ?? "0"];
    const mine = isOperator(scope.caller) ? "" : `AND reseller_id = $${params.push(requireReseller(scope.caller))}`;
    // `event.id`, not `id`: the output column is the text form, which would sort "10" before "9".
    const rows: EventRow[] = await this.ds.query(
      `SELECT ${EVENT_COLUMNS} FROM event WHERE id > $2::bigint ${mine} ORDER BY event.id LIMIT $1`,
      params,
    );
    return page(rows.map(toEvent), first, (e) => e.id);
  }

  /** The event a delivery carries (the caller may already see the delivery); batched per request. */
  async eventOf(scope: RequestScope, delivery: WebhookDelivery): Promise<Event> {
    const row = await this.byId<EventRow>(
      scope,
      "webhook-event",
      `SELECT ${EVENT_COLUMNS} FROM event WHERE id = ANY($1::bigint[])`,
    ).load(delivery.eventId);
    return toEvent(row!);
  }

  async endpointOf(scope: RequestScope, delivery: WebhookDelivery): Promise<WebhookEndpoint> {
    const row = await this.byId<EndpointRow>(
      scope,
      "webhook-endpoint",
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE id = ANY($1::uuid[])`,
    ).load(delivery.endpointId);
    return toEndpoint(row!);
  }

  /** One query per kind for a whole page of deliveries (these tables are read with SQL, not entities). */
  private byId<R extends { id: string }>(scope: RequestScope, name: string, sql: string) {
    return scope.loaders.batch<R | null>(name, async (ids) => {
      const rows: R[] = await this.ds.query(sql, [[...ids]]);
      const found = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => found.get(id) ?? null);
    });
  }
}

function sameSet<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
