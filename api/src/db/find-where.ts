import { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from "typeorm";
import { columnList, hydrate, quoteName, requirePlainColumns } from "./entity-rows";

/**
 * Entities by a condition written in SQL: the same columns and row mapping as TypeORM's `find`, the
 * statement's text built once per entity and condition (issue 11: on the approval and submission paths
 * a `find`'s query building and result mapping cost more than its round trip). Parameterised, so each
 * connection prepares the text once (db/auto-prepare.ts).
 *
 * `rest` is everything after `FROM <table>` — WHERE, ORDER BY, LIMIT — and must be a constant text:
 * values go in `params` as $1, $2, …, never into the text (each distinct text is kept for the process).
 * `distinctOn` names the columns of a `SELECT DISTINCT ON (…)`; `rest` then orders by them first.
 */
export async function findWhere<T extends ObjectLiteral>(
  db: EntityManager,
  entity: EntityTarget<T>,
  rest: string,
  params: readonly unknown[],
  distinctOn: readonly string[] = [],
): Promise<T[]> {
  const meta = db.connection.getMetadata(entity);
  const rows: Record<string, unknown>[] = await db.query(sqlOf(meta, rest, distinctOn), [...params]);
  return rows.map((r) => hydrate<T>(db, meta, r));
}

const texts = new WeakMap<EntityMetadata, Map<string, string>>();

function sqlOf(meta: EntityMetadata, rest: string, distinctOn: readonly string[]): string {
  let byRest = texts.get(meta);
  if (!byRest) {
    requirePlainColumns(meta, "findWhere");
    byRest = new Map();
    texts.set(meta, byRest);
  }
  const key = `${distinctOn.join(",")}|${rest}`;
  let text = byRest.get(key);
  if (text === undefined) {
    const distinct = distinctOn.length ? `DISTINCT ON (${distinctOn.map(quoteName).join(", ")}) ` : "";
    text = `SELECT ${distinct}${columnList(meta)} FROM ${quoteName(meta.tableName)} ${rest}`;
    byRest.set(key, text);
  }
  return text;
}
