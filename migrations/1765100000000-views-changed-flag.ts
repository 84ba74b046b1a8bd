import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 11, STAT-3: a mutation answers once this replica has heard what it changed (read your writes).
 * It used to send a marker NOTIFY of its own after every commit, and wait to hear it: one more round
 * trip and one more transaction for every mutation, and every listener of every replica woken, even
 * for a submission or a review, which change nothing the public views hold.
 *
 * Now the view triggers say, inside the transaction, that it changed the views: they set the
 * transaction-local setting `akashi.views_changed`. A mutation's transaction ends with a statement
 * that sends the marker only when that setting is on (db/commit-hooks.ts, status/view-changes.ts), so
 * the marker follows the transaction's own notifications, and a transaction that changed no view
 * sends none and waits for nothing.
 *
 * That order holds only if nothing changes a view after the marker: neither a write of the marker's
 * own statement (its triggers fire at the statement's end) nor a deferred trigger at COMMIT (the event
 * feed's writes no view table). Such a change would be heard after the answer, so the marker
 * statement sets `akashi.views_marked`, and a view trigger that sees it refuses the change instead of
 * losing read-your-writes without a sound (db/commit-hooks.ts VIEW_TABLES refuses it earlier still).
 *
 * The function bodies are those of 1764000000100 and 1764000000200, with views_changed() called once
 * a statement changed at least one row (an UPDATE that matched nothing notifies nobody).
 */
/** What each view trigger notifies per changed row (as in 1764000000100). */
const PER_ROW: Record<string, string> = {
  views_notify_certificates: `'c:' || c.id || ':' || c.contract_id || ':' || coalesce(c.issuing_ca_id::text, '-') || ':' || c.serial_hex) FROM changed_rows c`,
  views_notify_revocations: `'c:' || c.id || ':' || c.contract_id || ':' || coalesce(c.issuing_ca_id::text, '-') || ':' || c.serial_hex) FROM changed_rows r JOIN certificate c ON c.id = r.certificate_id`,
  views_notify_contracts: `'k:' || k.id) FROM changed_rows k`,
  views_notify_seals: `'s:' || s.id || ':' || s.contract_id) FROM changed_rows s`,
};

/** A statement trigger of 1764000000100; `flagged` adds the views_changed() call. */
function rowTrigger(name: string, flagged: boolean): string {
  const notify = (rows: string) => `
        IF ${rows} > 500 THEN
          PERFORM pg_notify('akashi_views', '*');
        ELSE
          PERFORM pg_notify('akashi_views', ${PER_ROW[name]};
        END IF;
        RETURN NULL;`;
  return flagged
    ? `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        n int;
      BEGIN
        SELECT count(*) INTO n FROM changed_rows;
        IF n = 0 THEN
          RETURN NULL;
        END IF;
        PERFORM views_changed();${notify("n")}
      END $$;`
    : `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN${notify("(SELECT count(*) FROM changed_rows)")}
      END $$;`;
}

/** The subscriber trigger of 1764000000200; `flagged` adds the views_changed() call. */
function subscriberTrigger(flagged: boolean): string {
  return `CREATE OR REPLACE FUNCTION views_notify_subscribers() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        renamed int;
      BEGIN
        SELECT count(*) INTO renamed
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.name IS DISTINCT FROM o.name OR n.name_en IS DISTINCT FROM o.name_en;
        IF renamed = 0 THEN
          RETURN NULL;
        END IF;${flagged ? "\n        PERFORM views_changed();" : ""}
        IF renamed > 500 THEN
          PERFORM pg_notify('akashi_views', '*');
        ELSE
          PERFORM pg_notify('akashi_views', 'k:' || k.id)
          FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN contract k ON k.subscriber_id = n.id
          WHERE n.name IS DISTINCT FROM o.name OR n.name_en IS DISTINCT FROM o.name_en;
        END IF;
        RETURN NULL;
      END $$;`;
}

export class ViewsChangedFlag1765100000000 implements MigrationInterface {
  name = "ViewsChangedFlag1765100000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION views_changed() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('akashi.views_marked', true) = 'on' THEN
          RAISE EXCEPTION 'the public views changed after this transaction''s read-your-writes marker'
            USING HINT = 'Write certificate, revocation, contract, seal and subscriber rows before the commit-time statement, not in it.';
        END IF;
        PERFORM set_config('akashi.views_changed', 'on', true);
      END $$;`);
    for (const name of Object.keys(PER_ROW)) await q.query(rowTrigger(name, true));
    await q.query(subscriberTrigger(true));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of Object.keys(PER_ROW)) await q.query(rowTrigger(name, false));
    await q.query(subscriberTrigger(false));
    await q.query(`DROP FUNCTION views_changed()`);
  }
}
