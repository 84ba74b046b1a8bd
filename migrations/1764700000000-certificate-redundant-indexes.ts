import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 11: a revocation rewrites its certificate's row into every index of the table (revoked_at is in
 * two index predicates, so the update is never HOT); a mass revocation of 10,000 spent most of its
 * database time there. Two of those indexes answer nothing another does not:
 * - certificate_contract (contract_id) is the leading column of certificate_contract_not_after;
 * - certificate_revoked_by_ca (issuing_ca_id, not_after), from before CRLs were sharded, is covered by
 *   certificate_revoked_by_ca_shard (issuing_ca_id, crl_shard, not_after): the CRL query names the
 *   shard, or crl_shard IS NULL for the unsharded list, and that is its only reader.
 * Dropped CONCURRENTLY, outside a transaction, so a deploy does not hold off certificate reads.
 */
export class CertificateRedundantIndexes1764700000000 implements MigrationInterface {
  name = "CertificateRedundantIndexes1764700000000";
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS certificate_contract`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS certificate_revoked_by_ca`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS certificate_contract ON certificate (contract_id)`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS certificate_revoked_by_ca ON certificate (issuing_ca_id, not_after) WHERE revoked_at IS NOT NULL`,
    );
  }
}
