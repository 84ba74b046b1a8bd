import { inTransaction } from "../../api/src/db/transaction";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * Issue 11: parameterised statements are prepared once per connection (api/src/db/auto-prepare.ts), so
 * PostgreSQL stops parsing and planning the same text on every request; bulk statements are not.
 */
jest.setTimeout(120_000);

let t: TestApp;

beforeAll(async () => {
  // One connection, so that a test can tell whether the next transaction got the same one.
  t = await startTestApp({ env: { AKASHI_DB_POOL_SIZE: "1" } });
});

afterAll(async () => {
  await t?.close();
});

/** The statements prepared on the transaction's connection (this query has no parameters, so it is not one of them). */
async function preparedTexts(run: (q: (sql: string, values: unknown[]) => Promise<unknown[]>) => Promise<void>) {
  return inTransaction(t.ds, async (tx) => {
    await run((sql, values) => tx.query(sql, values));
    const rows: { statement: string }[] = await tx.query(`SELECT statement FROM pg_prepared_statements`);
    return rows.map((r) => r.statement);
  });
}

test("issue 11: a statement with parameters is prepared on its connection and answers right for every value", async () => {
  const answers: unknown[] = [];
  const texts = await preparedTexts(async (q) => {
    // More than five runs: PostgreSQL may switch to its generic plan; the answers must not change.
    for (let i = 0; i < 8; i++) answers.push((await q(`SELECT $1::int * 2 AS doubled`, [i]))[0]);
  });
  expect(texts).toContain(`SELECT $1::int * 2 AS doubled`);
  expect(answers).toEqual(Array.from({ length: 8 }, (_, i) => ({ doubled: i * 2 })));
});

test("issue 11: a statement with more than 64 parameters (a multi-row insert) is not prepared", async () => {
  const values = Array.from({ length: 65 }, (_, i) => i);
  const sql = `SELECT ${values.map((_, i) => `$${i + 1}::int`).join(" + ")} AS total`;
  const texts = await preparedTexts(async (q) => {
    expect(await q(sql, values)).toEqual([{ total: (64 * 65) / 2 }]);
  });
  expect(texts).not.toContain(sql);
});

test("issue 11: a statement without parameters is sent as it is, not prepared", async () => {
  const texts = await preparedTexts(async (q) => {
    await q(`SELECT 42 AS answer`, []);
  });
  expect(texts).not.toContain(`SELECT 42 AS answer`);
});

test("issue 11: a prepared statement the server no longer has fails once, and its connection is replaced by a fresh one", async () => {
  const sql = `SELECT $1::int + 40 AS answer`;
  const backendPid = async () =>
    inTransaction(t.ds, async (tx) => (await tx.query<{ pid: number }[]>(`SELECT pg_backend_pid() AS pid`))[0].pid);
  const first = await inTransaction(t.ds, async (tx) => {
    await tx.query(sql, [2]);
    const [s]: { name: string }[] = await tx.query(
      `SELECT name FROM pg_prepared_statements WHERE statement = '${sql}'`,
    );
    await tx.query(`DEALLOCATE ${s.name}`); // behind pg's back: it still believes the name is parsed
    return (await tx.query<{ pid: number }[]>(`SELECT pg_backend_pid() AS pid`))[0].pid;
  });
  expect(await backendPid()).toBe(first); // the one pooled connection
  await expect(inTransaction(t.ds, (tx) => tx.query(sql, [2]))).rejects.toMatchObject({
    driverError: { code: "26000" },
  });
  expect(await backendPid()).not.toBe(first);
  expect(await inTransaction(t.ds, (tx) => tx.query(sql, [2]))).toEqual([{ answer: 42 }]);
});
