import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 11: a revocation should rewrite only its certificate's heap page. Before this, `revoked_at` sat
 * in two index predicates (the CRL's revoked-by-shard index and APP-4's unrevoked-names index), so every
 * revocation was a non-HOT update: the new row version went into all ten indexes of a million-row table,
 * and after a checkpoint each touched index page was written whole to the WAL — 190 MB of WAL and 1.2 s
 * of PostgreSQL for 5,000 certificates, most of a mass revocation's time.
 *
 * Now:
 * - STAT-1's CRL lists come from `crl_entry`, one narrow row per revoked issued certificate, kept by
 *   statement triggers on `certificate` in the revoking transaction itself (so a CRL can never miss a
 *   committed revocation, nor list an uncommitted one). It holds only what a CRL entry needs, and no
 *   foreign keys: its rows are copies the trigger takes from certificate rows, so a check per row would
 *   protect nothing. The triggers read the statement's new rows only, which the views trigger captures
 *   already: a first version that also read the old rows, to pick out the changed ones, made PostgreSQL's
 *   share of a 10,000-certificate mass revocation grow from 4.9 to 6.0 s of CPU.
 * - APP-4's names index covers every certificate; the check filters unrevoked rows from the heap.
 * - New certificate pages keep a quarter free (fillfactor 75): a row is about 1.3 KB with its DER, so that
 *   is room for one or two new row versions per page, and a revocation's update is HOT — the page alone
 *   is rewritten. With 15 % free only one revocation in five fit (a mass revocation revokes neighbours);
 *   with a quarter, about half of a mass revocation's and nearly every single revocation's. Pages written
 *   before this keep no room until the table is rewritten (VACUUM FULL, or pg_repack while it runs).
 * - REV-7 in the database: an update that would take a revocation back, or move its time, is refused
 *   (a row trigger whose WHEN clause PostgreSQL checks without calling it for any other update).
 *
 * The index builds and drops are CONCURRENT, outside a transaction; the table, triggers and backfill are
 * one transaction, which holds off certificate writes while it copies the revoked rows.
 */
export class CrlEntries1764700000100 implements MigrationInterface {
  name = "CrlEntries1764700000100";
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.startTransaction();
    try {
      await q.query(`
        CREATE TABLE crl_entry (
          certificate_id uuid PRIMARY KEY,
          issuing_ca_id uuid NOT NULL,
          crl_shard smallint CHECK (crl_shard >= 0),
          serial_hex text NOT NULL,
          revoked_at timestamptz NOT NULL,
          revocation_reason text NOT NULL,
          not_after timestamptz NOT NULL
        );
        CREATE INDEX crl_entry_scope ON crl_entry (issuing_ca_id, crl_shard, not_after);

        CREATE FUNCTION certificate_crl_entries_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO crl_entry (certificate_id, issuing_ca_id, crl_shard, serial_hex, revoked_at, revocation_reason, not_after)
          SELECT n.id, n.issuing_ca_id, n.crl_shard, n.serial_hex, n.revoked_at, n.revocation_reason, n.not_after
          FROM new_rows n WHERE n.issuing_ca_id IS NOT NULL AND n.revoked_at IS NOT NULL
          ON CONFLICT (certificate_id) DO UPDATE SET revocation_reason = EXCLUDED.revocation_reason
            WHERE crl_entry.revocation_reason IS DISTINCT FROM EXCLUDED.revocation_reason;
          RETURN NULL;
        END $$;
        CREATE TRIGGER certificate_crl_entries_insert AFTER INSERT ON certificate
          REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION certificate_crl_entries_write();
        CREATE TRIGGER certificate_crl_entries_update AFTER UPDATE ON certificate
          REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION certificate_crl_entries_write();

        CREATE FUNCTION certificate_revocation_final() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'REV-7: a revocation is final; the revocation time of certificate % cannot change', OLD.id
            USING ERRCODE = 'check_violation';
        END $$;
        CREATE TRIGGER certificate_revocation_final BEFORE UPDATE ON certificate FOR EACH ROW
          WHEN (OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at)
          EXECUTE FUNCTION certificate_revocation_final();

        INSERT INTO crl_entry (certificate_id, issuing_ca_id, crl_shard, serial_hex, revoked_at, revocation_reason, not_after)
        SELECT id, issuing_ca_id, crl_shard, serial_hex, revoked_at, revocation_reason, not_after
        FROM certificate WHERE issuing_ca_id IS NOT NULL AND revoked_at IS NOT NULL;

        ALTER TABLE certificate SET (fillfactor = 75);
      `);
      await q.commitTransaction();
    } catch (e) {
      await q.rollbackTransaction();
      throw e;
    }
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS certificate_names ON certificate USING gin (names) WITH (fastupdate = off)`,
    );
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS certificate_unrevoked_names`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS certificate_revoked_by_ca_shard`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX IF NOT EXISTS certificate_revoked_by_ca_shard ON certificate (issuing_ca_id, crl_shard, not_after) WHERE revoked_at IS NOT NULL;
      CREATE INDEX IF NOT EXISTS certificate_unrevoked_names ON certificate USING gin (names) WITH (fastupdate = off) WHERE revoked_at IS NULL;
      DROP INDEX IF EXISTS certificate_names;
      ALTER TABLE certificate RESET (fillfactor);
      DROP TRIGGER certificate_revocation_final ON certificate;
      DROP FUNCTION certificate_revocation_final();
      DROP TRIGGER certificate_crl_entries_insert ON certificate;
      DROP TRIGGER certificate_crl_entries_update ON certificate;
      DROP FUNCTION certificate_crl_entries_write();
      DROP TABLE crl_entry;
    `);
  }
}
