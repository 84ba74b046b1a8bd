import path from "node:path";
import { DataSource } from "typeorm";
import { installCommitHooks } from "./commit-hooks";
import { guardDataSource } from "./connection-guard";
import { entities } from "./entities";

/**
 * Every wait on the database is bounded (DESIGN "Hot paths and scale"): a request that cannot get a
 * connection, or whose statement or lock wait runs too long, fails with a clear 503 instead of hanging.
 * The defaults leave a busy reseller integration plenty of room: an approval takes tens of milliseconds.
 */
export interface DbLimits {
  poolSize: number;
  /** Longest wait for a pooled connection (pg-pool connectionTimeoutMillis, and our per-request gate). */
  acquireTimeoutMs: number;
  /** PostgreSQL statement_timeout for every statement of the service. */
  statementTimeoutMs: number;
  /** PostgreSQL lock_timeout: the longest wait for a row, table or advisory lock. */
  lockTimeoutMs: number;
  /** PostgreSQL idle_in_transaction_session_timeout: a transaction left open is ended by the server. */
  idleInTransactionTimeoutMs: number;
}

export const DEFAULT_DB_LIMITS: DbLimits = {
  poolSize: 10,
  acquireTimeoutMs: 5_000,
  statementTimeoutMs: 15_000,
  lockTimeoutMs: 5_000,
  idleInTransactionTimeoutMs: 15_000,
};

/**
 * A stalled server cannot enforce statement_timeout, so the client gives up this much later by itself
 * (pg's query_timeout) and drops the connection.
 */
const CLIENT_TIMEOUT_MARGIN_MS = 3_000;

export interface DataSourceOptions {
  poolSize?: number;
  applicationName?: string;
  limits?: Partial<DbLimits>;
  /**
   * For running migrations as the owning role: no statement timeout (a migration may rewrite a big
   * table) and no connection guard.
   */
  forMigrations?: boolean;
}

/**
 * The one way to reach PostgreSQL. The schema comes from migrations/ only; `synchronize` stays off.
 * Migrations are discovered from the compiled or TypeScript files beside this project's root.
 */
export function createDataSource(url: string, options: DataSourceOptions = {}): DataSource {
  const root = path.resolve(__dirname, "../../..");
  const ext = __filename.endsWith(".ts") ? "ts" : "js";
  const limits = {
    ...DEFAULT_DB_LIMITS,
    ...options.limits,
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
  };
  const timeouts = options.forMigrations
    ? { lock_timeout: limits.lockTimeoutMs }
    : {
        statement_timeout: limits.statementTimeoutMs,
        lock_timeout: limits.lockTimeoutMs,
        idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
        query_timeout: limits.statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
      };
  const ds = new DataSource({
    type: "postgres",
    url,
    entities,
    migrations: [path.join(root, `migrations/*.${ext}`)],
    migrationsTableName: "schema_migration",
    migrationsTransactionMode: "each",
    synchronize: false,
    // Extensions are the migrations' business (and need rights the service's role does not have).
    installExtensions: false,
    logging: false,
    poolSize: limits.poolSize,
    applicationName: options.applicationName ?? "akashi",
    extra: { connectionTimeoutMillis: limits.acquireTimeoutMs, keepAlive: true, ...timeouts },
  });
  installCommitHooks(ds);
  if (!options.forMigrations) guardDataSource(ds, { acquireTimeoutMs: limits.acquireTimeoutMs });
  return ds;
}
