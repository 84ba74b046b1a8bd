import { caBatchSql } from "../../api/src/revocations/mass-revocation.service";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * Issue 11: a chain of an issuing CA's mass revocation reads each batch from its cursor on. Statements
 * are prepared per connection (db/auto-prepare.ts), and after five runs PostgreSQL may plan them once,
 * without the values: that generic plan too must start the index scan at the cursor, or every batch
 * walks past all the certificates the chain has already revoked.
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

const LOW = "3fffffff-ffff-ffff-ffff-ffffffffffff";
const HIGH = "7fffffff-ffff-ffff-ffff-ffffffffffff";

test.each([
  { after: null, through: HIGH, cond: [/id <= \$4/] },
  { after: LOW, through: HIGH, cond: [/id > \$4/, /id <= \$5/] },
  { after: LOW, through: null, cond: [/id > \$4/] },
  { after: null, through: null, cond: [] },
])(
  "REV-4: a chain's batch (after $after, through $through) is an index range from its cursor, in the generic plan too",
  async ({ after, through, cond }) => {
    const plan: string = await t.ds.transaction(async (tx) => {
      await tx.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
      await tx.query(`SET LOCAL enable_seqscan = off`);
      await tx.query(`SET LOCAL enable_bitmapscan = off`);
      await tx.query(`PREPARE chain_batch AS ${caBatchSql({ after, through })}`);
      const args = [
        "$$00000000-0000-0000-0000-00000000000a$$",
        "now()",
        "5000",
        ...[after, through].filter((b) => b).map((b) => `$$${b}$$`),
      ];
      const rows: Array<{ "QUERY PLAN": unknown }> = await tx.query(
        `EXPLAIN (FORMAT JSON) EXECUTE chain_batch(${args.join(", ")})`,
      );
      await tx.query(`DEALLOCATE chain_batch`);
      return JSON.stringify(rows[0]["QUERY PLAN"]);
    });
    expect(plan).toMatch(/"Index Name":\s*"certificate_ca_id"/);
    expect(plan).not.toMatch(/"Node Type":\s*"Sort"/);
    const indexCond = /"Index Cond":\s*"([^"]*)"/.exec(plan)?.[1] ?? "";
    expect(indexCond).toMatch(/issuing_ca_id = \$1/);
    for (const c of cond) expect(indexCond).toMatch(c);
  },
);
