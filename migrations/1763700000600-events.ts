import { MigrationInterface, QueryRunner } from "typeorm";

/** Keep in step with `EventType` in api/src/events/event-publisher.ts (the wire names). */
const EVENT_TYPES = [
  "application.submitted",
  "application.documents_requested",
  "application.approved",
  "application.rejected",
  "certificate.issued",
  "contract.renewal_due",
  "revocation.scheduled",
  "revocation.executed",
  "revocation.withdrawn",
  "contract.cancelled",
  "contract.ended",
  "seal.created",
  "reseller.suspended",
  "reseller.reinstated",
  "api_key.expiring",
  "maintenance.announced",
];

/**
 * NOT-1, RES-5: the one outbox. `event` is the change feed (its id is the feed position) and is
 * append-only like the audit log; `webhook_delivery` is the per-endpoint hand-off state.
 */
export class Events1763700000600 implements MigrationInterface {
  name = "Events1763700000600";

  async up(q: QueryRunner): Promise<void> {
    const types = EVENT_TYPES.map((t) => `'${t}'`).join(",");
    await q.query(`
      CREATE TABLE event (
        id bigserial PRIMARY KEY,
        reseller_id uuid REFERENCES reseller(id),
        type text NOT NULL CHECK (type IN (${types})),
        subject_type text NOT NULL CHECK (length(subject_type) BETWEEN 1 AND 100),
        subject_id text NOT NULL CHECK (length(subject_id) BETWEEN 1 AND 300),
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data) = 'object')
      );
      CREATE INDEX event_reseller ON event (reseller_id, id);

      -- The feed is history: a reseller that catches up must read what was sent, never a rewrite.
      CREATE FUNCTION event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'event is append-only: % refused (NOT-1)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER event_no_update BEFORE UPDATE OR DELETE ON event FOR EACH ROW EXECUTE FUNCTION event_refuse_change();
      CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event FOR EACH STATEMENT EXECUTE FUNCTION event_refuse_change();

      CREATE TABLE webhook_endpoint (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
        -- Kept as given: it is needed to sign every delivery. Shown to the reseller once, at creation.
        secret text NOT NULL CHECK (length(secret) >= 32),
        event_types text[] NOT NULL CHECK (cardinality(event_types) >= 1 AND event_types <@ ARRAY[${types}]::text[]),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        disabled_at timestamptz,
        idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 200),
        CHECK (disabled_at IS NULL OR NOT active),
        UNIQUE (reseller_id, idempotency_key)
      );
      CREATE INDEX webhook_endpoint_reseller ON webhook_endpoint (reseller_id, created_at, id);

      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id bigint NOT NULL REFERENCES event(id),
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoint(id),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','IN_FLIGHT','DELIVERED','DEAD')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL,
        -- IN_FLIGHT: a worker holds it until lease_until; after that any worker may take it over.
        lease_until timestamptz,
        lease_token uuid,
        -- Bumped whenever a new attempt is scheduled: names the job that runs it (idempotent enqueue).
        schedule_seq integer NOT NULL DEFAULT 1 CHECK (schedule_seq >= 1),
        last_status_code integer,
        last_error text,
        last_attempt_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL,
        UNIQUE (event_id, endpoint_id),
        CHECK ((status = 'IN_FLIGHT') = (lease_until IS NOT NULL AND lease_token IS NOT NULL)),
        CHECK ((status = 'DELIVERED') = (delivered_at IS NOT NULL))
      );
      CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status IN ('PENDING','IN_FLIGHT');
      CREATE INDEX webhook_delivery_reseller ON webhook_delivery (reseller_id, created_at, id);
      CREATE INDEX webhook_delivery_status ON webhook_delivery (status, created_at, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS webhook_delivery, webhook_endpoint, event;
      DROP FUNCTION IF EXISTS event_refuse_change();
    `);
  }
}
