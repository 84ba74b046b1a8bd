import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 11, STAT-1 under load: where the server cannot compress with lz4 (the embedded server is built
 * without it; 1765000000000 left it on pglz), a published CRL's DER is stored uncompressed. pglz took
 * 3–4 ms of the publishing backend's CPU for each 300 KB shard CRL; with 16 shards republished once per
 * coalescing window during a mass revocation, that was about half of PostgreSQL's CPU beside the status
 * loads of test/bench/crl-scale.ts (0.45 → 0.19–0.25 s over a 5 s load), on the same two cores that
 * answer the requests. The price is space: such a CRL is stored at its full size instead of about half.
 * A server with lz4 keeps compressing (about 1 ms a CRL, at half the size).
 *
 * Only the storage of new values changes (EXTERNAL: out of line, never compressed; no rewrite).
 */
export class CrlDerUncompressedWithoutLz41765300000000 implements MigrationInterface {
  name = "CrlDerUncompressedWithoutLz41765300000000";

  async up(q: QueryRunner): Promise<void> {
    if (!(await columnUsesLz4(q))) await q.query(`ALTER TABLE crl ALTER COLUMN der SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE crl ALTER COLUMN der SET STORAGE EXTENDED`);
  }
}

/** Whether the column compresses with lz4 (1765000000000 set it so where the server offers lz4). */
async function columnUsesLz4(q: QueryRunner): Promise<boolean> {
  // Through to_jsonb, so that a server older than PostgreSQL 14 (no attcompression) reads as "no lz4".
  const rows = (await q.query(
    `SELECT (to_jsonb(a) ->> 'attcompression') = 'l' AS lz4 FROM pg_attribute a WHERE attrelid = 'crl'::regclass AND attname = 'der'`,
  )) as { lz4: boolean | null }[];
  return rows[0]?.lz4 === true;
}
