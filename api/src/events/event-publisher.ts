import { EntityManager } from "typeorm";
import { registerEnumType } from "type-graphql";
import { Clock } from "../domain/clock";
import { BufferedWrite, CommitBuffer } from "../db/commit-hooks";

/**
 * NOT-1: every state change a reseller cares about. The GraphQL enum shows the names; webhooks and
 * the `type` column carry the values (the wire names). Keep in step with the migrations' event-type checks
 * (1763700000600-events.ts, 1764100000000-acme-variant.ts, 1764200000000-catalogue.ts).
 */
export enum EventType {
  APPLICATION_SUBMITTED = "application.submitted",
  DOCUMENTS_REQUESTED = "application.documents_requested",
  APPLICATION_APPROVED = "application.approved",
  APPLICATION_REJECTED = "application.rejected",
  CERTIFICATE_ISSUED = "certificate.issued",
  RENEWAL_DUE = "contract.renewal_due",
  REVOCATION_SCHEDULED = "revocation.scheduled",
  REVOCATION_EXECUTED = "revocation.executed",
  REVOCATION_WITHDRAWN = "revocation.withdrawn",
  CONTRACT_CANCELLED = "contract.cancelled",
  CONTRACT_ENDED = "contract.ended",
  SEAL_CREATED = "seal.created",
  RESELLER_SUSPENDED = "reseller.suspended",
  RESELLER_REINSTATED = "reseller.reinstated",
  API_KEY_EXPIRING = "api_key.expiring",
  MAINTENANCE_ANNOUNCED = "maintenance.announced",
  // The operator's catalogue (VAL-1, CON-5, CON-8): every reseller's feed gets these.
  PRODUCT_CREATED = "product.created",
  PRODUCT_UPDATED = "product.updated",
  PRICE_SCHEDULED = "product.price_scheduled",
  PRODUCT_DISCONTINUED = "product.discontinued",
  TAX_RATE_SCHEDULED = "tax_rate.scheduled",
  // The ledger (RES-6, CON-7) and subscriber changes (CON-6): the reseller concerned.
  PAYMENT_RECORDED = "payment.recorded",
  SUBSCRIBER_CHANGE_REQUESTED = "subscriber.change_requested",
  SUBSCRIBER_CHANGE_DECIDED = "subscriber.change_decided",
  SUBSCRIBER_SUCCEEDED = "subscriber.succeeded",
  USAGE_FQDN_REGISTERED = "acme.usage_fqdn.registered",
  USAGE_FQDN_CONTINUED = "acme.usage_fqdn.continued",
  USAGE_FQDN_ENDED = "acme.usage_fqdn.ended",
  ACME_ACCOUNT_CREATED = "acme.account.created",
}
registerEnumType(EventType, {
  name: "EventType",
  description:
    "What happened. Webhook payloads carry the wire name, e.g. `application.submitted` for APPLICATION_SUBMITTED (see the README).",
});

export const EVENT_TYPES = Object.values(EventType);

/** The job that makes one delivery attempt; its payload names the delivery (the feed trigger enqueues it too). */
export const WEBHOOK_DELIVER_JOB = "webhooks.deliver";

export interface EventInput {
  type: EventType;
  /** The reseller whose feed gets the event; null: every reseller (e.g. MAINTENANCE_ANNOUNCED). */
  resellerId: string | null;
  subjectType: string;
  /** The subject's global ID. */
  subjectId: string;
  data: Record<string, unknown>;
}

/** Job unique key of a delivery's attempt number `seq`: scheduling it twice inserts one job (the feed trigger builds the same key). */
export function deliveryJobKey(deliveryId: string, seq: number | string): string {
  return `webhook:${deliveryId}:${seq}`;
}

/**
 * The outbox (NOT-1): the events of a transaction commit exactly when the change that caused them does,
 * with their webhook deliveries and one delivery job each (whose NOTIFY wakes the workers at commit).
 *
 * Feed positions (`event.id`, bigserial) must become visible in order: were a later id to commit before
 * an earlier one, a reader paging with `after` would step over the earlier one for good. So they are
 * taken under one lock held until the transaction ends, and as late as possible: the events are parked
 * in `event_pending`, and a deferred trigger moves them into `event` inside COMMIT, deliveries and jobs
 * with them (migrations/1764600000000-event-feed-at-commit.ts). The lock covers that and the WAL flush,
 * not a round trip to this process.
 */
export class EventPublisher {
  constructor(private readonly clock: Clock) {}

  /** Records `e` to be written with the transaction: its feed position is taken as it commits. */
  async emit(tx: EntityManager, e: EventInput): Promise<void> {
    if (!EVENT_TYPES.includes(e.type)) throw new TypeError(`unknown event type ${String(e.type)}`);
    // The outbox is written with the change it reports, as its transaction commits: no transaction, no event.
    this.pending.add(tx, { e, occurredAt: this.clock.now() });
  }

  private readonly pending = new CommitBuffer<{ e: EventInput; occurredAt: Date }>(
    "EventPublisher.emit",
    (tx, events) => this.write(tx, events),
  );

  /**
   * All of a transaction's events in one row of arrays (a mass revocation batch writes thousands; one
   * parameter per value would overflow PostgreSQL's 65,535 at ~11,000 events). At COMMIT the database
   * gives them their feed positions and writes their webhook deliveries and delivery jobs.
   */
  private async write(tx: EntityManager, events: { e: EventInput; occurredAt: Date }[]): Promise<BufferedWrite> {
    let everyone: (string | null)[] | null = null;
    const rows: [string | null, string, string, string, Date, string][] = [];
    for (const { e, occurredAt } of events) {
      // An event for everyone gets one copy per reseller, so each reseller's feed has its own; with no
      // reseller the operator's feed still records it.
      let resellers: (string | null)[] = [e.resellerId];
      if (e.resellerId === null) {
        everyone ??= (
          await tx.query<{ id: string }[]>(
            `SELECT id FROM reseller WHERE terminated_at IS NULL ORDER BY created_at, id`,
          )
        ).map((r) => r.id);
        if (everyone && everyone.length > 0) resellers = everyone;
      }
      for (const r of resellers) rows.push([r, e.type, e.subjectType, e.subjectId, occurredAt, JSON.stringify(e.data)]);
    }
    // data goes as text: a jsonb[] literal parses slower.
    return {
      text: `INSERT INTO event_pending (reseller_id, type, subject_type, subject_id, occurred_at, data)
       VALUES ($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[])`,
      values: [0, 1, 2, 3, 4, 5].map((col) => rows.map((r) => r[col])),
    };
  }
}
