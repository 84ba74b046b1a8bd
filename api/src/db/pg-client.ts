import { Client, ClientConfig } from "pg";
import { DataSource } from "typeorm";
import { PostgresConnectionCredentialsOptions } from "typeorm/driver/postgres/PostgresConnectionCredentialsOptions";

/**
 * A dedicated connection outside the pool, to the same server as `ds` (LISTEN connections, the health
 * probe): the pool's connections are for requests and jobs, and a listener must not take one for ever.
 */
export function dedicatedClient(ds: DataSource, purpose: string, extra: Partial<ClientConfig> = {}): Client {
  const o = ds.options as PostgresConnectionCredentialsOptions & { applicationName?: string };
  return new Client({
    connectionString: o.url,
    host: o.host,
    port: o.port,
    user: o.username,
    password: o.password,
    database: o.database,
    ssl: o.ssl as ClientConfig["ssl"], // the same object TypeORM hands to pg
    application_name: `${o.applicationName ?? "akashi"}-${purpose}`,
    keepAlive: true,
    ...extra,
  });
}
