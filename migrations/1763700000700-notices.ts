import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * NOT-1..NOT-5, RES-5: e-mail delivery of notices and announcements.
 * - A notice now records its delivery attempts, so that a refused send is retried with back-off and
 *   never counted as delivered (NOT-2: delivered when sent).
 * - One event may notify several recipients (the managing reseller and the subscriber's NOTICE
 *   contacts, J 4.5): the once-only key now includes the recipient and address. `coalesce` keeps the
 *   key effective when `email_to` is NULL ("the reseller's registered address at send time"), which
 *   is what the renewal-notice sweep (CON-3) relies on to write each notice once.
 * - Announcements link to the notices they caused and, for a change of terms, to the terms version.
 */
export class Notices1763700000700 implements MigrationInterface {
  name = "Notices1763700000700";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notice
        ADD COLUMN attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        ADD COLUMN next_attempt_at timestamptz,
        ADD COLUMN last_error text,
        ADD COLUMN announcement_id uuid REFERENCES announcement(id),
        ADD CONSTRAINT notice_subscriber_email_has_address CHECK (channel <> 'EMAIL' OR recipient = 'RESELLER' OR email_to IS NOT NULL);
      ALTER TABLE notice DROP CONSTRAINT notice_kind_contract_id_due_at_key;
      CREATE UNIQUE INDEX notice_once ON notice (kind, contract_id, due_at, recipient, coalesce(email_to, ''));
      -- What the sender claims: unsent e-mail, due, not waiting for a retry.
      CREATE INDEX notice_unsent ON notice (coalesce(next_attempt_at, due_at, created_at)) WHERE sent_at IS NULL AND channel = 'EMAIL';
      CREATE INDEX notice_reseller ON notice (reseller_id, created_at, id);

      ALTER TABLE announcement
        ADD COLUMN terms_version_id uuid UNIQUE REFERENCES terms_version(id),
        ADD CONSTRAINT announcement_text_length CHECK (length(title) BETWEEN 1 AND 200 AND length(body) BETWEEN 1 AND 10000),
        ADD CONSTRAINT announcement_kind_fields CHECK (
          (kind <> 'TERMS_CHANGE' OR terms_version_id IS NOT NULL)
          AND (kind <> 'MAINTENANCE' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL)) -- NOT-3: the period
          AND (kind <> 'SERVICE_END' OR ends_at IS NOT NULL));
      CREATE INDEX announcement_published ON announcement (published_at, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX announcement_published;
      ALTER TABLE announcement DROP CONSTRAINT announcement_kind_fields, DROP CONSTRAINT announcement_text_length, DROP COLUMN terms_version_id;
      DROP INDEX notice_reseller;
      DROP INDEX notice_unsent;
      DROP INDEX notice_once;
      DELETE FROM notice a USING notice b
        WHERE a.id > b.id AND a.kind = b.kind AND a.contract_id = b.contract_id AND a.due_at = b.due_at;
      ALTER TABLE notice ADD CONSTRAINT notice_kind_contract_id_due_at_key UNIQUE NULLS DISTINCT (kind, contract_id, due_at);
      ALTER TABLE notice DROP CONSTRAINT notice_subscriber_email_has_address,
        DROP COLUMN announcement_id, DROP COLUMN last_error, DROP COLUMN next_attempt_at, DROP COLUMN attempts;
    `);
  }
}
