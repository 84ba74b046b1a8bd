import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * STAT-1: building a CRL reads the revoked certificates of one CA; this partial index keeps that
 * a small range scan however many certificates the CA has issued.
 */
export class Status1763700000400 implements MigrationInterface {
  name = "Status1763700000400";

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX certificate_revoked_by_ca ON certificate (issuing_ca_id, not_after) WHERE revoked_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX certificate_revoked_by_ca`);
  }
}
