import "reflect-metadata";
import { ConfigError, loadConfig } from "../config";
import { openDatabase } from "../db/database";

/** `npm run migrate`: applies pending migrations (the same step `npm start` runs) and exits. */
async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase(config, (msg) => process.stdout.write(`${msg}\n`));
  const [{ n }] = await db.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM schema_migration`);
  process.stdout.write(`database is up to date (${n} migrations applied)\n`);
  await db.close();
}

main().catch((e) => {
  process.stderr.write(`akashi migrate: ${e instanceof ConfigError ? e.message : (e as Error).stack}\n`);
  process.exit(1);
});
