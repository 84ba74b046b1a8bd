/**
 * Batched, cached status look-ups: every `<akashi-seal>` on a page asks `lookup(id)`; ids asked within the
 * same microtask turn go out as ONE `GET /graphql?query=…&variables=…` (`seals(ids:)`), answers are kept
 * per page load for `ttlMs`. Pure (no DOM): fetch and scheduling are injected, so jest can drive it.
 */

export const SEALS_QUERY =
  "query Seals($ids: [ID!]!) { seals(ids: $ids) { id status checkedAt verificationUrl " +
  "certificate { domains organizationName organizationNameEn notAfter status } } }";

/** Ids per request; more seals than this on one page (unusual) go out in several requests of the same turn. */
const MAX_IDS_PER_REQUEST = 50;

type FetchLike = (
  url: string,
  init: {
    method: "GET";
    mode: "cors";
    credentials: "omit";
    headers: Record<string, string>;
  },
) => Promise<{ ok: boolean; json(): Promise<unknown> }>;

export interface SealClientOptions {
  /** Absolute URL of the GraphQL endpoint, e.g. `https://akashi.example/graphql`. */
  endpoint: string;
  fetch: FetchLike;
  /** Cache lifetime of an answer (ms). Failures are never cached. */
  ttlMs?: number;
  now?: () => number;
  schedule?: (cb: () => void) => void;
}

/** What `lookup` resolves to: the raw entry of `seals(ids:)` (`null` for an unknown id). Rejects on failure. */
type RawSeal = unknown;

interface Waiter {
  resolve: (v: RawSeal) => void;
  reject: (e: unknown) => void;
}

export interface SealClient {
  lookup(id: string): Promise<RawSeal>;
}

export function createSealClient(opts: SealClientOptions): SealClient {
  const ttl = opts.ttlMs ?? 60_000;
  const now = opts.now ?? (() => Date.now());
  const schedule = opts.schedule ?? ((cb: () => void) => queueMicrotask(cb));
  const cache = new Map<string, { at: number; value: Promise<RawSeal> }>();
  let batch: Map<string, Waiter> | null = null;

  async function send(ids: string[], waiters: Map<string, Waiter>) {
    try {
      const url = `${opts.endpoint}?query=${encodeURIComponent(SEALS_QUERY)}&variables=${encodeURIComponent(
        JSON.stringify({ ids }),
      )}`;
      // A "simple" CORS GET: no custom headers (Accept is safelisted), no credentials, so no preflight
      // and the answer is cacheable by the CDN.
      const res = await opts.fetch(url, {
        method: "GET",
        mode: "cors",
        credentials: "omit",
        headers: { accept: "application/json" },
      });
      if (!res.ok) throw new Error("status request failed");
      const body = (await res.json()) as { data?: { seals?: unknown } } | null;
      const list = body?.data?.seals;
      if (!Array.isArray(list) || list.length !== ids.length) throw new Error("malformed status answer");
      ids.forEach((id, i) => waiters.get(id)?.resolve(list[i]));
    } catch (e) {
      for (const w of waiters.values()) w.reject(e);
    }
  }

  function flush() {
    const current = batch;
    batch = null;
    if (!current) return;
    const entries = [...current.entries()];
    for (let i = 0; i < entries.length; i += MAX_IDS_PER_REQUEST) {
      const chunk = entries.slice(i, i + MAX_IDS_PER_REQUEST);
      void send(
        chunk.map(([id]) => id),
        new Map(chunk),
      );
    }
  }

  return {
    lookup(id: string): Promise<RawSeal> {
      const hit = cache.get(id);
      if (hit && now() - hit.at < ttl) return hit.value;
      if (!batch) {
        batch = new Map();
        schedule(flush);
      }
      const b = batch;
      const value = new Promise<RawSeal>((resolve, reject) => b.set(id, { resolve, reject }));
      const entry = { at: now(), value };
      cache.set(id, entry);
      // Never cache a failure: the next look-up (e.g. the same id again) retries.
      value.catch(() => {
        if (cache.get(id) === entry) cache.delete(id);
      });
      return value;
    },
  };
}
