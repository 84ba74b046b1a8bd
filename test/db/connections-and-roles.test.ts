import request from "supertest";
import { DataSource } from "typeorm";
import { NestedConnectionError, poolState, withConnectionScope } from "../../api/src/db/connection-guard";
import { createDataSource } from "../../api/src/db/data-source";
import { createSubscriber, csrFor, productIds, submitApplication } from "../support/lifecycle";
import { TempDir, opensslOk } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";
import { binary } from "../status/status-support";

/**
 * One connection per request, bounded waits, and a service role with DML only (issue "hold under load").
 * The whole suite runs under the same guard (every test app's data source has it), so a code path that
 * reaches for a second connection inside a transaction fails wherever it is exercised; these tests show
 * the mechanism itself.
 */
jest.setTimeout(120_000);

let t: TestApp;

beforeAll(async () => {
  // Two connections, and a short wait for one, so that the saturation tests below are quick.
  t = await startTestApp({ env: { AKASHI_DB_POOL_SIZE: "2", AKASHI_DB_ACQUIRE_TIMEOUT_MS: "500" } });
});

afterAll(async () => {
  await t?.close();
});

test("concurrency: inside a transaction, asking the pool for a second connection is refused at once, never waited for", async () => {
  const refused = await t.ds.transaction(async () =>
    t.ds.query("SELECT 1").then(
      () => null,
      (e: unknown) => e,
    ),
  );
  expect(refused).toBeInstanceOf(NestedConnectionError);
  // The transaction's own manager is the way: it works.
  await expect(t.ds.transaction((tx) => tx.query("SELECT 1 AS one"))).resolves.toEqual([{ one: 1 }]);
});

test("concurrency: the queries of one request take turns on one connection", async () => {
  const state = poolState(t.ds);
  let most = 0;
  const watch = setInterval(() => (most = Math.max(most, state.inUse)), 2);
  await withConnectionScope(() => Promise.all(Array.from({ length: 4 }, () => t.ds.query("SELECT pg_sleep(0.05)"))));
  clearInterval(watch);
  expect(most).toBe(1);
});

/** Two transactions of someone else hold both pooled connections until the returned function is called. */
async function holdEveryConnection(): Promise<() => Promise<void>> {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const holders = [0, 1].map(() =>
    t.ds.transaction(async (tx) => {
      await tx.query("SELECT 1");
      await held;
    }),
  );
  const done = async () => {
    release();
    await Promise.all(holders);
  };
  const state = poolState(t.ds);
  for (let i = 0; state.inUse < 2; i++) {
    if (i === 3000) {
      await done();
      throw new Error("the two holding transactions did not get their connections within 30 s");
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return done;
}

test("overload: when no connection is free in time, GraphQL answers SERVICE_UNAVAILABLE (503, Retry-After), /readyz says saturated, and both recover", async () => {
  const release = await holdEveryConnection();
  try {
    const res = await request(t.app)
      .post("/graphql")
      .set("Authorization", `Bearer ${t.operatorKey}`)
      .send({ query: "{ viewer { kind } }" });
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toMatch(/^\d+$/);
    expect(res.body.errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
    const ready = await request(t.app).get("/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: "not ready", database: "saturated" });
  } finally {
    await release();
  }
  const res = await request(t.app)
    .post("/graphql")
    .set("Authorization", `Bearer ${t.operatorKey}`)
    .send({ query: "{ viewer { kind } }" });
  expect(res.body.data.viewer.kind).toBe("OPERATOR");
  let ready = await request(t.app).get("/readyz");
  for (let i = 0; i < 200 && ready.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    ready = await request(t.app).get("/readyz");
  }
  expect(ready.body).toEqual({ status: "ready", database: "ok" });
});

test("overload, STAT-2: an OCSP request that needs the database while no connection is free answers tryLater (503, Retry-After), and is answered once one is", async () => {
  const dir = new TempDir();
  try {
    const issuing = await t.services.ca.activeIssuer();
    const issuerPath = dir.file("issuing.pem", await t.services.ca.chainPem(issuing.ca.id));
    // A serial the CA never issued: nothing in memory answers for it, so the responder asks the database.
    opensslOk([
      "ocsp",
      "-issuer",
      issuerPath,
      "-serial",
      "0x7a6b5c4d3e2f1a0b",
      "-no_nonce",
      "-reqout",
      dir.file("q.der"),
    ]);
    const ask = () =>
      binary(request(t.app).post("/ocsp").set("Content-Type", "application/ocsp-request").send(dir.read("q.der")));
    const release = await holdEveryConnection();
    try {
      const busy = await ask();
      expect(busy.status).toBe(503);
      expect(busy.headers["retry-after"]).toMatch(/^\d+$/);
      expect(busy.headers["content-type"]).toBe("application/ocsp-response");
      // OCSPResponse { responseStatus ENUMERATED tryLater (3) }, no responseBytes.
      expect((busy.body as Buffer).toString("hex")).toBe("30030a0103");
    } finally {
      await release();
    }
    const free = await ask();
    expect(free.status).toBe(200);
    expect((free.body as Buffer).subarray(0, 5).toString("hex")).not.toBe("30030a0103");
    // RFC 6960: successful (0), with a basic response.
    expect((free.body as Buffer).includes(Buffer.from("0a0100", "hex"))).toBe(true);
  } finally {
    dir.remove();
  }
});

describe("the service's database role (REC-2, RES-4)", () => {
  let owner: DataSource;

  beforeAll(async () => {
    owner = createDataSource(t.ownerUrl, { poolSize: 1, forMigrations: true });
    await owner.initialize();
  });

  afterAll(async () => {
    await owner?.destroy();
  });

  test("REC-2: the service's role cannot disable the retention triggers, truncate, alter or drop", async () => {
    for (const sql of [
      "ALTER TABLE audit_event DISABLE TRIGGER audit_event_retention",
      "ALTER TABLE consent DISABLE TRIGGER ALL",
      "TRUNCATE audit_event",
      "TRUNCATE consent",
      "DROP TABLE charge",
      "CREATE TABLE sneaky (id int)",
      "DELETE FROM schema_migration",
    ]) {
      await expect(t.ds.query(sql)).rejects.toThrow(/permission denied|must be owner/);
    }
  });

  test("REC-2, RES-4: consents cannot be rewritten, and registration history neither rewritten nor emptied, even by the owner", async () => {
    const reseller = await t.createReseller("roles");
    const subscriberId = await createSubscriber(t, reseller.key);
    const products = await productIds(t);
    const dir = new TempDir();
    try {
      const submitted = await submitApplication(t, reseller.key, {
        subscriberId,
        productId: products.DV,
        termMonths: 12,
        names: ["roles.akashi-demo.jp"],
        csr: csrFor(dir, ["roles.akashi-demo.jp"]),
      });
      expect(submitted.userErrors).toEqual([]);
    } finally {
      dir.remove();
    }
    const [{ n }] = await owner.query(`SELECT count(*)::int AS n FROM consent`);
    expect(n).toBeGreaterThan(0);
    await expect(owner.query(`UPDATE consent SET given_by = 'someone else'`)).rejects.toThrow(
      /retained record: UPDATE refused/,
    );
    await expect(t.ds.query(`UPDATE consent SET given_by = 'someone else'`)).rejects.toThrow(
      /retained record: UPDATE refused/,
    );

    await owner.query(
      `INSERT INTO reseller_registration_change (reseller_id, field, old_value, new_value, changed_at) VALUES ($1, 'name', 'a', 'b', now())`,
      [reseller.id],
    );
    await expect(owner.query(`UPDATE reseller_registration_change SET new_value = 'c'`)).rejects.toThrow(
      /retained record: UPDATE refused/,
    );
    await expect(owner.query(`TRUNCATE reseller_registration_change`)).rejects.toThrow(
      /retained record: TRUNCATE refused/,
    );
  });
});
