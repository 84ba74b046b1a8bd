import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Reseller governance (RES-1, RES-2, RES-8, RES-11, RES-12, REV-9): the dated history of registered
 * data, the separate ACME-variant application, the termination with its handover demand, and the
 * once-per-key marker of API-key expiry notices. The database keeps the rules no code path may skip.
 */
export class Governance1763700000900 implements MigrationInterface {
  name = "Governance1763700000900";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- RES-1: every change of registered data, with its date (changes must be notified).
      CREATE TABLE reseller_registration_change (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        field text NOT NULL CHECK (field IN ('name','representativeName','contactEmail','contactPhone','address')),
        old_value text,
        new_value text,
        changed_at timestamptz NOT NULL,
        actor_key_id uuid REFERENCES api_key(id)
      );
      CREATE INDEX reseller_registration_change_reseller ON reseller_registration_change (reseller_id, changed_at, id);

      -- RES-12: brokering the ACME variant needs the reseller's own application, decided by the operator.
      CREATE TABLE reseller_acme_application (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
        requested_at timestamptz NOT NULL,
        decision text CHECK (decision IN ('APPROVED','REJECTED')),
        decided_at timestamptz,
        CHECK ((decision IS NULL) = (decided_at IS NULL))
      );
      CREATE UNIQUE INDEX reseller_acme_application_open ON reseller_acme_application (reseller_id) WHERE decision IS NULL;
      -- RES-12: the flag cannot be switched on without an approved application.
      CREATE FUNCTION reseller_acme_needs_application() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.acme_enabled AND NOT COALESCE(OLD.acme_enabled, false) AND NOT EXISTS (
          SELECT 1 FROM reseller_acme_application a WHERE a.reseller_id = NEW.id AND a.decision = 'APPROVED'
        ) THEN
          RAISE EXCEPTION 'ACME-variant brokering needs an approved application of the reseller (RES-12)' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER reseller_acme_guard BEFORE INSERT OR UPDATE OF acme_enabled ON reseller FOR EACH ROW EXECUTE FUNCTION reseller_acme_needs_application();

      -- RES-8: a suspension after a cure notice starts no earlier than the notice's deadline.
      CREATE FUNCTION reseller_suspension_after_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.cure_notice_id IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM reseller_cure_notice n WHERE n.id = NEW.cure_notice_id AND n.reseller_id = NEW.reseller_id AND n.deadline <= NEW.starts_at
        ) THEN
          RAISE EXCEPTION 'a suspension starts after the deadline of a cure notice to the same reseller (RES-8)' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER reseller_suspension_guard BEFORE INSERT OR UPDATE ON reseller_suspension FOR EACH ROW EXECUTE FUNCTION reseller_suspension_after_deadline();
      CREATE INDEX reseller_suspension_reseller ON reseller_suspension (reseller_id, starts_at);
      CREATE INDEX reseller_cure_notice_reseller ON reseller_cure_notice (reseller_id, issued_at);

      -- RES-11, J 6.5, REV-9: termination, the handover demand (deadline at least 10 days ahead), the
      -- date of the auto-renew revocations, and where the remaining contracts went.
      CREATE TABLE reseller_termination (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reseller_id uuid NOT NULL UNIQUE REFERENCES reseller(id),
        decided_at timestamptz NOT NULL,
        effective_at timestamptz NOT NULL,
        handover_deadline timestamptz NOT NULL,
        auto_renew_revocation_date timestamptz,
        reason text NOT NULL DEFAULT '',
        taken_over_at timestamptz,
        successor_reseller_id uuid REFERENCES reseller(id),
        CHECK (handover_deadline >= decided_at + interval '10 days'),
        CHECK (effective_at >= decided_at),
        CHECK (auto_renew_revocation_date IS NULL OR auto_renew_revocation_date >= effective_at),
        CHECK (successor_reseller_id IS NULL OR taken_over_at IS NOT NULL),
        CHECK (successor_reseller_id IS DISTINCT FROM reseller_id)
      );

      -- RES-2: an API key's expiry is noticed once.
      CREATE TABLE api_key_expiry_notice (
        api_key_id uuid PRIMARY KEY REFERENCES api_key(id),
        notice_id uuid NOT NULL REFERENCES notice(id),
        noticed_at timestamptz NOT NULL
      );

      -- REC-2: the retention check read OLD.occurred_at for every table, so deleting a consent failed with
      -- "record old has no field occurred_at" even after the 7 years; audit_event's own rule now applies to it alone.
      -- @rule REC-2 (replaces the first definition, in 1763700000000-initial-schema.ts)
      CREATE OR REPLACE FUNCTION retention_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ended timestamptz;
      BEGIN
        IF OLD.reseller_id IS NOT NULL THEN
          SELECT terminated_at INTO ended FROM reseller WHERE id = OLD.reseller_id;
          IF ended IS NULL OR ended > now() - interval '7 years' THEN
            RAISE EXCEPTION '% rows are kept 7 years after the reseller''s contract ends (REC-2)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
          END IF;
        END IF;
        IF TG_TABLE_NAME = 'audit_event' THEN
          IF (to_jsonb(OLD) ->> 'occurred_at')::timestamptz > now() - interval '7 years' THEN
            RAISE EXCEPTION 'audit_event rows are kept 7 years (REC-2)' USING ERRCODE = 'insufficient_privilege';
          END IF;
        END IF;
        RETURN OLD;
      END $$;

      -- REC-2: the registration history of a reseller is kept like its consents.
      CREATE TRIGGER reseller_registration_change_retention BEFORE DELETE ON reseller_registration_change FOR EACH ROW EXECUTE FUNCTION retention_refuse_delete();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS api_key_expiry_notice, reseller_termination, reseller_acme_application, reseller_registration_change;
      DROP TRIGGER IF EXISTS reseller_suspension_guard ON reseller_suspension;
      DROP TRIGGER IF EXISTS reseller_acme_guard ON reseller;
      DROP INDEX IF EXISTS reseller_suspension_reseller, reseller_cure_notice_reseller;
      DROP FUNCTION IF EXISTS reseller_suspension_after_deadline(), reseller_acme_needs_application();
    `);
  }
}
