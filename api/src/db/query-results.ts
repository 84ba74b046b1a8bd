/** UPDATE … RETURNING through TypeORM's query() resolves to [rows, rowCount] on PostgreSQL: the rows. */
export function updatedRows<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : [];
}

/** UPDATE or DELETE through TypeORM's query() resolves to [rows, rowCount] on PostgreSQL: the count. */
export function affectedRows(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === "number" ? result[1] : 0;
}
