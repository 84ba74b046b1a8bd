import { MigrationInterface, QueryRunner } from "typeorm";
import { receiptNumber } from "../api/src/domain/receipt-number";

/**
 * REV-5: every problem report gets a short receipt number a person can read out on the telephone
 * (api/src/domain/receipt-number.ts), drawn from its own sequence so that no two reports share one.
 * Existing reports get theirs in the order they were received.
 */
export class ProblemReportReceipt1764300000000 implements MigrationInterface {
  name = "ProblemReportReceipt1764300000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SEQUENCE problem_report_receipt_seq;
      ALTER TABLE problem_report ADD COLUMN receipt_number text;
    `);
    const rows = (await q.query(`SELECT id FROM problem_report ORDER BY received_at, id`)) as { id: string }[];
    for (const row of rows) {
      const [{ n }] = (await q.query(`SELECT nextval('problem_report_receipt_seq') AS n`)) as { n: string }[];
      await q.query(`UPDATE problem_report SET receipt_number = $1 WHERE id = $2`, [receiptNumber(BigInt(n)), row.id]);
    }
    await q.query(`
      ALTER TABLE problem_report ALTER COLUMN receipt_number SET NOT NULL;
      ALTER TABLE problem_report ADD CONSTRAINT problem_report_receipt_number_key UNIQUE (receipt_number);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE problem_report DROP COLUMN receipt_number;
      DROP SEQUENCE problem_report_receipt_seq;
    `);
  }
}
