import { DataSource, EntityManager } from "typeorm";

/**
 * Every state change runs here, together with its audit entry (REC-1): both commit or neither does.
 * Serialization failures and deadlocks are retried a few times, since the whole function is replayable.
 */
export async function inTransaction<T>(ds: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ds.transaction(work);
    } catch (e) {
      const code = (e as { code?: string }).code ?? (e as { driverError?: { code?: string } }).driverError?.code;
      if ((code === "40001" || code === "40P01") && attempt < 4) continue;
      throw e;
    }
  }
}

/** PostgreSQL's unique_violation, for turning a lost race into a clear refusal. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err =
    (e as { driverError?: { code?: string; constraint?: string } }).driverError ??
    (e as { code?: string; constraint?: string });
  return err.code === "23505" && (constraint === undefined || err.constraint === constraint);
}
