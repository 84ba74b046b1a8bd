import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { inTransaction } from "../../api/src/db/transaction";
import type { JobRunner } from "../../api/src/jobs/job-runner";
import { Job } from "../../api/src/jobs/job.entity";
import { CRL_PUBLISH_JOB, CRL_RELEASE_JOB, HELD_KEY_PREFIX } from "../../api/src/status/status-publisher";
import { OpenTransaction, holdOpen } from "../support/open-transaction";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * STAT-1, STAT-3: a transaction that revokes joins its scope's pending CRL publication and keeps it from
 * running until it commits, so the CRL lists its revocation; two such transactions (a mass revocation's
 * chains, two single revocations) join it together without waiting for each other; and the end of a
 * mass revocation brings its held publications forward without waiting for any of them.
 */
let t: TestApp;
let runner: JobRunner;
let caId: string;

beforeAll(async () => {
  t = await startTestApp();
  runner = t.runner({ [CRL_PUBLISH_JOB]: t.services.jobs.handlers[CRL_PUBLISH_JOB] });
  [{ id: caId }] = await t.ds.query(`SELECT id FROM certificate_authority WHERE kind = 'ISSUING' AND active LIMIT 1`);
});

afterAll(async () => {
  await t.close();
});

/** A revocation's call to the publisher for one certificate of shard 3 (the certificate row itself plays no part). */
const revokedOnShard3 = (tx: EntityManager) =>
  t.services.statusPublisher.certificatesRevoked(tx, [
    { id: randomUUID(), issuingCaId: caId, serialHex: "0a", crlShard: 3 },
  ]);

/** A transaction that joins the publication and stays open until it is released. */
function openRevocation(): OpenTransaction {
  return holdOpen(t.ds, async (tx) => {
    // A guard, not a timing: joining must not wait on the other open transaction at all.
    await tx.query(`SET LOCAL lock_timeout = '10s'`);
    await revokedOnShard3(tx);
  });
}

test("STAT-1, STAT-3: revocations join a pending CRL publication side by side, and it runs only after they commit", async () => {
  await inTransaction(t.ds, (tx) => revokedOnShard3(tx));
  const [{ n: before }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM job WHERE kind = $1 AND status = 'PENDING' AND payload->>'shard' = '3'`,
    [CRL_PUBLISH_JOB],
  );
  expect(before).toBe(1);

  const first = openRevocation();
  await first.held;
  const second = openRevocation();
  await second.held; // would wait for the first's commit (and then time out) if joining took the row exclusively
  t.clock.advance(5_000);
  expect(await runner.runDue()).toBe(0); // due, but held by both open transactions

  first.release();
  await first.done;
  expect(await runner.runDue()).toBe(0); // still held by the second
  second.release();
  await second.done;
  expect(await runner.runDue()).toBe(1);
  const [{ n: after }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM job WHERE kind = $1 AND status = 'PENDING' AND payload->>'shard' = '3'`,
    [CRL_PUBLISH_JOB],
  );
  expect(after).toBe(0);
});

test("STAT-1, REV-4: releasing held CRL publications never waits for a revocation holding one: the rest come out at once, that one once it commits", async () => {
  const heldOn = (shard: number) => (tx: EntityManager) =>
    t.services.statusPublisher.certificatesRevoked(
      tx,
      [{ id: randomUUID(), issuingCaId: caId, serialHex: "0b", crlShard: shard }],
      { held: true },
    );
  await inTransaction(t.ds, heldOn(4));
  await inTransaction(t.ds, heldOn(5));
  const heldJobs = async (): Promise<Array<{ shard: string; runAt: number }>> =>
    (
      await t.ds.query(
        `SELECT payload->>'shard' AS shard, run_at FROM job WHERE kind = $1 AND status = 'PENDING' AND starts_with(unique_key, $2) ORDER BY 1`,
        [CRL_PUBLISH_JOB, HELD_KEY_PREFIX],
      )
    ).map((j: { shard: string; run_at: Date }) => ({
      shard: j.shard,
      runAt: j.run_at.getTime() - t.clock.now().getTime(),
    }));
  expect(await heldJobs()).toEqual([
    { shard: "4", runAt: 60_000 },
    { shard: "5", runAt: 60_000 },
  ]);

  // A mass revocation's batch on shard 5 is still open, holding its publication, when another one ends.
  const open = holdOpen(t.ds, heldOn(5));
  await open.held;
  await inTransaction(t.ds, (tx) => t.services.statusPublisher.releaseHeldCrlPublications(tx, "mass:test"));
  const [release] = await t.ds.query(`SELECT id, payload FROM job WHERE kind = $1 AND status = 'PENDING'`, [
    CRL_RELEASE_JOB,
  ]);
  await inTransaction(t.ds, async (tx) => {
    // A guard, not a timing: the release must skip the locked publication, not wait for it.
    await tx.query(`SET LOCAL lock_timeout = '10s'`);
    await t.services.jobs.handlers[CRL_RELEASE_JOB](
      Object.assign(new Job(), { id: String(release.id), kind: CRL_RELEASE_JOB, payload: release.payload }),
      tx,
    );
    await tx.query(`UPDATE job SET status = 'DONE' WHERE id = $1`, [release.id]);
  });
  expect(await heldJobs()).toEqual([
    { shard: "4", runAt: 500 },
    { shard: "5", runAt: 60_000 },
  ]);
  // The locked one is tried again a second later, by itself.
  const [retry] = await t.ds.query(`SELECT payload, run_at FROM job WHERE kind = $1 AND status = 'PENDING'`, [
    CRL_RELEASE_JOB,
  ]);
  const [shard5] = await t.ds.query(
    `SELECT id FROM job WHERE starts_with(unique_key, $1) AND payload->>'shard' = '5'`,
    [HELD_KEY_PREFIX],
  );
  expect(retry.payload).toEqual({ ids: [String(shard5.id)] });
  expect(retry.run_at.getTime() - t.clock.now().getTime()).toBe(1000);

  open.release();
  await open.done;
  t.clock.advance(1000);
  const releaser = t.runner({ [CRL_RELEASE_JOB]: t.services.jobs.handlers[CRL_RELEASE_JOB] });
  expect(await releaser.runDue()).toBe(1);
  expect(await heldJobs()).toEqual([
    { shard: "4", runAt: -500 },
    { shard: "5", runAt: 500 },
  ]);
  expect(await releaser.runDue()).toBe(0); // nothing was left to try again
  t.clock.advance(500);
  expect(await runner.runDue()).toBe(2);
});
