import { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from "typeorm";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";
import { columnList, hydrate, quoteName, requirePlainColumns, requireSingleKey } from "./entity-rows";
import { BufferedWrite, CommitBuffer, VIEW_TABLES } from "./commit-hooks";

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
  const update = updateStatement(db, entity, id, changes);
  if (!update) return 0;
  const result: [unknown[], number] = await db.query(update.text, update.values);
  return result[1];
}

/**
 * As updateById, written with the transaction's other buffered writes in its last statement (one round
 * trip fewer): for a row the transaction holds locked and does not read again. Several changes to one
 * row are written together.
 */
export function updateByIdAtCommit<T extends ObjectLiteral>(
  tx: EntityManager,
  entity: EntityTarget<T>,
  id: string,
  changes: Partial<T>,
): void {
  // Refused here, where the caller is, rather than at commit.
  const meta = tx.connection.getMetadata(entity);
  requireSingleKey(meta, "updateByIdAtCommit");
  refuseViewTable(meta, "updateByIdAtCommit");
  givenColumns(meta, changes, "updateByIdAtCommit");
  pendingUpdates.add(tx, { entity, id, changes });
}

/**
 * Inserts `rows` with the transaction's other buffered writes, in its last statement (issue 11: a
 * submission's application, consents and challenges were three round trips before its audit entry).
 * Every column is given, the key included (randomUUID), so the entities returned are the rows as
 * written, and no default is left to the database. For rows nothing in the transaction reads back
 * before it commits; a constraint they break fails that statement, so the transaction.
 */
export function insertAtCommit<T extends ObjectLiteral>(
  tx: EntityManager,
  entity: EntityTarget<T>,
  rows: Partial<T>[],
): T[] {
  const meta = tx.connection.getMetadata(entity);
  requireSingleKey(meta, "insertAtCommit");
  refuseViewTable(meta, "insertAtCommit");
  const columns = storedColumns(meta);
  for (const row of rows) {
    givenColumns(meta, row, "insertAtCommit");
    const missing = columns.filter((c) => row[c.propertyName] === undefined).map((c) => c.propertyName);
    if (missing.length > 0)
      throw new Error(`insertAtCommit: ${meta.name} needs every column; missing ${missing.join(", ")}`);
  }
  if (rows.length === 0) return [];
  pendingInserts.add(tx, { entity, rows });
  return rows.map((row) => Object.assign(meta.create() as T, row));
}

function refuseViewTable(meta: EntityMetadata, what: string): void {
  if (VIEW_TABLES.has(meta.tableName))
    throw new Error(
      `${what}: ${meta.name} is watched by the public views; write it before commit (db/commit-hooks.ts VIEW_TABLES)`,
    );
}

/** Every column a row of the entity stores (what insertAtCommit requires and writes). */
const storedColumns = (meta: EntityMetadata): ColumnMetadata[] => meta.columns.filter((c) => !c.isVirtual);

type PendingInsert = { entity: EntityTarget<ObjectLiteral>; rows: ObjectLiteral[] };

const pendingInserts = new CommitBuffer<PendingInsert>("insertAtCommit", (tx, items) =>
  Promise.resolve(
    items.map(({ entity, rows }): BufferedWrite => {
      const meta = tx.connection.getMetadata(entity);
      const columns = storedColumns(meta);
      const text = cached(meta, `insertAtCommit:${rows.length}`, () => {
        const names = columns.map((c) => quoteName(c.databaseName)).join(", ");
        const tuples = rows.map((_, r) => `(${columns.map((__, i) => `$${r * columns.length + i + 1}`).join(", ")})`);
        return `INSERT INTO ${quoteName(meta.tableName)} (${names}) VALUES ${tuples.join(", ")}`;
      });
      return { text, values: rows.flatMap((row) => persistent(tx, columns, row)) };
    }),
  ),
);

type PendingUpdate = { entity: EntityTarget<ObjectLiteral>; id: string; changes: ObjectLiteral };

const pendingUpdates = new CommitBuffer<PendingUpdate>("updateByIdAtCommit", (tx, items) => {
  // One UPDATE per row: two in one statement would leave one of them undone.
  const byRow = new Map<string, PendingUpdate>();
  for (const item of items) {
    const key = `${tx.connection.getMetadata(item.entity).name}:${item.id}`;
    const row = byRow.get(key);
    if (row) Object.assign(row.changes, item.changes);
    else byRow.set(key, { ...item, changes: { ...item.changes } });
  }
  const writes = [...byRow.values()].map((r) => updateStatement(tx, r.entity, r.id, r.changes));
  return Promise.resolve(writes.filter((w): w is BufferedWrite => w !== null));
});

function updateStatement<T extends ObjectLiteral>(
  db: EntityManager,
  entity: EntityTarget<T>,
  id: string,
  changes: Partial<T>,
): BufferedWrite | null {
  const meta = db.connection.getMetadata(entity);
  requireSingleKey(meta, "updateById");
  const columns = givenColumns(meta, changes, "updateById");
  if (columns.length === 0) return null;
  const text = cached(meta, `update:${columns.map((c) => c.propertyName).join(",")}`, () => {
    const sets = columns.map((c, i) => `${quoteName(c.databaseName)} = $${i + 1}`).join(", ");
    const pk = quoteName(meta.primaryColumns[0].databaseName);
    return `UPDATE ${quoteName(meta.tableName)} SET ${sets} WHERE ${pk} = $${columns.length + 1}`;
  });
  return { text, values: [...persistent(db, columns, changes), id] };
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
