import type { QueryResultRow } from "pg";
import { DataSource } from "typeorm";

type Driver = {
  obtainMasterConnection(): Promise<
    [
      { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: QueryResultRow[] }> },
      (err?: Error) => void,
    ]
  >;
};

/**
 * One named, prepared statement on a pooled connection (through the connection guard like every other
 * query): for the public hot paths, which ask the same small question thousands of times a second and
 * need neither TypeORM's query building nor its row mapping. PostgreSQL plans it once per connection.
 */
export async function preparedQuery<R extends QueryResultRow>(
  ds: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const [client, release] = await (ds.driver as unknown as Driver).obtainMasterConnection();
  try {
    const result = await client.query({ name, text, values });
    return result.rows as R[];
  } finally {
    release();
  }
}
