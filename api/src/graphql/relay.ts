import { ArgsType, ClassType, Extensions, Field, Int, ObjectType } from "type-graphql";
import { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { badUserInput } from "./errors";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@Extensions({ cacheInherit: true })
@ObjectType({ description: "Relay page information." })
export class PageInfo {
  @Field({ description: "Whether more items follow `endCursor`." })
  hasNextPage!: boolean;

  @Field({ description: "Always false: lists page forwards only (`first`/`after`)." })
  hasPreviousPage!: boolean;

  @Field(() => String, {
    nullable: true,
    description: "Cursor of the first item of this page; null when the page is empty.",
  })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "Pass as `after` to get the next page." })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `Page size, 1 to ${MAX_PAGE_SIZE}.`,
  })
  first!: number;

  @Field(() => String, { nullable: true, description: "Cursor from a previous page's `pageInfo.endCursor`." })
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** Builds `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function Connection<T extends object>(nodeType: ClassType<T>, name = nodeType.name) {
  @Extensions({ cacheInherit: true })
  @ObjectType(`${name}Edge`, { description: `An edge to a ${name}.` })
  class EdgeType {
    @Field({ description: "Opaque cursor of this edge." })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${name} at this edge.` })
    node!: T;
  }

  @Extensions({ cacheInherit: true })
  @ObjectType()
  abstract class ConnectionType implements ConnectionShape<T> {
    @Field(() => [EdgeType], { description: "The items of this page, each with its cursor." })
    edges!: Edge<T>[];

    @Field(() => PageInfo, { description: "Whether more pages follow, and the cursor to ask for the next one." })
    pageInfo!: PageInfo;
  }
  return ConnectionType;
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
  args: PageArgs,
  orderBy: string[] = ["created_at", "id"],
  direction: "ASC" | "DESC" = "ASC",
): Promise<ConnectionShape<T>> {
  const first = checkPageSize(args.first);
  const alias = qb.alias;
  const table = qb.expressionMap.mainAlias!.metadata.tablePath;
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
