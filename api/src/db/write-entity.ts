import { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from "typeorm";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";
import { columnList, hydrate, quoteName, requirePlainColumns } from "./entity-rows";

/**
 * Lean writes of one row, the statement's text built once per entity and set of columns (issue 11: on
 * the approval path TypeORM's `save` and update builder cost more CPU than the round trips they make).
 * Values go through the driver's own conversion (`preparePersistentValue`), so what is stored is what
 * `save` would store. For entities of plain columns, without listeners or subscribers (Akashi has none).
 */

/** Inserts a row of `values` (columns left out take their database default) and returns it as `find` would. */
export async function insertEntity<T extends ObjectLiteral>(
  db: EntityManager,
  entity: EntityTarget<T>,
  values: Partial<T>,
): Promise<T> {
  const meta = db.connection.getMetadata(entity);
  const columns = givenColumns(meta, values, "insertEntity");
  const text = cached(meta, `insert:${columns.map((c) => c.propertyName).join(",")}`, () => {
    const names = columns.map((c) => quoteName(c.databaseName)).join(", ");
    const params = columns.map((_, i) => `$${i + 1}`).join(", ");
    return `INSERT INTO ${quoteName(meta.tableName)} (${names}) VALUES (${params}) RETURNING ${columnList(meta)}`;
  });
  const rows: Record<string, unknown>[] = await db.query(text, persistent(db, columns, values));
  return hydrate<T>(db, meta, rows[0]);
}

/** Sets `changes` on the row with primary key `id`; the number of rows changed (0 or 1). */
export async function updateById<T extends ObjectLiteral>(
  db: EntityManager,
  entity: EntityTarget<T>,
  id: string,
  changes: Partial<T>,
): Promise<number> {
  const meta = db.connection.getMetadata(entity);
  const columns = givenColumns(meta, changes, "updateById");
  if (columns.length === 0) return 0;
  if (meta.primaryColumns.length !== 1)
    throw new Error(`updateById: ${meta.name} has more than one primary key column`);
  const text = cached(meta, `update:${columns.map((c) => c.propertyName).join(",")}`, () => {
    const sets = columns.map((c, i) => `${quoteName(c.databaseName)} = $${i + 1}`).join(", ");
    const pk = quoteName(meta.primaryColumns[0].databaseName);
    return `UPDATE ${quoteName(meta.tableName)} SET ${sets} WHERE ${pk} = $${columns.length + 1}`;
  });
  const result: [unknown[], number] = await db.query(text, [...persistent(db, columns, changes), id]);
  return result[1];
}

/** The columns whose property `values` gives (not undefined), in the entity's column order. */
function givenColumns(meta: EntityMetadata, values: ObjectLiteral, who: string): ColumnMetadata[] {
  requirePlainColumns(meta, who);
  const known = new Set(meta.columns.map((c) => c.propertyName));
  for (const key of Object.keys(values))
    if (values[key] !== undefined && !known.has(key)) throw new Error(`${who}: ${meta.name} has no column ${key}`);
  return meta.columns.filter((c) => !c.isVirtual && values[c.propertyName] !== undefined);
}

function persistent(db: EntityManager, columns: ColumnMetadata[], values: ObjectLiteral): unknown[] {
  const driver = db.connection.driver;
  return columns.map((c): unknown => driver.preparePersistentValue(values[c.propertyName], c));
}

const texts = new WeakMap<EntityMetadata, Map<string, string>>();

function cached(meta: EntityMetadata, key: string, build: () => string): string {
  let byKey = texts.get(meta);
  if (!byKey) texts.set(meta, (byKey = new Map<string, string>()));
  let text = byKey.get(key);
  if (text === undefined) byKey.set(key, (text = build()));
  return text;
}
