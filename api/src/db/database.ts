import path from "node:path";
import { DataSource } from "typeorm";
import { Config } from "../config";
import { createDataSource } from "./data-source";
import { startEmbeddedPostgres } from "./embedded";
import { excessRights, grantServiceRole, roleOf } from "./roles";

export interface Database {
  ds: DataSource;
  /** The service's own connection string (what HTTP workers connect with). */
  url: string;
  /** Whether the embedded PostgreSQL is in use (and was just created empty, for demo data). */
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * `DATABASE_URL` when set; otherwise the embedded PostgreSQL under the data directory. Migrations run
 * here, as the owning role (DATABASE_OWNER_URL, or the embedded superuser), which then grants the
 * service's role the DML it needs; the service itself connects as that role.
 */
export async function openDatabase(
  config: Config,
  log: (msg: string) => void,
  options: { migrate?: boolean } = {},
): Promise<Database> {
  const embedded =
    config.databaseUrl === undefined ? await startEmbeddedPostgres(path.join(config.dataDir), log) : null;
  const serviceUrl = config.databaseUrl ?? embedded!.url;
  const ownerUrl = config.databaseOwnerUrl ?? embedded?.ownerUrl ?? serviceUrl;
  try {
    // HTTP workers connect to what their primary already migrated.
    if (options.migrate !== false) await migrate(ownerUrl, ownerUrl === serviceUrl ? null : roleOf(serviceUrl), log);
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
  const ds = createDataSource(serviceUrl, { limits: config.db });
  try {
    await ds.initialize();
    const excess = await excessRights(ds);
    if (excess.length > 0) {
      log(
        `warning: the service's database role ${excess.join(", ")}; set DATABASE_OWNER_URL and give DATABASE_URL a role with DML only (README, "Database roles")`,
      );
    }
  } catch (e) {
    await ds.destroy().catch(() => {});
    await embedded?.stop();
    throw e;
  }
  return {
    ds,
    url: serviceUrl,
    embedded: embedded !== null,
    async close() {
      await ds.destroy();
      await embedded?.stop();
    },
  };
}

/** Applies pending migrations as the owner and, when the service has a role of its own, grants it DML. */
export async function migrate(
  ownerUrl: string,
  serviceRole: string | null,
  log: (msg: string) => void = () => {},
): Promise<void> {
  const owner = createDataSource(ownerUrl, { poolSize: 1, forMigrations: true, applicationName: "akashi-migrate" });
  await owner.initialize();
  try {
    const applied = await owner.runMigrations({ transaction: "each" });
    if (applied.length > 0) log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(", ")}`);
    if (serviceRole) await grantServiceRole(owner, serviceRole);
  } finally {
    await owner.destroy();
  }
}
