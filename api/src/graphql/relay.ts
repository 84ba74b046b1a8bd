import { ArgsType, ClassType, Extensions, Field, Int, ObjectType } from "type-graphql";
import { ConnectionShape, DEFAULT_PAGE_SIZE, Edge, MAX_PAGE_SIZE, PageRequest } from "../paging";

/** Relay connection types over the page shapes of paging/ (services page with paging/ alone). */

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
export class PageArgs implements PageRequest {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `Page size, 1 to ${MAX_PAGE_SIZE}.`,
  })
  first!: number;

  @Field(() => String, { nullable: true, description: "Cursor from a previous page's `pageInfo.endCursor`." })
  after?: string | null;
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
