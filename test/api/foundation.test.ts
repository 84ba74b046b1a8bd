import { systemActor } from "../../api/src/auth/caller";
import { parseKey } from "../../api/src/auth/api-key-secret";
import { getIntrospectionQuery } from "graphql";
import request from "supertest";
import { TestApp, startTestApp } from "../support/test-app";

const CREATE_SUBSCRIBER = `mutation($input: CreateSubscriberInput!) {
  createSubscriber(input: $input) { subscriber { id name } userErrors { code field message } }
}`;

const subscriberInput = (name: string) => ({
  kind: "ORGANIZATION",
  name,
  country: "JP",
  contacts: [{ role: "TECHNICAL", name: "担当者", email: "tech@akashi-demo.jp" }],
});

let t: TestApp;
let alpha: { id: string; globalId: string; key: string };
let beta: { id: string; globalId: string; key: string };
let alphaSubscriberId: string;

beforeAll(async () => {
  t = await startTestApp();
  alpha = await t.createReseller("alpha");
  beta = await t.createReseller("beta");
  const res = await t.gql(alpha.key, CREATE_SUBSCRIBER, { input: subscriberInput("株式会社アルファ顧客") });
  expect(res.data.createSubscriber.userErrors).toEqual([]);
  alphaSubscriberId = res.data.createSubscriber.subscriber.id;
});

afterAll(() => t.close());

async function countRows(table: string): Promise<number> {
  const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM ${table}`);
  return n;
}

describe("public catalogue", () => {
  test("VAL-1: anyone can list the default catalogue, with prices", async () => {
    const res = await t.gql(
      null,
      `{ products(first: 100) { edges { node { code validationLevel termMonths autoRenew wildcardAllowed prices { termMonths kind priceYen } } } } }`,
    );
    const products = res.data.products.edges.map((e: any) => e.node);
    const codes = products.map((p: any) => p.code);
    expect(codes).toEqual(
      expect.arrayContaining(["DV", "OV", "DV_AUTO_RENEW", "OV_AUTO_RENEW", "EV", "BRING_YOUR_OWN"]),
    );
    const dv = products.find((p: any) => p.code === "DV");
    expect(dv.termMonths).toEqual([12, 24, 36]);
    expect(dv.prices.map((p: any) => p.termMonths)).toEqual([12, 24, 36]);
    expect(products.find((p: any) => p.code === "OV_AUTO_RENEW")).toMatchObject({ autoRenew: true, termMonths: [36] });
  });

  test("pages are stable and end", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res: any = await t.gql(
        null,
        `query($after: String) { products(first: 3, after: $after) { edges { node { code } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      seen.push(...res.data.products.edges.map((e: any) => e.node.code));
      if (!res.data.products.pageInfo.hasNextPage) break;
      after = res.data.products.pageInfo.endCursor;
    }
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await countRows("product"));
  });

  test("a page larger than 100 is refused", async () => {
    const res = await t.gql(null, `{ products(first: 101) { edges { node { code } } } }`);
    expect(res.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("authentication", () => {
  test("no key is the public caller", async () => {
    const res = await t.gql(null, `{ viewer { kind } }`);
    expect(res.data.viewer.kind).toBe("PUBLIC");
  });

  test.each([
    ["malformed", "Bearer not-a-key"],
    ["unknown", "Bearer ak_aaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["wrong scheme", "Basic abc"],
  ])("a %s key is UNAUTHENTICATED, never a fall-back to public", async (_name, header) => {
    const res = await request(t.app)
      .post("/graphql")
      .set("Authorization", header)
      .send({ query: "{ viewer { kind } }" });
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(res.body.data).toBeUndefined();
  });

  test("a right public id with a wrong secret is refused", async () => {
    const wrong = alpha.key.slice(0, -4) + (alpha.key.endsWith("AAAA") ? "BBBB" : "AAAA");
    const res = await t.gql(wrong, `{ viewer { kind } }`);
    expect(res.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  test("RES-2: a revoked key is refused at once", async () => {
    const r = await t.createReseller("revoked-co");
    expect((await t.gql(r.key, `{ viewer { kind } }`)).data.viewer.kind).toBe("RESELLER");
    const keys = await t.gql(t.operatorKey, `query($id: ID!) { reseller(id: $id) { apiKeys { id revokedAt } } }`, {
      id: r.globalId,
    });
    const keyId = keys.data.reseller.apiKeys[0].id;
    const revoked = await t.gql(
      t.operatorKey,
      `mutation($id: ID!) { revokeApiKey(input: { id: $id, reason: "test" }) { apiKey { revokedAt } userErrors { code } } }`,
      { id: keyId },
    );
    expect(revoked.data.revokeApiKey.apiKey.revokedAt).not.toBeNull();
    const after = await t.gql(r.key, `{ viewer { kind } }`);
    expect(after.status).toBe(401);
    expect(after.errors?.[0]).toMatchObject({
      message: "This API key has been revoked.",
      extensions: { code: "UNAUTHENTICATED" },
    });
  });

  test("RES-2: a key is refused from the second it expires, and says so", async () => {
    const r = await t.createReseller("expiring-co");
    const now = t.clock.now();
    const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + 3_600_000);
    const short = await t.services.apiKeys.create(systemActor("test"), {
      resellerId: r.id,
      name: "one hour",
      expiresAt,
    });
    try {
      t.clock.set(new Date(expiresAt.getTime() - 1000));
      expect((await t.gql(short.key, `{ viewer { kind } }`)).data.viewer.kind).toBe("RESELLER");
      t.clock.set(expiresAt);
      const after = await t.gql(short.key, `{ viewer { kind } }`);
      expect(after.status).toBe(401);
      expect(after.errors?.[0]).toMatchObject({
        message: "This API key has expired.",
        extensions: { code: "UNAUTHENTICATED" },
      });
    } finally {
      t.clock.set(now);
    }
  });

  test("RES-2: keys are stored only as hashes and record their last use", async () => {
    const rows = await t.ds.query(`SELECT public_id, secret_hash, last_used_at FROM api_key WHERE reseller_id = $1`, [
      alpha.id,
    ]);
    expect(rows).toHaveLength(1);
    // The secret is base64url and may itself contain "_": take everything after the public id.
    const secret = parseKey(alpha.key)!.secret;
    expect(secret).toHaveLength(43);
    expect(rows[0].secret_hash.toString("hex")).not.toContain(Buffer.from(secret).toString("hex"));
    expect(rows[0].secret_hash).toHaveLength(32);
    expect(rows[0].last_used_at).not.toBeNull();
  });

  test("RES-2: a reseller rotates its own key: the new one works before the old one is revoked", async () => {
    const r = await t.createReseller("rotating");
    const created = await t.gql(
      r.key,
      `mutation { createApiKey(input: { name: "next" }) { key apiKey { id } userErrors { code } } }`,
    );
    const newKey = created.data.createApiKey.key;
    expect((await t.gql(newKey, `{ viewer { kind } }`)).data.viewer.kind).toBe("RESELLER");
    expect((await t.gql(r.key, `{ viewer { kind } }`)).data.viewer.kind).toBe("RESELLER");
    const own = await t.gql(newKey, `{ apiKeys { id name } }`);
    const old = own.data.apiKeys.find((k: any) => k.name !== "next");
    await t.gql(newKey, `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { userErrors { code } } }`, {
      id: old.id,
    });
    expect((await t.gql(r.key, `{ viewer { kind } }`)).status).toBe(401);
    expect((await t.gql(newKey, `{ viewer { kind } }`)).data.viewer.kind).toBe("RESELLER");
  });

  test("RES-2: a reseller cannot create a key for another reseller", async () => {
    const res = await t.gql(
      alpha.key,
      `mutation($r: ID!) { createApiKey(input: { name: "x", resellerId: $r }) { key userErrors { code } } }`,
      { r: beta.globalId },
    );
    expect(res.data.createApiKey).toEqual({ key: null, userErrors: [{ code: "FORBIDDEN" }] });
  });
});

describe("RES-3: tenant isolation", () => {
  test("RES-3: another reseller's subscriber is not in its list", async () => {
    const res = await t.gql(beta.key, `{ subscribers(first: 100) { edges { node { id } } } }`);
    expect(res.data.subscribers.edges.map((e: any) => e.node.id)).not.toContain(alphaSubscriberId);
    const own = await t.gql(alpha.key, `{ subscribers(first: 100) { edges { node { id } } } }`);
    expect(own.data.subscribers.edges.map((e: any) => e.node.id)).toContain(alphaSubscriberId);
  });

  test("RES-3: node(id:) and nodes(ids:) return null for another reseller's subscriber", async () => {
    const res = await t.gql(beta.key, `query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }`, {
      id: alphaSubscriberId,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ node: null, nodes: [null] });
    const own = await t.gql(alpha.key, `query($id: ID!) { node(id: $id) { ... on Subscriber { name } } }`, {
      id: alphaSubscriberId,
    });
    expect(own.data.node.name).toBe("株式会社アルファ顧客");
  });

  test("RES-3: a guessed ID reveals nothing", async () => {
    const guessed = Buffer.from(`Subscriber:${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}`).toString("base64url");
    for (const id of [guessed, "garbage", Buffer.from("Subscriber:1").toString("base64url")]) {
      const res = await t.gql(beta.key, `query($id: ID!) { node(id: $id) { id } }`, { id });
      expect(res.data.node).toBeNull();
    }
  });

  test("RES-3: nested fields do not leak: another reseller is not reachable through its own reseller object", async () => {
    const res = await t.gql(
      beta.key,
      `query($id: ID!) { reseller(id: $id) { name subscribers { edges { node { id } } } } }`,
      { id: alpha.globalId },
    );
    expect(res.data.reseller).toBeNull();
  });

  test("RES-3: a reseller cannot update another reseller's subscriber, and nothing changes", async () => {
    const auditBefore = await countRows("audit_event");
    const res = await t.gql(
      beta.key,
      `mutation($id: ID!) { updateSubscriber(input: { id: $id, name: "乗っ取り" }) { subscriber { id } userErrors { code field } } }`,
      { id: alphaSubscriberId },
    );
    expect(res.data.updateSubscriber).toEqual({
      subscriber: null,
      userErrors: [{ code: "NOT_FOUND", field: "input.id" }],
    });
    expect(await countRows("audit_event")).toBe(auditBefore);
    const own = await t.gql(alpha.key, `query($id: ID!) { node(id: $id) { ... on Subscriber { name } } }`, {
      id: alphaSubscriberId,
    });
    expect(own.data.node.name).toBe("株式会社アルファ顧客");
  });

  test("RES-3: operator-only lists refuse resellers and the public", async () => {
    for (const key of [alpha.key, null]) {
      const res = await t.gql(key, `{ resellers { edges { node { id } } } }`);
      expect(res.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    }
    const op = await t.gql(t.operatorKey, `{ resellers(first: 100) { edges { node { code } } } }`);
    expect(op.data.resellers.edges.map((e: any) => e.node.code)).toEqual(expect.arrayContaining(["alpha", "beta"]));
  });
});

describe("mutations, transactions and the audit log", () => {
  test("REC-1: creating a subscriber writes the row and its audit entry", async () => {
    const res = await t.gql(alpha.key, CREATE_SUBSCRIBER, { input: subscriberInput("監査テスト株式会社") });
    const id = res.data.createSubscriber.subscriber.id;
    const audit = await t.gql(
      t.operatorKey,
      `query($id: ID!) { auditEvents(entityId: $id) { edges { node { action actorKind actorLabel after } } } }`,
      { id },
    );
    expect(audit.data.auditEvents.edges).toHaveLength(1);
    expect(audit.data.auditEvents.edges[0].node).toMatchObject({
      action: "subscriber.create",
      actorKind: "RESELLER",
      after: { name: "監査テスト株式会社" },
    });
  });

  test("a refused mutation leaves no row and no audit entry", async () => {
    const rowsBefore = await countRows("subscriber");
    const auditBefore = await countRows("audit_event");
    const bad = {
      ...subscriberInput("壊れた連絡先"),
      contacts: [{ role: "TECHNICAL", name: "x", email: "not-an-email" }],
    };
    const res = await t.gql(alpha.key, CREATE_SUBSCRIBER, { input: bad });
    expect(res.data.createSubscriber).toEqual({
      subscriber: null,
      userErrors: [{ code: "INVALID_INPUT", field: "input.contacts[0].email", message: expect.any(String) }],
    });
    expect(await countRows("subscriber")).toBe(rowsBefore);
    expect(await countRows("subscriber_contact")).toBeGreaterThan(0);
    expect(await countRows("audit_event")).toBe(auditBefore);
  });

  test("a failure after the first write rolls back the whole transaction", async () => {
    const rowsBefore = await countRows("subscriber");
    const auditBefore = await countRows("audit_event");
    // The subscriber row is inserted first; the contact's role then breaks a CHECK constraint (the
    // GraphQL enum would have stopped it, so this goes to the service directly).
    const input = {
      ...subscriberInput("途中で失敗"),
      contacts: [{ role: "BOGUS", name: "x", email: "x@akashi-demo.jp" }],
    };
    const scope = {
      caller: { kind: "RESELLER" as const, keyId: "", keyPublicId: "", resellerId: alpha.id },
      requestId: null,
      loaders: null as any,
    };
    await expect(t.services.subscribers.create(scope, input as any)).rejects.toThrow(/subscriber_contact_role_check/);
    expect(await countRows("subscriber")).toBe(rowsBefore);
    expect(await countRows("audit_event")).toBe(auditBefore);
  });

  test("REC-1: the database refuses UPDATE, DELETE and TRUNCATE on the audit log", async () => {
    expect(await countRows("audit_event")).toBeGreaterThan(0);
    await expect(t.ds.query(`UPDATE audit_event SET action = 'rewritten'`)).rejects.toThrow(/append-only/);
    await expect(t.ds.query(`DELETE FROM audit_event`)).rejects.toThrow(/REC-2/);
    // The service's role may not even try (db/roles.ts); the owner is stopped by the trigger.
    await expect(t.ds.query(`TRUNCATE audit_event`)).rejects.toThrow(/permission denied/);
  });

  test("updating a subscriber records before and after", async () => {
    const res = await t.gql(
      alpha.key,
      `mutation($id: ID!) { updateSubscriber(input: { id: $id, locality: "Shibuya-ku" }) { subscriber { locality } userErrors { code } } }`,
      { id: alphaSubscriberId },
    );
    expect(res.data.updateSubscriber.subscriber.locality).toBe("Shibuya-ku");
    const audit = await t.gql(
      t.operatorKey,
      `query($id: ID!) { auditEvents(entityId: $id, action: "subscriber.update") { edges { node { before after } } } }`,
      { id: alphaSubscriberId },
    );
    expect(audit.data.auditEvents.edges[0].node.before.locality).toBeNull();
    expect(audit.data.auditEvents.edges[0].node.after.locality).toBe("Shibuya-ku");
  });
});

describe("query limits", () => {
  test("a query deeper than the limit is refused with DEPTH_LIMIT_EXCEEDED", async () => {
    const deep = `{ viewer { reseller { subscribers { edges { node { reseller { subscribers { edges { node { reseller { subscribers { edges { node { id } } } } } } } } } } } } } }`;
    const res = await t.gql(alpha.key, deep);
    expect(res.errors?.[0].extensions?.code).toBe("DEPTH_LIMIT_EXCEEDED");
    expect(res.data).toBeUndefined();
  });

  test("too many aliases are refused with ALIAS_LIMIT_EXCEEDED", async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: viewer { kind }`).join(" ");
    const res = await t.gql(null, `{ ${aliases} }`);
    expect(res.errors?.[0].extensions?.code).toBe("ALIAS_LIMIT_EXCEEDED");
  });

  test("an expensive query is refused with COST_LIMIT_EXCEEDED; a reasonable one passes", async () => {
    const costly = `{ resellers(first: 100) { edges { node { subscribers(first: 100) { edges { node { contacts { name } } } } } } } }`;
    expect((await t.gql(t.operatorKey, costly)).errors?.[0].extensions?.code).toBe("COST_LIMIT_EXCEEDED");
    const fine = `{ resellers(first: 10) { edges { node { subscribers(first: 10) { edges { node { contacts { name } } } } } } } }`;
    expect((await t.gql(t.operatorKey, fine)).errors).toBeUndefined();
  });

  test("fragments count towards the limits", async () => {
    const res = await t.gql(
      t.operatorKey,
      `fragment S on Reseller { subscribers(first: 100) { edges { node { id contacts { name } } } } }
      { resellers(first: 100) { edges { node { ...S } } } }`,
    );
    expect(res.errors?.[0].extensions?.code).toBe("COST_LIMIT_EXCEEDED");
  });

  test("introspection and field suggestions are off for anonymous callers, on with a key", async () => {
    const anon = await t.gql(null, `{ __schema { queryType { name } } }`);
    expect(anon.errors?.[0].extensions?.code).toBe("INTROSPECTION_DISABLED");
    const typo = await t.gql(null, `{ productz { id } }`);
    expect(typo.errors?.[0].message).not.toMatch(/Did you mean/);
    const keyed = await t.gql(alpha.key, `{ __schema { queryType { name } } }`);
    expect(keyed.data.__schema.queryType.name).toBe("Query");
    const keyedTypo = await t.gql(alpha.key, `{ productz { id } }`);
    expect(keyedTypo.errors?.[0].message).toMatch(/Did you mean "products"/);
  });
});

test("tools' standard introspection query passes the limits for callers with a key", async () => {
  const res = await t.gql(alpha.key, getIntrospectionQuery());
  expect(res.errors).toBeUndefined();
  expect(res.data.__schema.queryType.name).toBe("Query");
});

test("REC-1: a transaction's audit entries are all written as it commits, in the order recorded, their text exact", async () => {
  const awkward = `"quoted" \\ back\\slash, {braces}, 日本語, \u{1F512}, tab\there`;
  const n = 2_500; // more than one of the old 1,000-row statements
  const entityId = `audit-order-${Date.now()}`;
  await t.ds.transaction(async (tx) => {
    for (let i = 0; i < n; i++)
      await t.services.audit.record(tx, systemActor("audit-order"), {
        action: "test.order",
        entityType: "Test",
        entityId,
        resellerId: null,
        reason: i % 2 ? awkward : null,
        before: i % 3 ? null : { i, text: awkward },
        after: { i, nested: { text: awkward, none: null } },
      });
  });
  const rows: { reason: string | null; before: unknown; after: { i: number } }[] = await t.ds.query(
    `SELECT reason, before, after FROM audit_event WHERE entity_id = $1 ORDER BY id`,
    [entityId],
  );
  expect(rows.map((r) => r.after.i)).toEqual(Array.from({ length: n }, (_, i) => i));
  expect(rows[1].reason).toBe(awkward);
  expect(rows[0].reason).toBeNull();
  expect(rows[0].before).toEqual({ i: 0, text: awkward });
  expect(rows[1].before).toBeNull();
  expect(rows[3].after).toEqual({ i: 3, nested: { text: awkward, none: null } });
});
