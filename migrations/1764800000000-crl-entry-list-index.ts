import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 11: a shard's CRL is read from one index alone, already in the CRL's order. The entries of a
 * mass revocation go into `crl_entry` in batches that cover every shard, so one shard's rows lie a few
 * to a page across the whole table: at 1,000,000 revoked, reading a shard of 62,500 walked nearly every
 * page of the table and then sorted the rows on disk (work_mem), 150 ms a publication on average and
 * half of PostgreSQL's time in a whole-CA revocation. This index holds every column the CRL reads, in
 * the order it lists them (time, then serial), so a publication is an index-only scan of its own shard
 * and no sort. It replaces `crl_entry_scope`, whose (CA, shard) prefix it keeps.
 */
export class CrlEntryListIndex1764800000000 implements MigrationInterface {
  name = "CrlEntryListIndex1764800000000";
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS crl_entry_list ON crl_entry (issuing_ca_id, crl_shard, revoked_at, serial_hex) INCLUDE (revocation_reason, not_after)`,
    );
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS crl_entry_scope`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS crl_entry_scope ON crl_entry (issuing_ca_id, crl_shard, not_after)`);
    await q.query(`DROP INDEX IF EXISTS crl_entry_list`);
  }
}
