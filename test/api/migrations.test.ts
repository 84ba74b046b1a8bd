import { Client } from "pg";
import { createDataSource } from "../../api/src/db/data-source";

test("migrations run on an empty database, and revert cleanly", async () => {
  const adminUrl = process.env.AKASHI_TEST_ADMIN_URL!;
  const name = `akashi_t${process.env.AKASHI_TEST_TEMPLATE!.split("_").pop()}_empty_${Date.now()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const ds = createDataSource(url.toString(), { poolSize: 1, forMigrations: true });
  try {
    await ds.initialize();
    const applied = await ds.runMigrations({ transaction: "each" });
    expect(applied.length).toBeGreaterThanOrEqual(2);
    expect(await ds.showMigrations()).toBe(false);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM product`);
    expect(n).toBeGreaterThanOrEqual(6);
    for (let i = 0; i < applied.length; i++) await ds.undoLastMigration({ transaction: "each" });
    const tables = await ds.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migration'`,
    );
    expect(tables).toEqual([]);
  } finally {
    await ds.destroy();
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
});
