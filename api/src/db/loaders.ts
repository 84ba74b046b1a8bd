import DataLoader from "dataloader";
import { DataSource, EntityTarget, ObjectLiteral } from "typeorm";
import { findByIds } from "./by-id";
import { quoteName } from "./entity-rows";
import { findWhere } from "./find-where";

/**
 * The one DataLoader factory, created per request: every relation a list can reach is read in one
 * query per level instead of one per row. Loaders return raw rows; services decide who may see them.
 */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<string, unknown>>();

  constructor(private readonly ds: DataSource) {}

  /** Rows by primary key (`id`); null where none. */
  byId<T extends ObjectLiteral & { id: string }>(entity: EntityTarget<T>): DataLoader<string, T | null> {
    const repo = this.ds.getRepository(entity);
    return this.get(`id:${repo.metadata.name}`, async (ids) => {
      const rows = await findByIds(this.ds.manager, entity, ids);
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    });
  }

  /**
   * All rows whose `column` equals each key, in `orderBy` order: one statement for the keys of a level,
   * read and mapped as `find` would (db/find-where.ts), without building the query each time.
   */
  manyBy<T extends ObjectLiteral>(
    entity: EntityTarget<T>,
    column: keyof T & string,
    orderBy: Partial<Record<keyof T & string, "ASC" | "DESC">> = {},
  ): DataLoader<string, T[]> {
    const meta = this.ds.getMetadata(entity);
    const databaseName = (property: string) => {
      const c = meta.findColumnWithPropertyName(property);
      if (!c) throw new Error(`manyBy: ${meta.name} has no column ${property}`);
      return quoteName(c.databaseName);
    };
    const order = Object.entries(orderBy).map(([property, direction]) => `${databaseName(property)} ${direction}`);
    const rest = `WHERE ${databaseName(column)} = ANY($1)${order.length ? ` ORDER BY ${order.join(", ")}` : ""}`;
    return this.get(`many:${meta.name}:${column}:${JSON.stringify(orderBy)}`, async (keys) => {
      const rows = await findWhere(this.ds.manager, entity, rest, [[...keys]]);
      const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
      for (const r of rows) groups.get(String(r[column]))?.push(r);
      return keys.map((k) => groups.get(k) ?? []);
    });
  }

  /** A loader a service defines (e.g. computed views), cached per request under `name`. */
  batch<V>(name: string, load: (keys: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
    return this.get(`custom:${name}`, load);
  }

  private get<V>(name: string, batch: (keys: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
    let loader = this.loaders.get(name) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V>(batch, { maxBatchSize: 500 });
      this.loaders.set(name, loader);
    }
    return loader;
  }

  /** After a write, reads in the same request must not see the old row. */
  clearAll(): void {
    for (const l of this.loaders.values()) l.clearAll();
  }
}
