import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * APP-4 at scale (issue 11): the duplicate-certificate check inside every approval looks for an unrevoked
 * certificate with the same set of names. Without an index on the names it walks every active contract
 * of the subscriber (1.2 ms with 700; a hosting company holds thousands). Only certificates not yet
 * revoked are indexed: a revocation takes its row out instead of adding an entry. No pending list
 * (fastupdate off): a burst of issuance would otherwise leave every check scanning it. Built
 * CONCURRENTLY, outside a transaction: a plain build would hold off every certificate write of the
 * replicas still running while it reads a large table.
 */
export class CertificateNamesIndex1764600000100 implements MigrationInterface {
  name = "CertificateNamesIndex1764600000100";
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS certificate_unrevoked_names ON certificate USING gin (names) WITH (fastupdate = off) WHERE revoked_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS certificate_unrevoked_names`);
  }
}
