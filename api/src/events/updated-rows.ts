/** UPDATE … RETURNING through TypeORM's query() resolves to [rows, rowCount] on PostgreSQL. */
export function updatedRows<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : [];
}
