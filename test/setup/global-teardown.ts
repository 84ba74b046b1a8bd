import fs from "node:fs";
import { Client } from "pg";
import { EmbeddedDatabase } from "../../api/src/db/embedded";

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.AKASHI_TEST_ADMIN_URL;
  const template = process.env.AKASHI_TEST_TEMPLATE;
  if (adminUrl && template) {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    // Test databases left by files that failed before their own clean-up go too.
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
      [`akashi_t${process.pid}_%`, template],
    );
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    await admin.end();
  }
  const state = (globalThis as { __akashiTestDb?: { db: EmbeddedDatabase; dir: string } }).__akashiTestDb;
  if (state) {
    await state.db.stop();
    fs.rmSync(state.dir, { recursive: true, force: true });
  }
}
