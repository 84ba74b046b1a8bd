import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * REC-2, RES-4: consents and the reseller's registration history are records, not state. Besides the
 * 7-year DELETE rule already in place, nobody may rewrite them (UPDATE) or empty them (TRUNCATE). The
 * service's role cannot disable these triggers: it does not own the tables (db/roles.ts).
 * @rule RES-4 — the 7-year DELETE rule is the REC-2 trigger function
 */
export class RetentionGuards1764000000000 implements MigrationInterface {
  name = "RetentionGuards1764000000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION record_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is a retained record: % refused (REC-2, RES-4)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER consent_no_update BEFORE UPDATE ON consent FOR EACH ROW EXECUTE FUNCTION record_refuse_rewrite();
      CREATE TRIGGER reseller_registration_change_no_update BEFORE UPDATE ON reseller_registration_change FOR EACH ROW EXECUTE FUNCTION record_refuse_rewrite();
      CREATE TRIGGER reseller_registration_change_no_truncate BEFORE TRUNCATE ON reseller_registration_change FOR EACH STATEMENT EXECUTE FUNCTION record_refuse_rewrite();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER IF EXISTS reseller_registration_change_no_truncate ON reseller_registration_change;
      DROP TRIGGER IF EXISTS reseller_registration_change_no_update ON reseller_registration_change;
      DROP TRIGGER IF EXISTS consent_no_update ON consent;
      DROP FUNCTION IF EXISTS record_refuse_rewrite();
    `);
  }
}
