import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 11: a mass revocation runs as several chains of batches side by side, each over its own part
 * of the work (an issuing CA's id range, a list's positions), so that its batches no longer wait one
 * after another on one PostgreSQL backend. A chain's cursor now travels in the payload of its next
 * batch job (written in the batch's transaction, so a rollback leaves it where it was); the row keeps
 * only the counts, and `chains_running`, which the last chain to finish brings to 0.
 *
 * A mass revocation running while this migrates becomes one chain: its pending job gets the cursor
 * the row held.
 */
export class MassRevocationChains1764900000000 implements MigrationInterface {
  name = "MassRevocationChains1764900000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE mass_revocation ADD COLUMN chains_running int NOT NULL DEFAULT 0 CHECK (chains_running >= 0)`,
    );
    await q.query(`UPDATE mass_revocation SET chains_running = 1 WHERE status = 'RUNNING'`);
    await q.query(
      `UPDATE job j SET payload = CASE
         WHEN m.issuing_ca_id IS NOT NULL THEN jsonb_build_object('massRevocationId', m.id::text, 'chain', 0, 'after', m.last_certificate_id::text, 'through', NULL)
         ELSE jsonb_build_object('massRevocationId', m.id::text, 'chain', 0, 'from', m.serials_done, 'end', coalesce(array_length(m.serials, 1), 0))
       END
       FROM mass_revocation m
       WHERE j.kind = 'revocation.mass-batch' AND j.status = 'PENDING' AND j.payload->>'massRevocationId' = m.id::text`,
    );
    await q.query(`ALTER TABLE mass_revocation DROP COLUMN last_certificate_id, DROP COLUMN serials_done`);
  }

  async down(q: QueryRunner): Promise<void> {
    const rows = (await q.query(
      `SELECT count(*)::int AS n FROM mass_revocation WHERE status = 'RUNNING' AND chains_running > 1`,
    )) as Array<{ n: number }>;
    const n = rows[0].n;
    if (n > 0)
      throw new Error(
        `${n} mass revocation(s) run in more than one chain, which the old schema cannot hold: let them finish first`,
      );
    await q.query(
      `ALTER TABLE mass_revocation ADD COLUMN last_certificate_id uuid NULL, ADD COLUMN serials_done int NOT NULL DEFAULT 0`,
    );
    await q.query(
      `UPDATE mass_revocation m SET last_certificate_id = (j.payload->>'after')::uuid, serials_done = coalesce((j.payload->>'from')::int, 0)
       FROM job j
       WHERE j.kind = 'revocation.mass-batch' AND j.status = 'PENDING' AND j.payload->>'massRevocationId' = m.id::text`,
    );
    await q.query(
      `UPDATE job SET payload = jsonb_build_object('massRevocationId', payload->>'massRevocationId')
       WHERE kind = 'revocation.mass-batch' AND status = 'PENDING'`,
    );
    await q.query(`ALTER TABLE mass_revocation DROP COLUMN chains_running`);
  }
}
