import { CommitBuffer, combineWrites, runBeforeCommitHooks } from "../../api/src/db/commit-hooks";
import { poolState } from "../../api/src/db/connection-guard";
import { inTransaction } from "../../api/src/db/transaction";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * Audit entries and events are gathered during a transaction and written in one statement as it commits.
 * A transaction may write them earlier (a mass revocation's batch does, so that what its chains contend
 * for comes last): what it gathers after that is written at commit, and nothing is written twice.
 */
let t: TestApp;
const written: string[][] = [];
const buffer = new CommitBuffer<string>("test buffer", async (tx, items) => {
  written.push([...items]);
  await tx.query(`SELECT 1`); // inside the transaction
  return null;
});

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

beforeEach(() => (written.length = 0));

test("what is gathered is written once, just before commit", async () => {
  await inTransaction(t.ds, async (tx) => {
    buffer.add(tx, "a");
    buffer.add(tx, "b");
    expect(written).toEqual([]);
  });
  expect(written).toEqual([["a", "b"]]);
});

test("written early, then gathered again: the rest is written at commit, nothing twice", async () => {
  await inTransaction(t.ds, async (tx) => {
    buffer.add(tx, "a");
    await runBeforeCommitHooks(tx);
    expect(written).toEqual([["a"]]);
    buffer.add(tx, "b");
    buffer.add(tx, "c");
  });
  expect(written).toEqual([["a"], ["b", "c"]]);
});

test("the early write is part of the transaction (it rolls back with it)", async () => {
  const txids: string[] = [];
  const probe = new CommitBuffer<string>("probe", async (tx) => {
    txids.push((await tx.query(`SELECT txid_current()::text AS id`))[0].id);
    return null;
  });
  await expect(
    inTransaction(t.ds, async (tx) => {
      probe.add(tx, "x");
      await runBeforeCommitHooks(tx);
      txids.push((await tx.query(`SELECT txid_current()::text AS id`))[0].id);
      throw new Error("fails after the early write");
    }),
  ).rejects.toThrow("fails after");
  expect(txids).toHaveLength(2);
  expect(txids[0]).toBe(txids[1]);
});

test("gathering outside a transaction is refused", () => {
  expect(() => buffer.add(t.ds.manager, "a")).toThrow("needs the changing transaction's EntityManager");
});

test("issue 11: the writes of several buffers go in one statement, each with its own parameters", async () => {
  const into = (table: string) =>
    new CommitBuffer<string>(table, async (_tx, items) => ({
      text: `INSERT INTO ${table} (v, n) SELECT x, $2 FROM unnest($1::text[]) AS x`,
      values: [items, items.length],
    }));
  const first = into("pg_temp.hooks_a");
  const second = into("pg_temp.hooks_b");
  await inTransaction(t.ds, async (tx) => {
    await tx.query(`CREATE TEMP TABLE hooks_a (v text, n int) ON COMMIT DROP`);
    await tx.query(`CREATE TEMP TABLE hooks_b (v text, n int) ON COMMIT DROP`);
    first.add(tx, "a1");
    second.add(tx, "b1");
    second.add(tx, "b2");
    const before = poolState(t.ds).statements;
    await runBeforeCommitHooks(tx);
    expect(poolState(t.ds).statements - before).toBe(1);
    expect(await tx.query(`SELECT v, n FROM hooks_a UNION ALL SELECT v, n FROM hooks_b ORDER BY v`)).toEqual([
      { v: "a1", n: 1 },
      { v: "b1", n: 2 },
      { v: "b2", n: 2 },
    ]);
  });
});

test("issue 11: combined writes renumber each one's parameters after the ones before it", () => {
  expect(
    combineWrites([
      { text: "INSERT INTO a VALUES ($1, $2)", values: [1, 2] },
      { text: "DELETE FROM b WHERE x = $1 OR y = $1", values: [3] },
    ]),
  ).toEqual({
    text: "WITH w0 AS (INSERT INTO a VALUES ($1, $2)),\nw1 AS (DELETE FROM b WHERE x = $3 OR y = $3)\nSELECT 1",
    values: [1, 2, 3],
  });
  expect(combineWrites([])).toBeNull();
  const alone = { text: "INSERT INTO a VALUES ($1)", values: [1] };
  expect(combineWrites([alone])).toBe(alone);
});

test("a SELECT given as the last part becomes the statement's SELECT, its parameters after the writes'", () => {
  const last = { text: "SELECT pg_notify('c', $1) AS marked", values: ["m"] };
  expect(combineWrites([{ text: "INSERT INTO a VALUES ($1, $2)", values: [1, 2] }], last)).toEqual({
    text: "WITH w0 AS (INSERT INTO a VALUES ($1, $2))\nSELECT pg_notify('c', $3) AS marked",
    values: [1, 2, "m"],
  });
  expect(combineWrites([], last)).toEqual(last);
});

test("the rows of the last part are what the commit-time statement answers", async () => {
  const answered = await inTransaction(t.ds, async (tx) => {
    buffer.add(tx, "a");
    return runBeforeCommitHooks(tx, { text: "SELECT $1::int + 1 AS n", values: [41] });
  });
  expect(answered).toEqual([{ n: 42 }]);
});
