import request from "supertest";
import { jstInstant, toJst } from "../../api/src/domain/jst";
import { CRL_HISTORY_MIN_CURRENT_MS } from "../../api/src/status/crl.service";
import { StatusFixture, binary, startStatusFixture } from "./status-support";

/**
 * The stored CRL history (status/crl.service.ts pruneHistory): every CRL that was its scope's latest for
 * at least an hour is kept, and the latest of every scope; the ones superseded sooner (a mass
 * revocation's republications) are dropped by the hourly job.
 */

let f: StatusFixture;

beforeAll(async () => {
  f = await startStatusFixture(0);
}, 60_000);

afterAll(async () => {
  await f?.close();
});

type Row = { crl_number: string };

const history = async (caId: string): Promise<string[]> =>
  (
    await f.t.ds.query<Row[]>(
      `SELECT crl_number FROM crl WHERE issuing_ca_id = $1 AND shard IS NULL ORDER BY crl_number`,
      [caId],
    )
  ).map((r) => r.crl_number);

test("STAT-1: the hourly job keeps each CRL that was current for an hour or more and the latest of every scope, and drops those superseded sooner; the latest is still served", async () => {
  expect(CRL_HISTORY_MIN_CURRENT_MS).toBe(3_600_000);
  const publishAt = async (ms: number): Promise<string> => {
    f.t.clock.set(new Date(ms));
    const crl = await f.t.services.ds.transaction((tx) => f.t.services.crls.publish(tx, f.issuingCaId));
    return crl.crlNumber.toString();
  };
  const before = await history(f.issuingCaId);
  const otherScopes = async () =>
    f.t.ds.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM crl WHERE NOT (issuing_ca_id = $1 AND shard IS NULL)`,
      [f.issuingCaId],
    );
  const [{ n: othersBefore }] = await otherScopes();

  // Tomorrow at 12:00 JST, so the job's hour (15:00 JST) is due alone: no daily job (03:00 JST CRL
  // refresh among them) falls between the last publication and it, whatever time the test runs at.
  const today = toJst(f.t.clock.now());
  const t0 = jstInstant(today.year, today.month, today.day + 1, 12, 0).getTime();
  const burst1 = await publishAt(t0);
  const burst2 = await publishAt(t0 + 1_000);
  const heldTwoHours = await publishAt(t0 + 2_000);
  const heldTenMinutes = await publishAt(t0 + 2_000 + 2 * 3_600_000);
  const latest = await publishAt(t0 + 2_000 + 2 * 3_600_000 + 10 * 60_000);
  expect(await history(f.issuingCaId)).toEqual([...before, burst1, burst2, heldTwoHours, heldTenMinutes, latest]);

  // The job, as the runner schedules it: at the start of the next hour.
  await f.t.jobs.scheduleRecurring();
  const [{ run_at }] = await f.t.ds.query<Array<{ run_at: Date }>>(
    `SELECT run_at FROM job WHERE kind = 'crl.prune' AND status = 'PENDING' ORDER BY run_at LIMIT 1`,
  );
  f.t.clock.set(new Date(Math.max(new Date(run_at).getTime(), f.t.clock.now().getTime())));
  await f.t.jobs.runDue();
  const [{ status }] = await f.t.ds.query<Array<{ status: string }>>(
    `SELECT status FROM job WHERE kind = 'crl.prune' AND run_at = $1`,
    [run_at],
  );
  expect(status).toBe("DONE");

  // Start-up's CRL was current until tomorrow's burst: kept.
  expect(before.length).toBeGreaterThan(0);
  expect(await history(f.issuingCaId)).toEqual([...before, heldTwoHours, latest]);
  const [{ n: othersAfter }] = await otherScopes();
  expect(othersAfter).toBe(othersBefore); // other scopes hold only their latest CRL here: untouched

  const served = await binary(request(f.t.app).get(`/crl/${f.issuingCaId}.crl`));
  expect(served.status).toBe(200);
  expect(served.headers.etag).toContain(latest);

  // Nothing left to drop: a second pass drops nothing.
  expect(await f.t.services.ds.transaction((tx) => f.t.services.crls.pruneHistory(tx))).toBe(0);
});

test("STAT-1: a burst longer than one pruning batch is dropped in full, oldest first, and its last CRL kept", async () => {
  const before = await history(f.issuingCaId);
  // 250 republications one second apart, two hours after the scope's latest (which they supersede late
  // enough to keep it): the DER is the latest's, as only the times and numbers are judged.
  await f.t.ds.query(
    `INSERT INTO crl (issuing_ca_id, shard, crl_number, this_update, next_update, der)
     SELECT c.issuing_ca_id, c.shard, c.crl_number + g, c.this_update + interval '2 hours' + g * interval '1 second',
            c.next_update + interval '2 hours' + g * interval '1 second', c.der
     FROM (SELECT * FROM crl WHERE issuing_ca_id = $1 AND shard IS NULL ORDER BY crl_number DESC LIMIT 1) AS c,
          generate_series(1, 250) AS g`,
    [f.issuingCaId],
  );
  const burst = (await history(f.issuingCaId)).slice(before.length);
  expect(burst).toHaveLength(250);

  expect(await f.t.services.ds.transaction((tx) => f.t.services.crls.pruneHistory(tx))).toBe(249);
  expect(await history(f.issuingCaId)).toEqual([...before, burst[249]]);
});
