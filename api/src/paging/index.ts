import { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { badUserInput } from "../errors";

/**
 * Keyset pagination for services: a page request (`first`/`after`) in, a page of rows with cursors
 * out. The GraphQL layer (graphql/relay.ts) wraps these shapes in Relay connection types; services
 * need nothing of GraphQL to page.
 */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** What a list asks for: at most `first` items after the cursor `after`. */
export interface PageRequest {
  first: number;
  after?: string | null;
}

export interface PageInfoShape {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfoShape;
}

export function checkPageSize(first: number | null | undefined): number {
  const n = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE)
    throw badUserInput(`\`first\` must be between 1 and ${MAX_PAGE_SIZE}.`);
  return n;
}

function encodeCursor(id: string): string {
  return Buffer.from(`c:${id}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  if (!/^c:[0-9a-f-]{1,36}$/.test(text)) throw badUserInput("`after` is not a cursor from this list.");
  return text.slice(2);
}

/**
 * Keyset pagination: rows ordered by `orderBy` columns (the last one the unique `id`). The cursor
 * names a row; the next page starts after that row's exact key, read from the database, so pages
 * stay stable while rows are added, deep pages cost the same as the first, and no timestamp loses
 * precision on its way through JavaScript.
 */
export async function paginate<T extends ObjectLiteral & { id: string }>(
  qb: SelectQueryBuilder<T>,
  args: PageRequest,
  orderBy: string[] = ["created_at", "id"],
  direction: "ASC" | "DESC" = "ASC",
): Promise<ConnectionShape<T>> {
  const first = checkPageSize(args.first);
  const alias = qb.alias;
  const mainAlias = qb.expressionMap.mainAlias;
  if (!mainAlias) throw new Error("paginate needs a query builder made from an entity (it has no main alias)");
  const table = mainAlias.metadata.tablePath;
  const cols = orderBy.map((c) => `${alias}.${c}`);
  if (args.after) {
    const op = direction === "ASC" ? ">" : "<";
    qb.andWhere(
      `(${cols.join(", ")}) ${op} (SELECT ${orderBy.map((c) => `k.${c}`).join(", ")} FROM ${table} k WHERE k.id = :cursorId)`,
      {
        cursorId: decodeCursor(args.after),
      },
    );
  }
  cols.forEach((c, i) => (i === 0 ? qb.orderBy(c, direction) : qb.addOrderBy(c, direction)));
  const rows = await qb.limit(first + 1).getMany();
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(String(node.id)) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
