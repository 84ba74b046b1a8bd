import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Payments received from resellers against their monthly statements (RES-6, CON-7, CON-9, REV-4).
 * Money received is history: a payment is never changed or removed. Its reference (the bank
 * transfer's or receipt's number) identifies it, so recording it twice records it once.
 */
export class Payments1764200000100 implements MigrationInterface {
  name = "Payments1764200000100";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        statement_month text NOT NULL CHECK (statement_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        amount_yen integer NOT NULL CHECK (amount_yen > 0),
        received_on date NOT NULL,
        method text NOT NULL CHECK (method IN ('BANK_TRANSFER','DIRECT_DEBIT','CREDIT_CARD','CASH','OTHER')),
        reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 200),
        note text CHECK (length(note) <= 2000),
        recorded_at timestamptz NOT NULL,
        recorded_by_key_id uuid REFERENCES api_key(id),
        UNIQUE (reseller_id, reference)
      );
      CREATE INDEX payment_statement ON payment (reseller_id, statement_month, received_on, id);

      CREATE FUNCTION payment_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'payment is a ledger of money received: % refused (CON-9)', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER payment_no_change BEFORE UPDATE OR DELETE ON payment
        FOR EACH ROW EXECUTE FUNCTION payment_refuse_change();
      CREATE TRIGGER payment_no_truncate BEFORE TRUNCATE ON payment
        FOR EACH STATEMENT EXECUTE FUNCTION payment_refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS payment;
      DROP FUNCTION IF EXISTS payment_refuse_change();
    `);
  }
}
