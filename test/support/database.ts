import { randomBytes } from "node:crypto";
import { Client } from "pg";

/**
 * A fresh database for one test file, cloned from the migrated template made in global set-up.
 * `url` connects as the service's role (DML only), `ownerUrl` as the owner (DDL, TRUNCATE, triggers).
 */
export async function createTestDatabase(): Promise<{ url: string; ownerUrl: string; drop(): Promise<void> }> {
  const adminUrl = process.env.AKASHI_TEST_ADMIN_URL;
  const template = process.env.AKASHI_TEST_TEMPLATE;
  if (!adminUrl || !template)
    throw new Error("Run the tests with `npm test` (jest's global set-up starts PostgreSQL).");
  const name = `akashi_t${template.split("_").pop()}_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (e) {
      // Two files cloning the template at the same instant: PostgreSQL refuses the second; try again.
      if (attempt < 20 && /being accessed by other users/.test((e as Error).message)) {
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        continue;
      }
      throw e;
    }
  }
  await admin.end();
  const ownerUrl = new URL(adminUrl);
  ownerUrl.pathname = `/${name}`;
  const url = new URL(ownerUrl);
  url.username = encodeURIComponent(process.env.AKASHI_TEST_APP_ROLE ?? "");
  url.password = encodeURIComponent(process.env.AKASHI_TEST_APP_PASSWORD ?? "");
  return {
    url: url.toString(),
    ownerUrl: ownerUrl.toString(),
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
