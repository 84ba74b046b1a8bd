import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The fee ledger (CON-7, CON-8, RES-6, REV-6): charges are an append-only ledger — fees already
 * owed are never refunded, so no code path may rewrite or remove a charge; one designation fee per
 * reseller (RES-1); and an index for monthly statements per reseller.
 */
export class Fees1763700000800 implements MigrationInterface {
  name = "Fees1763700000800";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE charge
        ADD CONSTRAINT charge_due_after_charge CHECK (due_at >= charged_at),
        ADD CONSTRAINT charge_period_order CHECK (period_end IS NULL OR period_start IS NULL OR period_end > period_start);

      -- RES-1: the designation fee is owed once per reseller; recording it twice is a no-op.
      CREATE UNIQUE INDEX charge_one_designation ON charge (reseller_id) WHERE kind = 'DESIGNATION';

      -- Monthly statements read one reseller's charges by charge date.
      CREATE INDEX charge_reseller_month ON charge (reseller_id, charged_at, id);
      CREATE INDEX charge_contract ON charge (contract_id) WHERE contract_id IS NOT NULL;

      -- REV-6: no refunds — a charge, once recorded, is neither changed nor removed.
      CREATE FUNCTION charge_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'charge is an append-only ledger: % refused (REV-6)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER charge_no_update BEFORE UPDATE OR DELETE ON charge FOR EACH ROW EXECUTE FUNCTION charge_refuse_change();
      CREATE TRIGGER charge_no_truncate BEFORE TRUNCATE ON charge FOR EACH STATEMENT EXECUTE FUNCTION charge_refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER IF EXISTS charge_no_truncate ON charge;
      DROP TRIGGER IF EXISTS charge_no_update ON charge;
      DROP FUNCTION IF EXISTS charge_refuse_change();
      DROP INDEX IF EXISTS charge_contract;
      DROP INDEX IF EXISTS charge_reseller_month;
      DROP INDEX IF EXISTS charge_one_designation;
      ALTER TABLE charge DROP CONSTRAINT IF EXISTS charge_period_order, DROP CONSTRAINT IF EXISTS charge_due_after_charge;
    `);
  }
}
