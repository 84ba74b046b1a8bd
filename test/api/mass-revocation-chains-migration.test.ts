import { DataSource } from "typeorm";
import { createDataSource } from "../../api/src/db/data-source";
import { MASS_REVOCATION_JOB } from "../../api/src/revocations/mass-revocation.service";
import { createTestDatabase } from "../support/database";

/**
 * Issue 11: a mass revocation that is running when the chains migration is applied goes on as one chain
 * from where it stood: its pending batch job gets the cursor the row held. Reverting gives it back.
 */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.ownerUrl, { poolSize: 1, forMigrations: true });
  await ds.initialize();
});

afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

const CURSOR = "5a5a5a5a-0000-4000-8000-000000000000";

const CHAINS_MIGRATION = "MassRevocationChains1764900000000";

/** Reverts every migration from the newest down to the chains migration, that one included. */
async function revertThroughChains(): Promise<void> {
  for (;;) {
    const [last] = await ds.query(`SELECT name FROM schema_migration ORDER BY id DESC LIMIT 1`);
    await ds.undoLastMigration({ transaction: "each" });
    if (last.name === CHAINS_MIGRATION) return;
  }
}

test("REV-4, issue 11: a running mass revocation becomes one chain that resumes where it stood, and back", async () => {
  // The schema before chains: the cursor is on the row.
  await revertThroughChains();
  const [{ id: caId }] = await ds.query(
    `INSERT INTO certificate_authority (kind, name, key_algorithm, cert_der, encrypted_key_pem, serial_hex, not_before, not_after)
     VALUES ('ROOT', 'migration test', 'ECDSA_P256', '\\x00', 'none', 'abc123', now(), now() + interval '1 year') RETURNING id`,
  );
  const [{ id: byCa }] = await ds.query(
    `INSERT INTO mass_revocation (issuing_ca_id, reason, status, total, done, last_certificate_id) VALUES ($1, 'keyCompromise', 'RUNNING', 10, 4, $2) RETURNING id`,
    [caId, CURSOR],
  );
  const [{ id: byList }] = await ds.query(
    `INSERT INTO mass_revocation (serials, reason, status, total, done, serials_done) VALUES ('{0a,0b,0c}', 'keyCompromise', 'RUNNING', 3, 2, 2) RETURNING id`,
  );
  const [{ id: finished }] = await ds.query(
    `INSERT INTO mass_revocation (serials, reason, status, total, done, serials_done, completed_at) VALUES ('{0d}', 'keyCompromise', 'COMPLETED', 1, 1, 1, now()) RETURNING id`,
  );
  for (const id of [byCa, byList])
    await ds.query(`INSERT INTO job (kind, unique_key, payload, run_at) VALUES ($1, $2, $3, now())`, [
      MASS_REVOCATION_JOB,
      `mass:${id}:0`,
      JSON.stringify({ massRevocationId: id }),
    ]);

  await ds.runMigrations({ transaction: "each" });
  const payloadOf = async (id: string) =>
    (
      await ds.query(`SELECT payload FROM job WHERE kind = $1 AND payload->>'massRevocationId' = $2`, [
        MASS_REVOCATION_JOB,
        id,
      ])
    )[0].payload;
  expect(await payloadOf(byCa)).toEqual({ massRevocationId: byCa, chain: 0, after: CURSOR, through: null });
  expect(await payloadOf(byList)).toEqual({ massRevocationId: byList, chain: 0, from: 2, end: 3 });
  const running = await ds.query(`SELECT id, chains_running FROM mass_revocation ORDER BY created_at, id`);
  expect(
    Object.fromEntries(running.map((r: { id: string; chains_running: number }) => [r.id, r.chains_running])),
  ).toEqual({
    [byCa]: 1,
    [byList]: 1,
    [finished]: 0,
  });

  await revertThroughChains();
  const [ca] = await ds.query(`SELECT last_certificate_id, serials_done FROM mass_revocation WHERE id = $1`, [byCa]);
  expect(ca).toEqual({ last_certificate_id: CURSOR, serials_done: 0 });
  const [list] = await ds.query(`SELECT serials_done FROM mass_revocation WHERE id = $1`, [byList]);
  expect(list.serials_done).toBe(2);
  expect(await payloadOf(byCa)).toEqual({ massRevocationId: byCa });
  await ds.runMigrations({ transaction: "each" });
});

test("REV-4, issue 11: reverting the chains migration is refused while a mass revocation runs as several chains, and changes nothing", async () => {
  const [{ id }] = await ds.query(
    `INSERT INTO mass_revocation (serials, reason, status, total, done, chains_running) VALUES ('{1a,1b,1c,1d}', 'keyCompromise', 'RUNNING', 4, 0, 2) RETURNING id`,
  );
  const applied = async () =>
    (await ds.query(`SELECT name FROM schema_migration ORDER BY id`)).map((m: { name: string }) => m.name);
  const before = await applied();
  await expect(revertThroughChains()).rejects.toThrow("run in more than one chain");
  expect((await applied()).slice(0, before.indexOf(CHAINS_MIGRATION) + 1)).toEqual(
    before.slice(0, before.indexOf(CHAINS_MIGRATION) + 1),
  );
  const [row] = await ds.query(`SELECT chains_running FROM mass_revocation WHERE id = $1`, [id]);
  expect(row.chains_running).toBe(2);
  await ds.runMigrations({ transaction: "each" });
  expect(await applied()).toEqual(before);
  await ds.query(`DELETE FROM mass_revocation WHERE id = $1`, [id]);
});
