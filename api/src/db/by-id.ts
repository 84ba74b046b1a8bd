import { EntityManager, EntityMetadata, EntityNotFoundError, EntityTarget, ObjectLiteral } from "typeorm";
import { columnList, hydrate, prefixedColumnList, quoteName, requireSingleKey } from "./entity-rows";

/** Row locks a read by id may take (TypeORM's pessimistic_write is FOR UPDATE). */
export type RowLock = "FOR UPDATE" | "FOR NO KEY UPDATE" | "FOR SHARE" | "FOR KEY SHARE";

/**
 * Entities by primary key with the SQL text built once per entity and lock: the same columns, row
 * mapping and result as TypeORM's `findOneBy({ id })`, without building the query again on every call
 * (issue 11: two thirds of a `findOneBy`'s cost on the issuance path was the building, not the round
 * trip). Parameterised, so every connection prepares the text once (db/auto-prepare.ts). For entities
 * of plain columns only: no relations or embedded columns are loaded.
 */
export async function findById<T extends ObjectLiteral>(
  db: EntityManager,
  entity: EntityTarget<T>,
  id: string,
  lock: RowLock | null = null,
): Promise<T | null> {
  const meta = db.connection.getMetadata(entity);
  const rows: Record<string, unknown>[] = await db.query(sqlOf(meta, lock, "one"), [id]);
  return rows[0] ? hydrate(db, meta, rows[0]) : null;
}

/** As findById, and an EntityNotFoundError (as `findOneByOrFail` throws) when there is no such row. */
export async function findByIdOrFail<T extends ObjectLiteral>(
  db: EntityManager,
  entity: EntityTarget<T>,
  id: string,
  lock: RowLock | null = null,
): Promise<T> {
  const found = await findById(db, entity, id, lock);
  if (!found) throw new EntityNotFoundError(entity, { id });
  return found;
}

/** Several entities by primary key, in one statement; in no particular order. */
export async function findByIds<T extends ObjectLiteral>(
  db: EntityManager,
  entity: EntityTarget<T>,
  ids: readonly string[],
): Promise<T[]> {
  const meta = db.connection.getMetadata(entity);
  const rows: Record<string, unknown>[] = await db.query(sqlOf(meta, null, "many"), [ids]);
  return rows.map((r) => hydrate(db, meta, r));
}

/** One entity to read by id in findEachById: its class and its id (null: none is asked for). */
export type ByIdAsk = readonly [EntityTarget<ObjectLiteral>, string | null];

type Found<A extends readonly ByIdAsk[]> = {
  -readonly [K in keyof A]: A[K] extends readonly [EntityTarget<infer T>, unknown] ? T | null : never;
};

/**
 * Entities of different kinds, each by its id, in one statement (issue 11: an approval read its product,
 * its subscriber and their reseller in three round trips). Each is null when there is no such row or
 * its id is null. The same mapping as findById; the text is built once per list of entities.
 */
export async function findEachById<const A extends readonly ByIdAsk[]>(db: EntityManager, asks: A): Promise<Found<A>> {
  const metas = asks.map(([entity]) => db.connection.getMetadata(entity));
  const key = metas.map((m) => m.name).join(",");
  let text = joinedTexts.get(key);
  if (text === undefined) {
    const joins = metas.map((meta, i) => {
      requireSingleKey(meta, "findById");
      return `LEFT JOIN ${quoteName(meta.tableName)} t${i} ON t${i}.${quoteName(meta.primaryColumns[0].databaseName)} = $${i + 1}`;
    });
    const columns = metas.map((meta, i) => prefixedColumnList(meta, `t${i}`, `${i}.`));
    text = `SELECT ${columns.join(", ")} FROM (VALUES (1)) AS one (x) ${joins.join(" ")}`;
    joinedTexts.set(key, text);
  }
  const rows: Record<string, unknown>[] = await db.query(
    text,
    asks.map(([, id]) => id),
  );
  const row = rows[0];
  return metas.map((meta, i) => {
    const pk = `${i}.${meta.primaryColumns[0].databaseName}`;
    return row[pk] === null || row[pk] === undefined ? null : hydrate(db, meta, row, `${i}.`);
  }) as Found<A>;
}

const joinedTexts = new Map<string, string>();

const texts = new WeakMap<EntityMetadata, Map<string, string>>();

function sqlOf(meta: EntityMetadata, lock: RowLock | null, shape: "one" | "many"): string {
  let byShape = texts.get(meta);
  if (!byShape) {
    requireSingleKey(meta, "findById");
    byShape = new Map();
    texts.set(meta, byShape);
  }
  const key = `${shape}:${lock ?? ""}`;
  let text = byShape.get(key);
  if (text === undefined) {
    const primary = meta.primaryColumns[0];
    const pk = quoteName(primary.databaseName);
    const where =
      shape === "one" ? `${pk} = $1` : `${pk} = ANY($1::${meta.connection.driver.normalizeType(primary)}[])`;
    text = `SELECT ${columnList(meta)} FROM ${quoteName(meta.tableName)} WHERE ${where}${lock ? ` ${lock}` : ""}`;
    byShape.set(key, text);
  }
  return text;
}
