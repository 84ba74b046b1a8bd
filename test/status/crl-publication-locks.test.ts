import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { inTransaction } from "../../api/src/db/transaction";
import type { JobRunner } from "../../api/src/jobs/job-runner";
import { CRL_PUBLISH_JOB } from "../../api/src/status/status-publisher";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * STAT-1, STAT-3: a transaction that revokes joins its scope's pending CRL publication and keeps it from
 * running until it commits, so the CRL lists its revocation; two such transactions (a mass revocation's
 * chains, two single revocations) join it together without waiting for each other.
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

/** A transaction that joins the publication and stays open until `close` is called. */
function openRevocation(): { joined: Promise<void>; close: () => void; done: Promise<void> } {
  let joined!: () => void;
  let close!: () => void;
  const isJoined = new Promise<void>((r) => (joined = r));
  const closed = new Promise<void>((r) => (close = r));
  const done = inTransaction(t.ds, async (tx) => {
    // A guard, not a timing: joining must not wait on the other open transaction at all.
    await tx.query(`SET LOCAL lock_timeout = '10s'`);
    await revokedOnShard3(tx);
    joined();
    await closed;
  });
  // A transaction that fails before joining (the lock timeout) fails `joined` too, with its error.
  return { joined: Promise.race([isJoined, done]), close, done };
}

test("STAT-1, STAT-3: revocations join a pending CRL publication side by side, and it runs only after they commit", async () => {
  await inTransaction(t.ds, (tx) => revokedOnShard3(tx));
  const [{ n: before }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM job WHERE kind = $1 AND status = 'PENDING' AND payload->>'shard' = '3'`,
    [CRL_PUBLISH_JOB],
  );
  expect(before).toBe(1);

  const first = openRevocation();
  await first.joined;
  const second = openRevocation();
  await second.joined; // would wait for the first's commit (and then time out) if joining took the row exclusively
  t.clock.advance(5_000);
  expect(await runner.runDue()).toBe(0); // due, but held by both open transactions

  first.close();
  await first.done;
  expect(await runner.runDue()).toBe(0); // still held by the second
  second.close();
  await second.done;
  expect(await runner.runDue()).toBe(1);
  const [{ n: after }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM job WHERE kind = $1 AND status = 'PENDING' AND payload->>'shard' = '3'`,
    [CRL_PUBLISH_JOB],
  );
  expect(after).toBe(0);
});
