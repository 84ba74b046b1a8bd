import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * CON-6: changes of a subscriber's registered data wait for the operator's confirmation and are
 * kept as a dated history; successions by merger or split are recorded with their notification
 * date, and the contracts (with their seals) move to the successor.
 */
export class SubscriberChanges1764200000200 implements MigrationInterface {
  name = "SubscriberChanges1764200000200";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE subscriber_change (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscriber_id uuid NOT NULL REFERENCES subscriber(id),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        -- { "<field>": { "from": <old>, "to": <new> } }
        changes jsonb NOT NULL CHECK (jsonb_typeof(changes) = 'object' AND changes <> '{}'::jsonb),
        status text NOT NULL CHECK (status IN ('PENDING','CONFIRMED','REJECTED')),
        requested_at timestamptz NOT NULL,
        requested_by_key_id uuid REFERENCES api_key(id),
        decided_at timestamptz,
        decided_by_key_id uuid REFERENCES api_key(id),
        decision_note text CHECK (length(decision_note) <= 2000),
        CHECK ((status = 'PENDING') = (decided_at IS NULL))
      );
      -- One pending change per subscriber: a second request while one waits is refused (or is the same one).
      CREATE UNIQUE INDEX subscriber_change_one_pending ON subscriber_change (subscriber_id) WHERE status = 'PENDING';
      CREATE INDEX subscriber_change_subscriber ON subscriber_change (subscriber_id, requested_at, id);
      CREATE INDEX subscriber_change_queue ON subscriber_change (requested_at, id) WHERE status = 'PENDING';
      -- REC-2: registered-data history is kept like consents.
      CREATE TRIGGER subscriber_change_retention BEFORE DELETE ON subscriber_change
        FOR EACH ROW EXECUTE FUNCTION retention_refuse_delete();

      CREATE TABLE subscriber_succession (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        predecessor_id uuid NOT NULL REFERENCES subscriber(id),
        successor_id uuid NOT NULL REFERENCES subscriber(id),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        kind text NOT NULL CHECK (kind IN ('MERGER','SPLIT')),
        succeeded_on date NOT NULL,
        notified_on date NOT NULL,
        late boolean NOT NULL,
        contract_ids uuid[] NOT NULL,
        note text CHECK (length(note) <= 2000),
        recorded_at timestamptz NOT NULL,
        recorded_by_key_id uuid REFERENCES api_key(id),
        CHECK (predecessor_id <> successor_id),
        CHECK (notified_on >= succeeded_on),
        -- CON-6: "within 30 days of the succession"; the day of succession is not counted.
        CHECK (late = (notified_on > succeeded_on + 30)),
        UNIQUE (predecessor_id, successor_id, kind, succeeded_on)
      );
      CREATE INDEX subscriber_succession_successor ON subscriber_succession (successor_id);
      CREATE TRIGGER subscriber_succession_retention BEFORE DELETE ON subscriber_succession
        FOR EACH ROW EXECUTE FUNCTION retention_refuse_delete();

      -- SEAL-3 stays: a seal is never transferred. A succession by merger or split is not a transfer but the
      -- same legal position continued, so a seal may follow its contract to the recorded successor.
      CREATE OR REPLACE FUNCTION seal_stays_with_subscriber() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (
          SELECT 1 FROM contract c WHERE c.id = NEW.contract_id AND c.subscriber_id = NEW.subscriber_id
        ) THEN
          RAISE EXCEPTION 'a seal belongs to its contract''s subscriber and cannot be transferred (SEAL-3)'
            USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.subscriber_id <> OLD.subscriber_id AND NOT EXISTS (
          SELECT 1 FROM subscriber_succession s
          WHERE s.predecessor_id = OLD.subscriber_id AND s.successor_id = NEW.subscriber_id
            AND OLD.contract_id = ANY (s.contract_ids)
        ) THEN
          RAISE EXCEPTION 'a seal cannot be transferred to another subscriber (SEAL-3)'
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION seal_stays_with_subscriber() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (
          SELECT 1 FROM contract c WHERE c.id = NEW.contract_id AND c.subscriber_id = NEW.subscriber_id
        ) THEN
          RAISE EXCEPTION 'a seal belongs to its contract''s subscriber and cannot be transferred (SEAL-3)'
            USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.subscriber_id <> OLD.subscriber_id THEN
          RAISE EXCEPTION 'a seal cannot be transferred to another subscriber (SEAL-3)'
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;
      DROP TABLE IF EXISTS subscriber_succession, subscriber_change;
    `);
  }
}
