import { Client } from "pg";
import { createTestDatabase } from "../support/database";

/**
 * Issue 11, STAT-1 under load: published CRLs are stored with lz4 where the server offers it (migration
 * 1765000000000), which costs the publishing backend about a third of pglz's CPU at the same size, and
 * uncompressed where it does not (1765300000000): pglz cost 3–4 ms a shard CRL. The embedded PostgreSQL
 * is built without lz4; a DATABASE_URL server of PostgreSQL 14 or later built with lz4 (Debian's, CI's
 * second run) has it. Either way the migrations succeed.
 */
jest.setTimeout(120_000);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let c: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  c = new Client({ connectionString: db.ownerUrl });
  await c.connect();
});

afterAll(async () => {
  await c?.end();
  await db?.drop();
});

test("issue 11: a CRL's DER is stored with lz4 when the server offers lz4 (else uncompressed), and read back byte for byte", async () => {
  const [{ offered }] = (
    await c.query<{ offered: boolean }>(
      `SELECT coalesce(bool_or('lz4' = ANY (enumvals)), false) AS offered FROM pg_settings WHERE name = 'default_toast_compression'`,
    )
  ).rows;
  const [{ compression, storage }] = (
    await c.query<{ compression: string; storage: string }>(
      `SELECT attcompression AS compression, attstorage AS storage FROM pg_attribute WHERE attrelid = 'crl'::regclass AND attname = 'der'`,
    )
  ).rows;
  expect(compression).toBe(offered ? "l" : "");
  expect(storage).toBe(offered ? "x" : "e"); // EXTENDED (out of line, compressed) or EXTERNAL (out of line only)
  // A CRL-like body: a repeated entry shape with a varying serial, well past the 2 kB at which PostgreSQL compresses.
  const der = Buffer.concat(
    Array.from({ length: 4000 }, (_, i) =>
      Buffer.from(`301b0210${i.toString(16).padStart(32, "0")}170d3236313230343130323030305a`, "hex"),
    ),
  );
  await c.query("BEGIN");
  try {
    // The row is rolled back and only its storage is looked at: no CA row is needed behind it.
    await c.query(`SET LOCAL session_replication_role = replica`);
    await c.query(
      `INSERT INTO crl (issuing_ca_id, shard, crl_number, this_update, next_update, der)
       VALUES (gen_random_uuid(), NULL, 1, now(), now() + interval '7 days', $1)`,
      [der],
    );
    // Read from the table, not from RETURNING, which sees the value before it is stored.
    const stored = await c.query<{ method: string | null; der: Buffer }>(
      `SELECT pg_column_compression(der) AS method, der FROM crl`,
    );
    expect(stored.rows[0].method).toBe(offered ? "lz4" : null);
    expect(Buffer.compare(stored.rows[0].der, der)).toBe(0);
  } finally {
    await c.query("ROLLBACK");
  }
});
