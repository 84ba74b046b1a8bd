import { CommitBuffer, runBeforeCommitHooks } from "../../api/src/db/commit-hooks";
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
