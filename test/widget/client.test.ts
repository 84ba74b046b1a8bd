/** Batched, cached status look-ups (widget/src/client.ts): several seals on a page share ONE request. */
import { createSealClient, SEALS_QUERY, type SealClientOptions } from "../../widget/src/client";

type Answer = { ok: boolean; body: unknown } | Error;

function harness(answer: (ids: string[]) => Answer) {
  const calls: { url: string; init: unknown; ids: string[]; query: string }[] = [];
  let clock = 1_000;
  const fetch: SealClientOptions["fetch"] = async (url, init) => {
    const u = new URL(url);
    const ids = (JSON.parse(u.searchParams.get("variables")!) as { ids: string[] }).ids;
    calls.push({ url, init, ids, query: u.searchParams.get("query")! });
    const a = answer(ids);
    if (a instanceof Error) throw a;
    return { ok: a.ok, json: async () => a.body };
  };
  const client = createSealClient({
    endpoint: "https://akashi.example/graphql",
    fetch,
    ttlMs: 60_000,
    now: () => clock,
  });
  return { client, calls, tick: (ms: number) => (clock += ms) };
}

const ok = (ids: string[]) => ({
  ok: true,
  body: { data: { seals: ids.map((id) => (id.startsWith("missing") ? null : { id, status: "VALID" })) } },
});

describe("seal status client", () => {
  it("sends ids asked in the same turn as ONE credential-less GET of seals(ids:), answers in order", async () => {
    const { client, calls } = harness(ok);
    const answers = await Promise.all([
      client.lookup("a"),
      client.lookup("missing-1"),
      client.lookup("b"),
      client.lookup("a"),
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0].ids).toEqual(["a", "missing-1", "b"]);
    expect(calls[0].query).toBe(SEALS_QUERY);
    expect(calls[0].url.startsWith("https://akashi.example/graphql?query=")).toBe(true);
    expect(calls[0].url).toContain(
      `query=${encodeURIComponent(SEALS_QUERY)}&variables=${encodeURIComponent('{"ids":["a","missing-1","b"]}')}`,
    );
    expect(calls[0].init).toEqual({
      method: "GET",
      mode: "cors",
      credentials: "omit",
      headers: { accept: "application/json" },
    });
    expect(answers).toEqual([
      { id: "a", status: "VALID" },
      null,
      { id: "b", status: "VALID" },
      { id: "a", status: "VALID" },
    ]);
  });

  it("asks exactly the contract's query", () => {
    expect(SEALS_QUERY).toBe(
      "query Seals($ids: [ID!]!) { seals(ids: $ids) { id status checkedAt verificationUrl certificate { domains organizationName organizationNameEn notAfter status } } }",
    );
  });

  it("serves repeated ids from the page cache until the TTL passes", async () => {
    const { client, calls, tick } = harness(ok);
    await client.lookup("a");
    await client.lookup("a");
    tick(59_000);
    await client.lookup("a");
    expect(calls).toHaveLength(1);
    tick(2_000);
    await client.lookup("a");
    expect(calls).toHaveLength(2);
  });

  it("a later turn only asks for ids not already cached", async () => {
    const { client, calls } = harness(ok);
    await client.lookup("a");
    await Promise.all([client.lookup("a"), client.lookup("c")]);
    expect(calls.map((c) => c.ids)).toEqual([["a"], ["c"]]);
  });

  it.each<[string, (ids: string[]) => Answer]>([
    ["a network failure", () => new TypeError("Failed to fetch")],
    ["an HTTP error", () => ({ ok: false, body: null })],
    ["a GraphQL error without data", () => ({ ok: true, body: { errors: [{ message: "boom" }] } })],
    ["a list of the wrong length", () => ({ ok: true, body: { data: { seals: [] } } })],
    ["a body that is not JSON data", () => ({ ok: true, body: null })],
  ])("rejects every waiter on %s and does not cache the failure", async (_name, fail) => {
    let failing = true;
    const { client, calls } = harness((ids) => (failing ? fail(ids) : ok(ids)));
    const results = await Promise.allSettled([client.lookup("a"), client.lookup("b")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    failing = false;
    await expect(client.lookup("a")).resolves.toEqual({ id: "a", status: "VALID" });
    expect(calls).toHaveLength(2);
  });

  it("splits very many ids into requests of at most 50", async () => {
    const { client, calls } = harness(ok);
    const ids = Array.from({ length: 120 }, (_, i) => `s${i}`);
    const answers = await Promise.all(ids.map((id) => client.lookup(id)));
    expect(calls.map((c) => c.ids.length)).toEqual([50, 50, 20]);
    expect(answers.map((a) => (a as { id: string }).id)).toEqual(ids);
  });
});
