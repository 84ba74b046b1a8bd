import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Idempotent submission needs to tell a retry (same key, same request) from a reuse of the key for
 * a different request; reissue and DCV need the applicant's choices kept with the application.
 */
export class ApplicationRequestDetails1763700000300 implements MigrationInterface {
  name = "ApplicationRequestDetails1763700000300";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE application
        ADD COLUMN request_hash text,
        ADD COLUMN dcv_method text NOT NULL DEFAULT 'HTTP_FILE' CHECK (dcv_method IN ('HTTP_FILE','DNS_TXT')),
        ADD COLUMN revoke_superseded_immediately boolean NOT NULL DEFAULT false,
        ADD CONSTRAINT application_idempotency_has_hash CHECK (idempotency_key IS NULL OR request_hash IS NOT NULL);
      -- VAL-7: the next certificate of a long term, in the same contract, is an application of its own kind.
      ALTER TABLE application DROP CONSTRAINT application_kind_check;
      ALTER TABLE application ADD CONSTRAINT application_kind_check CHECK (kind IN ('NEW','RENEWAL','REISSUE','REPLACEMENT','IMPORT'));
      ALTER TABLE application DROP CONSTRAINT application_check;
      ALTER TABLE application ADD CONSTRAINT application_contract_by_kind CHECK ((kind IN ('RENEWAL','REISSUE','REPLACEMENT')) = (contract_id IS NOT NULL) OR kind = 'IMPORT');
      CREATE INDEX application_contract ON application (contract_id) WHERE contract_id IS NOT NULL;
      CREATE INDEX certificate_contract_not_after ON certificate (contract_id, not_after DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX certificate_contract_not_after;
      DROP INDEX application_contract;
      ALTER TABLE application DROP CONSTRAINT application_contract_by_kind;
      ALTER TABLE application ADD CONSTRAINT application_check CHECK ((kind IN ('RENEWAL','REISSUE')) = (contract_id IS NOT NULL) OR kind = 'IMPORT');
      ALTER TABLE application DROP CONSTRAINT application_kind_check;
      ALTER TABLE application ADD CONSTRAINT application_kind_check CHECK (kind IN ('NEW','RENEWAL','REISSUE','IMPORT'));
      ALTER TABLE application DROP CONSTRAINT application_idempotency_has_hash,
        DROP COLUMN revoke_superseded_immediately, DROP COLUMN dcv_method, DROP COLUMN request_hash;
    `);
  }
}
