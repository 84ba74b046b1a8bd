/**
 * The explorer's fetcher: POST /graphql on this origin, with `Authorization: Bearer <key>` only when the
 * user pasted a key. The key lives in the closure the page made (memory); it is never stored.
 */
export interface GraphQLParams {
  query: string;
  operationName?: string | null;
  variables?: unknown;
}

export function keyedFetcher(key: string) {
  return async (params: GraphQLParams): Promise<unknown> => {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    if (key) headers.authorization = `Bearer ${key}`;
    const res = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify(params),
      credentials: "omit",
      cache: "no-store",
    });
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      return { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 200)}` }] };
    }
  };
}
