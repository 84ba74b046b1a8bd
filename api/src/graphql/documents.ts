import {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  TypeInfo,
  getNamedType,
  isCompositeType,
  parse,
  specifiedRules,
  OperationTypeNode,
  validate,
  visit,
  visitWithTypeInfo,
} from "graphql";

/**
 * A GraphQL document as the server keeps it: parsed and validated once per distinct query text (the
 * public status and seal queries arrive thousands of times with the same text), with what the HTTP
 * layer needs to know about it computed once as well.
 */
export interface PreparedDocument {
  document: DocumentNode;
  /** Validation errors against the schema; a document with any is never executed. */
  errors: readonly GraphQLError[];
  fragments: FragmentDefinitionNode[];
  /**
   * STAT-3: how long a shared cache may keep an answer to this document: the least `cacheMaxAge` of
   * every root field and of every field that returns an object (declared with `@Extensions({ cacheMaxAge })`
   * on the field or its type; `cacheInherit` types take their parent's); 0 (not cacheable) when one of them
   * declares none.
   */
  cacheMaxAge: number;
}

/** The parse error of a document that is not GraphQL at all. */
export class DocumentParseError extends Error {
  constructor(readonly error: GraphQLError) {
    super(error.message);
  }
}

/** Distinct documents kept; an API has few, and a flood of distinct ones only evicts older entries. */
const MAX_DOCUMENTS = 2_000;
/** Longer query texts are prepared every time rather than kept. */
const MAX_CACHED_QUERY_LENGTH = 20_000;

function maxAgeOf(extensions: Readonly<Record<string, unknown>> | null | undefined): number | undefined {
  const v = extensions?.cacheMaxAge;
  return typeof v === "number" ? v : undefined;
}

/** Plumbing types (connections, edges, page info, prices of a product) take the lifetime of the field above them. */
function inherits(extensions: Readonly<Record<string, unknown>> | null | undefined): boolean {
  return extensions?.cacheInherit === true;
}

function staticCacheMaxAge(schema: GraphQLSchema, document: DocumentNode): number {
  const typeInfo = new TypeInfo(schema);
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean),
  );
  let maxAge = Infinity;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition(node) {
        if (node.operation !== OperationTypeNode.QUERY) maxAge = 0;
      },
      Field() {
        const def = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (!def) return;
        const type = getNamedType(def.type);
        const root = parent !== null && roots.has(parent as never);
        if (!isCompositeType(type) && !root) return;
        const own = maxAgeOf(def.extensions);
        if (own !== undefined) {
          maxAge = Math.min(maxAge, own);
          return;
        }
        if (!root && (inherits(def.extensions) || (isCompositeType(type) && inherits(type.extensions)))) return;
        maxAge = Math.min(maxAge, (isCompositeType(type) ? maxAgeOf(type.extensions) : undefined) ?? 0);
      },
    }),
  );
  return maxAge === Infinity ? 0 : maxAge;
}

export class DocumentCache {
  private readonly documents = new Map<string, PreparedDocument>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** @throws DocumentParseError when `query` does not parse. */
  prepare(query: string): PreparedDocument {
    const hit = this.documents.get(query);
    if (hit) return hit;
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: 20_000 });
    } catch (e) {
      throw new DocumentParseError(e instanceof GraphQLError ? e : new GraphQLError(String(e)));
    }
    const errors = validate(this.schema, document, specifiedRules);
    const prepared: PreparedDocument = {
      document,
      errors,
      fragments: document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION),
      cacheMaxAge: errors.length ? 0 : staticCacheMaxAge(this.schema, document),
    };
    if (query.length <= MAX_CACHED_QUERY_LENGTH) {
      if (this.documents.size >= MAX_DOCUMENTS) this.documents.delete(this.documents.keys().next().value as string);
      this.documents.set(query, prepared);
    }
    return prepared;
  }
}

/** The operation to run: the only one, or the one named. */
export function operationOf(document: DocumentNode, name: string | null): OperationDefinitionNode | null {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (name === null) return ops.length === 1 ? ops[0] : null;
  return ops.find((o) => o.name?.value === name) ?? null;
}
