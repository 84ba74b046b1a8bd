import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * RES-5, NOT-1 under load (issue 11): the feed position is taken inside COMMIT, not before it.
 *
 * Feed positions (`event.id`) must become visible in order, so they are taken under one lock held until
 * the transaction ends. Before, the service took that lock in its last statements, so every writer
 * queued behind whichever one was waiting for its process to be scheduled again (20 ms per approval at
 * c = 8). Now a transaction's events are parked, unlocked, in `event_pending` (one row of arrays), and
 * a deferred constraint trigger moves them into `event` at COMMIT: lock, event rows, their webhook
 * deliveries and delivery jobs, all inside the database, so the lock covers that and the WAL flush only.
 *
 * The lock's number is the one the service used before ("akev"). Keep the delivery job's kind and key
 * and the jobs channel in step with api/src/events/event-publisher.ts (WEBHOOK_DELIVER_JOB,
 * deliveryJobKey) and api/src/jobs/job-runner.ts (JOBS_CHANNEL); test/events/event-feed-trigger.test.ts
 * compares them.
 */
export class EventFeedAtCommit1764600000000 implements MigrationInterface {
  name = "EventFeedAtCommit1764600000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- Never holds a row outside a transaction: the trigger deletes what it moved. Unlogged: nothing in it
      -- outlives a crash that the transaction itself would not.
      CREATE UNLOGGED TABLE event_pending (
        id bigserial PRIMARY KEY,
        reseller_id uuid[] NOT NULL,
        type text[] NOT NULL,
        subject_type text[] NOT NULL,
        subject_id text[] NOT NULL,
        occurred_at timestamptz[] NOT NULL,
        data text[] NOT NULL
      );

      CREATE FUNCTION event_pending_flush() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        queued integer;
      BEGIN
        PERFORM pg_advisory_xact_lock(${0x616b_6576});
        WITH ev AS (
          INSERT INTO event (reseller_id, type, subject_type, subject_id, occurred_at, data)
          SELECT e.reseller_id, e.type, e.subject_type, e.subject_id, e.occurred_at, e.data::jsonb
          FROM unnest(NEW.reseller_id, NEW.type, NEW.subject_type, NEW.subject_id, NEW.occurred_at, NEW.data)
            WITH ORDINALITY AS e(reseller_id, type, subject_type, subject_id, occurred_at, data, n)
          ORDER BY e.n
          RETURNING id, reseller_id, type, occurred_at
        ), delivery AS (
          INSERT INTO webhook_delivery (event_id, endpoint_id, reseller_id, next_attempt_at, created_at)
          SELECT ev.id, w.id, w.reseller_id, ev.occurred_at, ev.occurred_at
          FROM ev JOIN webhook_endpoint w ON w.reseller_id = ev.reseller_id AND w.active AND ev.type = ANY (w.event_types)
          ORDER BY ev.id, w.created_at, w.id
          RETURNING id, schedule_seq, next_attempt_at
        ), job_row AS (
          INSERT INTO job (kind, unique_key, payload, run_at)
          SELECT 'webhooks.deliver', 'webhook:' || d.id || ':' || d.schedule_seq, jsonb_build_object('deliveryId', d.id), d.next_attempt_at
          FROM delivery d
          ON CONFLICT (unique_key) DO NOTHING
          RETURNING 1
        )
        SELECT count(*) INTO queued FROM job_row;
        IF queued > 0 THEN
          PERFORM pg_notify('akashi_jobs', 'webhooks.deliver');
        END IF;
        DELETE FROM event_pending WHERE id = NEW.id;
        RETURN NULL;
      END $$;

      CREATE CONSTRAINT TRIGGER event_pending_flush AFTER INSERT ON event_pending
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION event_pending_flush();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS event_pending;
      DROP FUNCTION IF EXISTS event_pending_flush();
    `);
  }
}
