import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * REV-4 at scale (issue 11): a mass revocation walks its certificates in keyset batches and remembers
 * where it stopped, so that each batch starts at once after the last one instead of walking again past
 * the certificates already revoked.
 *   last_certificate_id  for an issuing CA: the highest certificate id handled so far (ids are walked in order)
 *   serials_done         for a list of serials: how many entries of `serials` have been handled
 * certificate_ca_id is what the CA walk reads: an index range from last_certificate_id on. A list of
 * serials is matched through certificate_serial (serial_hex), which already exists.
 */
export class MassRevocationCursor1764400000000 implements MigrationInterface {
  name = "MassRevocationCursor1764400000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE mass_revocation ADD COLUMN last_certificate_id uuid, ADD COLUMN serials_done integer NOT NULL DEFAULT 0 CHECK (serials_done >= 0);
      CREATE INDEX certificate_ca_id ON certificate (issuing_ca_id, id) WHERE source = 'ISSUED';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX certificate_ca_id;
      ALTER TABLE mass_revocation DROP COLUMN serials_done, DROP COLUMN last_certificate_id;
    `);
  }
}
