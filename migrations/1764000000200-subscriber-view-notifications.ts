import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The seal and the verification page show the subscriber's registered names (the English one when the
 * certificate's O is the registered name, CON-6), so a change of those names must reach every replica's
 * views as well. A subscriber row names no seal; its contracts do (`k:<contract id>`), and the seal facts
 * drop every seal of a contract they hear about. Only a change of a shown name notifies.
 */
export class SubscriberViewNotifications1764000000200 implements MigrationInterface {
  name = "SubscriberViewNotifications1764000000200";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION views_notify_subscribers() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        renamed int;
      BEGIN
        SELECT count(*) INTO renamed
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.name IS DISTINCT FROM o.name OR n.name_en IS DISTINCT FROM o.name_en;
        IF renamed = 0 THEN
          RETURN NULL;
        ELSIF renamed > 500 THEN
          PERFORM pg_notify('akashi_views', '*');
        ELSE
          PERFORM pg_notify('akashi_views', 'k:' || k.id)
          FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN contract k ON k.subscriber_id = n.id
          WHERE n.name IS DISTINCT FROM o.name OR n.name_en IS DISTINCT FROM o.name_en;
        END IF;
        RETURN NULL;
      END $$;

      CREATE TRIGGER subscriber_views_update AFTER UPDATE ON subscriber
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION views_notify_subscribers();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER IF EXISTS subscriber_views_update ON subscriber;
      DROP FUNCTION IF EXISTS views_notify_subscribers();
    `);
  }
}
