import { FieldNode, FragmentDefinitionNode, Kind, OperationDefinitionNode, SelectionSetNode, ValueNode } from "graphql";
import { limitExceeded } from "../errors";
import { DEFAULT_PAGE_SIZE } from "../paging";

/**
 * Query limits, enforced before anything resolves. Depth and aliases stop pathological documents;
 * cost estimates rows: every field costs 1 and a list field multiplies the cost of what it selects
 * by the page size it asks for (`first`, default 20; `ids` for `nodes`).
 */
const LIMITS = { maxDepth: 12, maxAliases: 30, maxCost: 20_000 } as const;

interface Walk {
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function argNumber(field: FieldNode, name: string, walk: Walk): number | null {
  const arg = field.arguments?.find((a) => a.name.value === name);
  if (!arg) return null;
  const value = (v: ValueNode): unknown =>
    v.kind === Kind.VARIABLE
      ? walk.variables[v.name.value]
      : v.kind === Kind.INT
        ? Number(v.value)
        : v.kind === Kind.LIST
          ? v.values.length
          : null;
  const v = value(arg.value);
  if (typeof v === "number") return v;
  if (Array.isArray(v)) return v.length;
  return null;
}

/** How many items a field may return, for the cost estimate. */
function multiplier(field: FieldNode, walk: Walk): number {
  const first = argNumber(field, "first", walk);
  if (first !== null) return Math.max(1, first);
  // Lists fetched by id (`nodes(ids:)`, `seals(ids:)`) return one item per id.
  const ids = argNumber(field, "ids", walk);
  if (ids !== null) return Math.max(1, ids);
  // A connection without `first` returns the default page; other lists are short and bounded.
  const isConnection = field.selectionSet?.selections.some(
    (s) => s.kind === Kind.FIELD && (s.name.value === "edges" || s.name.value === "pageInfo"),
  );
  return isConnection ? DEFAULT_PAGE_SIZE : 1;
}

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
}

function measure(set: SelectionSetNode | undefined, walk: Walk, seen: Set<string>): Measure {
  const total: Measure = { depth: 0, aliases: 0, cost: 0 };
  if (!set) return total;
  for (const sel of set.selections) {
    let inner: Measure;
    if (sel.kind === Kind.FIELD && sel.name.value.startsWith("__")) {
      // Introspection (keyed callers only) is bounded by the schema itself; tools send deep
      // standard queries (GraphiQL, codegen) that must not trip the limits meant for data.
      inner = { depth: 1, aliases: sel.alias ? 1 : 0, cost: 1 };
    } else if (sel.kind === Kind.FIELD) {
      const child = measure(sel.selectionSet, walk, seen);
      inner = {
        depth: child.depth + 1,
        aliases: child.aliases + (sel.alias ? 1 : 0),
        cost: 1 + multiplier(sel, walk) * child.cost,
      };
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      inner = measure(sel.selectionSet, walk, seen);
    } else {
      const name = sel.name.value;
      const frag = walk.fragments.get(name);
      // A fragment spread inside itself is invalid GraphQL; validation reports it, we only must not loop.
      if (!frag || seen.has(name)) continue;
      inner = measure(frag.selectionSet, walk, new Set([...seen, name]));
    }
    total.depth = Math.max(total.depth, inner.depth);
    total.aliases += inner.aliases;
    total.cost += inner.cost;
  }
  return total;
}

function usesIntrospection(set: SelectionSetNode, walk: Walk): boolean {
  return set.selections.some((sel) => {
    if (sel.kind === Kind.FIELD) return sel.name.value === "__schema" || sel.name.value === "__type";
    if (sel.kind === Kind.INLINE_FRAGMENT) return usesIntrospection(sel.selectionSet, walk);
    const frag = walk.fragments.get(sel.name.value);
    return frag ? usesIntrospection(frag.selectionSet, walk) : false;
  });
}

export function checkLimits(
  operation: OperationDefinitionNode,
  fragments: FragmentDefinitionNode[],
  variables: Record<string, unknown>,
  anonymous: boolean,
): void {
  const walk: Walk = { fragments: new Map(fragments.map((f) => [f.name.value, f])), variables };
  if (anonymous && usesIntrospection(operation.selectionSet, walk)) {
    throw limitExceeded("INTROSPECTION_DISABLED", "Introspection needs an API key.");
  }
  const m = measure(operation.selectionSet, walk, new Set());
  if (m.depth > LIMITS.maxDepth)
    throw limitExceeded("DEPTH_LIMIT_EXCEEDED", `Query depth ${m.depth} is over the limit of ${LIMITS.maxDepth}.`);
  if (m.aliases > LIMITS.maxAliases)
    throw limitExceeded("ALIAS_LIMIT_EXCEEDED", `${m.aliases} aliases are over the limit of ${LIMITS.maxAliases}.`);
  if (m.cost > LIMITS.maxCost)
    throw limitExceeded(
      "COST_LIMIT_EXCEEDED",
      `Estimated cost ${m.cost} is over the limit of ${LIMITS.maxCost}; ask for smaller pages.`,
    );
}
