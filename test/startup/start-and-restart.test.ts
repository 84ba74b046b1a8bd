import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  MAIN,
  postgresProcessesFor,
  READY_TIMEOUT_MS,
  spawnServer,
  waitFor,
  waitUntilReady,
  serverPort,
} from "../support/spawn-server";

/**
 * The two-command promise: the built service starts on an empty data directory with the embedded
 * PostgreSQL, loads demo data, keeps data across restarts, stops cleanly, and survives a crash.
 */
// Two starts in one test, each allowed the full readiness wait, plus the requests between them.
jest.setTimeout(3 * READY_TIMEOUT_MS);

let dataDir: string;

beforeAll(() => {
  if (!fs.existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run \`npm test\` (it builds first) or \`npm run build\`.`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "akashi-start-"));
  fs.chmodSync(dataDir, 0o755);
});

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function graphql(port: number, query: string, key?: string): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(key ? { Authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return res.json();
}

test("first start: embedded database, demo data, ready, answers products; Ctrl-C leaves no PostgreSQL behind", async () => {
  const port = await serverPort();
  const started = Date.now();
  const s = spawnServer({ AKASHI_DATA_DIR: dataDir, PORT: String(port) });
  await waitUntilReady(s);
  const readyMs = Date.now() - started;
  process.stdout.write(`cold start to ready: ${readyMs} ms\n`);

  const products = await graphql(port, "{ products { edges { node { id } } } }");
  expect(products.data.products.edges.length).toBeGreaterThanOrEqual(6);
  const health = await (await fetch(`http://127.0.0.1:${port}/readyz`)).json();
  expect(health).toEqual({ status: "ready", database: "ok" });

  const resellerKey = /demo reseller: (ak_\S+)/.exec(s.stdout())![1];
  const created = await graphql(
    port,
    `
      mutation {
        createSubscriber(input: { kind: INDIVIDUAL, name: "再起動 テスト", country: "JP" }) {
          subscriber {
            id
          }
          userErrors {
            code
          }
        }
      }
    `,
    resellerKey,
  );
  expect(created.data.createSubscriber.userErrors).toEqual([]);
  expect(postgresProcessesFor(dataDir).length).toBeGreaterThan(0);

  s.proc.kill("SIGINT");
  expect(await s.exited).toBe(0);
  await waitFor(() => postgresProcessesFor(dataDir).length === 0, "PostgreSQL to stop", 10_000);

  // Restart: the data is still there and demo data is not loaded twice.
  const again = spawnServer({ AKASHI_DATA_DIR: dataDir, PORT: String(port) });
  await waitUntilReady(again, "ready after restart");
  expect(again.stdout()).not.toContain("demo reseller:");
  const subs = await graphql(port, "{ subscribers(first: 100) { edges { node { name } } } }", resellerKey);
  expect(subs.data.subscribers.edges.map((e: any) => e.node.name)).toEqual(["株式会社デモショップ", "再起動 テスト"]);
  again.proc.kill("SIGTERM");
  expect(await again.exited).toBe(0);
  await waitFor(() => postgresProcessesFor(dataDir).length === 0, "PostgreSQL to stop", 10_000);
});

test("a crash (kill -9) leaves an orphaned PostgreSQL that the next start stops and replaces", async () => {
  const port = await serverPort();
  const s = spawnServer({ AKASHI_DATA_DIR: dataDir, PORT: String(port) });
  await waitUntilReady(s);
  s.proc.kill("SIGKILL");
  await s.exited;
  expect(postgresProcessesFor(dataDir).length).toBeGreaterThan(0);

  const next = spawnServer({ AKASHI_DATA_DIR: dataDir, PORT: String(port) });
  await waitUntilReady(next, "ready after crash");
  const products = await graphql(port, "{ products(first: 1) { edges { node { id } } } }");
  expect(products.data.products.edges).toHaveLength(1);
  next.proc.kill("SIGINT");
  expect(await next.exited).toBe(0);
  await waitFor(() => postgresProcessesFor(dataDir).length === 0, "PostgreSQL to stop", 10_000);
});

test.each([
  ["PORT", "not-a-port"],
  ["DATABASE_URL", "mysql://localhost/x"],
  ["PUBLIC_BASE_URL", "ftp://example"],
  ["LOG_LEVEL", "loud"],
])("a bad %s stops start-up with one clear line naming it", async (name, value) => {
  const s = spawnServer({ AKASHI_DATA_DIR: dataDir, [name]: value });
  expect(await s.exited).toBe(2);
  const lines = s.stderr().trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(name);
  expect(postgresProcessesFor(dataDir)).toEqual([]);
});
