import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * SEAL-3: a seal cannot be transferred to anyone else. The database checks that a seal's subscriber
 * is its contract's subscriber on every insert and update, so no code path can move it.
 * @rule SEAL-3
 */
export class SealGuards1763700000500 implements MigrationInterface {
  name = "SealGuards1763700000500";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION seal_stays_with_subscriber() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM contract c WHERE c.id = NEW.contract_id AND c.subscriber_id = NEW.subscriber_id) THEN
          RAISE EXCEPTION 'a seal belongs to its contract''s subscriber and cannot be transferred (SEAL-3)' USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.subscriber_id <> OLD.subscriber_id THEN
          RAISE EXCEPTION 'a seal cannot be transferred to another subscriber (SEAL-3)' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER seal_subscriber_guard BEFORE INSERT OR UPDATE ON seal FOR EACH ROW EXECUTE FUNCTION seal_stays_with_subscriber();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER seal_subscriber_guard ON seal; DROP FUNCTION seal_stays_with_subscriber();`);
  }
}
