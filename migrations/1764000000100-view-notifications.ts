import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * STAT-3 (DESIGN "Hot paths and scale"): every replica keeps the public views (certificate status, OCSP
 * answers, seals, the verification page) in memory, and must hear of every change that could alter
 * them. The database tells it, whatever code path wrote the change: statement-level triggers NOTIFY
 * `akashi_views` on commit with
 *   c:<certificate id>:<contract id>:<issuing CA id or ->:<serial>   a certificate (or its revocation) changed
 *   k:<contract id>                                                  a contract changed
 *   s:<seal id>:<contract id>                                        a seal was made or moved
 *   *                                                                 so much changed at once: drop everything
 * A statement touching more than 500 rows (a mass revocation batch) sends `*` instead of a message per row.
 */
export class ViewNotifications1764000000100 implements MigrationInterface {
  name = "ViewNotifications1764000000100";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION views_notify_certificates() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT count(*) FROM changed_rows) > 500 THEN
          PERFORM pg_notify('akashi_views', '*');
        ELSE
          PERFORM pg_notify('akashi_views', 'c:' || c.id || ':' || c.contract_id || ':' || coalesce(c.issuing_ca_id::text, '-') || ':' || c.serial_hex)
          FROM changed_rows c;
        END IF;
        RETURN NULL;
      END $$;

      CREATE FUNCTION views_notify_revocations() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT count(*) FROM changed_rows) > 500 THEN
          PERFORM pg_notify('akashi_views', '*');
        ELSE
          PERFORM pg_notify('akashi_views', 'c:' || c.id || ':' || c.contract_id || ':' || coalesce(c.issuing_ca_id::text, '-') || ':' || c.serial_hex)
          FROM changed_rows r JOIN certificate c ON c.id = r.certificate_id;
        END IF;
        RETURN NULL;
      END $$;

      CREATE FUNCTION views_notify_contracts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT count(*) FROM changed_rows) > 500 THEN
          PERFORM pg_notify('akashi_views', '*');
        ELSE
          PERFORM pg_notify('akashi_views', 'k:' || k.id) FROM changed_rows k;
        END IF;
        RETURN NULL;
      END $$;

      CREATE FUNCTION views_notify_seals() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT count(*) FROM changed_rows) > 500 THEN
          PERFORM pg_notify('akashi_views', '*');
        ELSE
          PERFORM pg_notify('akashi_views', 's:' || s.id || ':' || s.contract_id) FROM changed_rows s;
        END IF;
        RETURN NULL;
      END $$;

      CREATE TRIGGER certificate_views_insert AFTER INSERT ON certificate REFERENCING NEW TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION views_notify_certificates();
      CREATE TRIGGER certificate_views_update AFTER UPDATE ON certificate REFERENCING NEW TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION views_notify_certificates();
      CREATE TRIGGER revocation_views_insert AFTER INSERT ON revocation REFERENCING NEW TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION views_notify_revocations();
      CREATE TRIGGER revocation_views_update AFTER UPDATE ON revocation REFERENCING NEW TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION views_notify_revocations();
      CREATE TRIGGER contract_views_update AFTER UPDATE ON contract REFERENCING NEW TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION views_notify_contracts();
      CREATE TRIGGER seal_views_insert AFTER INSERT ON seal REFERENCING NEW TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION views_notify_seals();
      CREATE TRIGGER seal_views_update AFTER UPDATE ON seal REFERENCING NEW TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION views_notify_seals();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER IF EXISTS seal_views_update ON seal;
      DROP TRIGGER IF EXISTS seal_views_insert ON seal;
      DROP TRIGGER IF EXISTS contract_views_update ON contract;
      DROP TRIGGER IF EXISTS revocation_views_update ON revocation;
      DROP TRIGGER IF EXISTS revocation_views_insert ON revocation;
      DROP TRIGGER IF EXISTS certificate_views_update ON certificate;
      DROP TRIGGER IF EXISTS certificate_views_insert ON certificate;
      DROP FUNCTION IF EXISTS views_notify_seals(), views_notify_contracts(), views_notify_revocations(), views_notify_certificates();
    `);
  }
}
