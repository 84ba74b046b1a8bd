/**
 * "The database cannot serve this request now": the pool gave no connection in time, the server did
 * not answer, a statement or lock wait hit its timeout, or the connection broke. Callers answer these
 * with 503 and Retry-After (never 500), because retrying a moment later is the right reaction.
 */
export class DatabaseUnavailableError extends Error {
  constructor(
    message: string,
    readonly reason: DatabaseUnavailableReason,
  ) {
    super(message);
    this.name = "DatabaseUnavailableError";
  }
}

export type DatabaseUnavailableReason =
  "POOL_TIMEOUT" | "DATABASE_DOWN" | "STATEMENT_TIMEOUT" | "LOCK_TIMEOUT" | "CONNECTION_LOST" | "TOO_MANY_CONNECTIONS";

/** Seconds a client should wait before retrying (Retry-After). */
export const RETRY_AFTER_S = 2;

/** PostgreSQL error codes (SQLSTATE) that mean "try again later", not "your request is wrong". */
const SQLSTATE_REASONS: Record<string, DatabaseUnavailableReason> = {
  "57014": "STATEMENT_TIMEOUT", // query_canceled: statement_timeout
  "55P03": "LOCK_TIMEOUT", // lock_not_available: lock_timeout
  "25P03": "CONNECTION_LOST", // idle_in_transaction_session_timeout
  "53300": "TOO_MANY_CONNECTIONS",
  "57P01": "CONNECTION_LOST", // admin_shutdown
  "57P02": "CONNECTION_LOST", // crash_shutdown
  "57P03": "DATABASE_DOWN", // cannot_connect_now (starting up, recovery)
};

const MESSAGE_REASONS: [RegExp, DatabaseUnavailableReason][] = [
  [/timeout exceeded when trying to connect/i, "POOL_TIMEOUT"],
  [/Query read timeout/i, "STATEMENT_TIMEOUT"],
  [/Connection terminated/i, "CONNECTION_LOST"],
  [/Client has encountered a connection error/i, "CONNECTION_LOST"],
];

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
]);

/** The reason when `err` (as pg, pg-pool or TypeORM throw it, possibly wrapped) means the database is unavailable. */
export function unavailableReason(err: unknown): DatabaseUnavailableReason | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof DatabaseUnavailableError) return e.reason;
    const x = e as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      originalError?: unknown;
      cause?: unknown;
    };
    if (typeof x.code === "string") {
      if (SQLSTATE_REASONS[x.code]) return SQLSTATE_REASONS[x.code];
      if (x.code.startsWith("08")) return "CONNECTION_LOST"; // connection_exception class
      if (NETWORK_CODES.has(x.code)) return "DATABASE_DOWN";
    }
    if (typeof x.message === "string") {
      for (const [pattern, reason] of MESSAGE_REASONS) if (pattern.test(x.message)) return reason;
    }
    e = x.driverError ?? x.originalError ?? x.cause;
  }
  return null;
}

export function isDatabaseUnavailable(err: unknown): boolean {
  return unavailableReason(err) !== null;
}
