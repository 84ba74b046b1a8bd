import path from "node:path";
import { DataSource } from "typeorm";
import { Config } from "../config";
import { createDataSource } from "./data-source";
import { startEmbeddedPostgres } from "./embedded";

export interface Database {
  ds: DataSource;
  /** Whether the embedded PostgreSQL is in use (and was just created empty, for demo data). */
  embedded: boolean;
  close(): Promise<void>;
}

/** `DATABASE_URL` when set; otherwise the embedded PostgreSQL under the data directory. Migrations run here. */
export async function openDatabase(config: Config, log: (msg: string) => void): Promise<Database> {
  const embedded = config.databaseUrl === undefined ? await startEmbeddedPostgres(path.join(config.dataDir), log) : null;
  const ds = createDataSource(config.databaseUrl ?? embedded!.url);
  try {
    await ds.initialize();
    const applied = await ds.runMigrations({ transaction: "each" });
    if (applied.length > 0) log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(", ")}`);
  } catch (e) {
    await ds.destroy().catch(() => {});
    await embedded?.stop();
    throw e;
  }
  return {
    ds,
    embedded: embedded !== null,
    async close() {
      await ds.destroy();
      await embedded?.stop();
    },
  };
}
