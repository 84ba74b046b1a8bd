import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 11, STAT-1 under load: a published CRL's DER is stored compressed with lz4 instead of pglz.
 * A shard's CRL (about 300 KB at 110 k revoked) compresses to about half either way, but pglz took
 * about 3–4 ms of the publishing backend's CPU per CRL and lz4 takes about 1 ms, at the same size.
 * Every scope of a CA publishes once per coalescing window during a mass revocation, on the same two
 * cores that answer status requests, so this is CPU taken from them.
 *
 * Only the storage of new values changes (no rewrite; old CRLs stay pglz, and both are read alike).
 * A server built without lz4 (or older than PostgreSQL 14, which has no per-column compression) keeps
 * pglz: the migration checks what the server offers instead of failing.
 */
export class CrlDerLz41765000000000 implements MigrationInterface {
  name = "CrlDerLz41765000000000";

  async up(q: QueryRunner): Promise<void> {
    if (await lz4Available(q)) await q.query(`ALTER TABLE crl ALTER COLUMN der SET COMPRESSION lz4`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (await lz4Available(q)) await q.query(`ALTER TABLE crl ALTER COLUMN der SET COMPRESSION pglz`);
  }
}

async function lz4Available(q: QueryRunner): Promise<boolean> {
  const rows = (await q.query(
    `SELECT coalesce(bool_or('lz4' = ANY (enumvals)), false) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
  )) as { lz4: boolean }[];
  return rows[0]?.lz4 === true;
}
