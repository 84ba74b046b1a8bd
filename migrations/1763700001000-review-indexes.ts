import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Indexes for the queries the services run (found in review), and one renewal per contract enforced
 * by the database: a second renewal of the same contract would be a second term and fee (VAL-5, CON-1).
 */
export class ReviewIndexes1763700001000 implements MigrationInterface {
  name = "ReviewIndexes1763700001000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNIQUE INDEX contract_renewed_once ON contract (renewed_from_id) WHERE renewed_from_id IS NOT NULL;
      CREATE INDEX contract_application ON contract (application_id);
      CREATE INDEX contract_status_ends ON contract (status, ends_at);
      CREATE INDEX certificate_application ON certificate (application_id) WHERE application_id IS NOT NULL;
      CREATE INDEX domain_validation_application ON domain_validation (application_id) WHERE application_id IS NOT NULL;
      CREATE INDEX application_document_application ON application_document (application_id);
      CREATE INDEX revocation_certificate ON revocation (certificate_id);
      CREATE INDEX problem_report_client ON problem_report (client_address, received_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX problem_report_client, revocation_certificate, application_document_application, domain_validation_application,
        certificate_application, contract_status_ends, contract_application, contract_renewed_once;
    `);
  }
}
