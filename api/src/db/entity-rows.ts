import { EntityManager, EntityMetadata, ObjectLiteral } from "typeorm";

/**
 * What db/by-id.ts and db/find-where.ts share: the columns a TypeORM find selects and a row mapped as
 * TypeORM maps it, so a lean read returns exactly the entity `find` would.
 */

/** An SQL identifier, quoted. */
export function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Lean reads load columns only: an entity with relations or embedded columns needs TypeORM's own find. */
export function requirePlainColumns(meta: EntityMetadata, who: string): void {
  if (meta.relations.length > 0 || meta.embeddeds.length > 0)
    throw new Error(`${who}: ${meta.name} is not an entity of plain columns`);
}

/** Reads and writes by id need plain columns and one primary key column. */
export function requireSingleKey(meta: EntityMetadata, who: string): void {
  requirePlainColumns(meta, who);
  if (meta.primaryColumns.length !== 1) throw new Error(`${who}: ${meta.name} has more than one primary key column`);
}

/** The columns a TypeORM find selects by default. */
function selected(meta: EntityMetadata) {
  return meta.columns.filter((c) => c.isSelect && !c.isVirtual);
}

/** The select list of those columns, each by its database name. */
export function columnList(meta: EntityMetadata): string {
  return selected(meta)
    .map((c) => quoteName(c.databaseName))
    .join(", ");
}

/**
 * A row as TypeORM maps it: the entity's class, each column through the driver's hydration (types,
 * transformers). `prefix` names the columns of one entity in a row that holds several (findEachById).
 */
export function hydrate<T extends ObjectLiteral>(
  db: EntityManager,
  meta: EntityMetadata,
  row: Record<string, unknown>,
  prefix = "",
): T {
  const entity = meta.create() as T;
  const driver = db.connection.driver;
  for (const c of selected(meta))
    c.setEntityValue(entity, driver.prepareHydratedValue(row[prefix + c.databaseName], c));
  return entity;
}

/** The select list of an entity's columns read from `alias`, each named `prefix` + its database name. */
export function prefixedColumnList(meta: EntityMetadata, alias: string, prefix: string): string {
  return selected(meta)
    .map((c) => `${alias}.${quoteName(c.databaseName)} AS ${quoteName(prefix + c.databaseName)}`)
    .join(", ");
}
