import path from "node:path";
import { DataSource } from "typeorm";
import { entities } from "./entities";

/**
 * The one way to reach PostgreSQL. The schema comes from migrations/ only; `synchronize` stays off.
 * Migrations are discovered from the compiled or TypeScript files beside this project's root.
 */
export function createDataSource(url: string, options: { poolSize?: number; applicationName?: string } = {}): DataSource {
  const root = path.resolve(__dirname, "../../..");
  const ext = __filename.endsWith(".ts") ? "ts" : "js";
  return new DataSource({
    type: "postgres",
    url,
    entities,
    migrations: [path.join(root, `migrations/*.${ext}`)],
    migrationsTableName: "schema_migration",
    migrationsTransactionMode: "each",
    synchronize: false,
    logging: false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? "akashi",
  });
}
