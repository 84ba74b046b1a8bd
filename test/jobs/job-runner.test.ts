import pino from "pino";
import { DataSource, EntityManager } from "typeorm";
import { createDataSource } from "../../api/src/db/data-source";
import { FixedClock, systemClock } from "../../api/src/domain/clock";
import { Job } from "../../api/src/jobs/job.entity";
import { JobHandler, JobRunner, JobRunnerOptions, defaultBackoffMs, enqueueJob } from "../../api/src/jobs/job-runner";
import { dailyAtJst, everyJstMonthEnd } from "../../api/src/jobs/schedule";
import { createTestDatabase } from "../support/database";

let db: { url: string; ownerUrl: string; drop(): Promise<void> };
let main: DataSource; // the test's own connection, as the owner: set-up (a scratch table) and inspection
let replicaA: DataSource; // two replicas of the service
let replicaB: DataSource;
const silent = pino({ level: "silent" });

beforeAll(async () => {
  db = await createTestDatabase();
  main = createDataSource(db.ownerUrl, { poolSize: 4, applicationName: "akashi-test" });
  replicaA = createDataSource(db.url, { poolSize: 3, applicationName: "akashi-replica-a" });
  replicaB = createDataSource(db.url, { poolSize: 3, applicationName: "akashi-replica-b" });
  await Promise.all([main.initialize(), replicaA.initialize(), replicaB.initialize()]);
  // Scratch table for the handlers' effects: a job that ran twice would break the UNIQUE constraint.
  await main.query(`CREATE TABLE job_effect (job_id bigint NOT NULL UNIQUE, runner text NOT NULL)`);
});

afterAll(async () => {
  await Promise.all([main, replicaA, replicaB].map((ds) => (ds?.isInitialized ? ds.destroy() : Promise.resolve())));
  await db?.drop();
});

beforeEach(async () => {
  await main.query(`TRUNCATE job, job_effect`);
});

const T0 = new Date("2026-06-01T03:00:00Z");

function runner(
  ds: DataSource,
  clock: FixedClock,
  handlers: Record<string, JobHandler>,
  extra: Partial<JobRunnerOptions> = {},
): JobRunner {
  return new JobRunner({ ds, clock, logger: silent, handlers, ...extra });
}

/** A handler that records the job in job_effect (in the job's transaction) under the runner's name. */
function recordingHandler(name: string, calls: string[]): JobHandler {
  return async (job: Job, tx: EntityManager) => {
    calls.push(job.id);
    await tx.query(`INSERT INTO job_effect (job_id, runner) VALUES ($1, $2)`, [job.id, name]);
  };
}

async function enqueue(kind: string, runAt: Date, uniqueKey?: string): Promise<boolean> {
  return main.transaction((tx) => enqueueJob(tx, { kind, runAt, uniqueKey }));
}

async function jobRows(
  where = "TRUE",
  params: unknown[] = [],
): Promise<
  Array<{
    id: string;
    kind: string;
    unique_key: string | null;
    status: string;
    attempts: number;
    run_at: Date;
    last_error: string | null;
    finished_at: Date | null;
  }>
> {
  return main.query(
    `SELECT id, kind, unique_key, status, attempts, run_at, last_error, finished_at FROM job WHERE ${where} ORDER BY run_at, id`,
    params,
  );
}

async function effectCount(): Promise<number> {
  const [{ n }] = await main.query(`SELECT count(*)::int AS n FROM job_effect`);
  return n;
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("claiming", () => {
  test("two replicas draining 300 due jobs concurrently run each exactly once", async () => {
    const clock = new FixedClock(T0);
    await main.transaction(async (tx) => {
      for (let i = 0; i < 300; i++) await enqueueJob(tx, { kind: "drain", runAt: new Date(T0.getTime() - 60_000 + i) });
    });
    const callsA: string[] = [];
    const callsB: string[] = [];
    const a = runner(replicaA, clock, { drain: recordingHandler("a", callsA) });
    const b = runner(replicaB, clock, { drain: recordingHandler("b", callsB) });

    const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue()]);

    expect(ranA + ranB).toBe(300);
    expect(callsA.length).toBe(ranA);
    expect(callsB.length).toBe(ranB);
    expect(ranA).toBeGreaterThan(0);
    expect(ranB).toBeGreaterThan(0);
    expect(new Set([...callsA, ...callsB]).size).toBe(300); // no handler call was repeated, not even a rolled-back one
    expect(await effectCount()).toBe(300);
    const jobs = await jobRows();
    expect(jobs).toHaveLength(300);
    expect(jobs.every((j) => j.status === "DONE" && j.attempts === 1 && j.last_error === null)).toBe(true);
    expect(jobs.every((j) => j.finished_at?.getTime() === T0.getTime())).toBe(true);
  });

  test("jobs that are not due yet, or of a kind the runner has no handler for, are left alone", async () => {
    const clock = new FixedClock(T0);
    await enqueue("later", new Date(T0.getTime() + 1));
    await enqueue("unknown", T0);
    const calls: string[] = [];
    const a = runner(replicaA, clock, { later: recordingHandler("a", calls) });
    expect(await a.runDue()).toBe(0);
    clock.advance(1);
    expect(await a.runDue()).toBe(1);
    expect((await jobRows()).map((j) => [j.kind, j.status])).toEqual([
      ["unknown", "PENDING"],
      ["later", "DONE"],
    ]);
  });

  test("due jobs run in run_at order", async () => {
    const clock = new FixedClock(T0);
    await enqueue("ordered", new Date(T0.getTime() - 1000), "third");
    await enqueue("ordered", new Date(T0.getTime() - 3000), "first");
    await enqueue("ordered", new Date(T0.getTime() - 2000), "second");
    const seen: string[] = [];
    const a = runner(replicaA, clock, { ordered: async (job) => void seen.push(job.uniqueKey!) });
    expect(await a.runDue()).toBe(3);
    expect(seen).toEqual(["first", "second", "third"]);
  });

  test("runDue stops at its limit", async () => {
    const clock = new FixedClock(T0);
    for (let i = 0; i < 5; i++) await enqueue("limited", T0);
    const a = runner(replicaA, clock, { limited: async () => {} });
    expect(await a.runDue(2)).toBe(2);
    expect(await a.runDue()).toBe(3);
  });
});

describe("failures", () => {
  test("a failing handler is rolled back, retried after the back-off, and FAILED after maxAttempts", async () => {
    const clock = new FixedClock(T0);
    const logs: Array<Record<string, any>> = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    await enqueue("flaky", T0);
    let calls = 0;
    const a = new JobRunner({
      ds: replicaA,
      clock,
      logger,
      maxAttempts: 3,
      handlers: {
        flaky: async (job, tx) => {
          calls++;
          expect(job.attempts).toBe(calls - 1);
          await tx.query(`INSERT INTO job_effect (job_id, runner) VALUES ($1, 'a')`, [job.id]);
          throw new Error(`boom ${calls}`);
        },
      },
    });

    // Attempt 1 fails: retried after backoff(1) = 1 s.
    expect(await a.runDue()).toBe(1);
    let [job] = await jobRows();
    expect(job).toMatchObject({ status: "PENDING", attempts: 1, last_error: "Error: boom 1", finished_at: null });
    expect(job.run_at.toISOString()).toBe(new Date(T0.getTime() + 1000).toISOString());
    expect(await effectCount()).toBe(0);
    const warn = logs.find((l) => l.msg === "job failed; will retry");
    expect(warn).toMatchObject({ level: 40, jobId: job.id, kind: "flaky", attempt: 1, err: { message: "boom 1" } });
    expect(typeof warn!.ms).toBe("number");

    clock.advance(999);
    expect(await a.runDue()).toBe(0);
    clock.advance(1);
    // Attempt 2 fails: retried after backoff(2) = 2 s.
    expect(await a.runDue()).toBe(1);
    [job] = await jobRows();
    expect(job).toMatchObject({ status: "PENDING", attempts: 2, last_error: "Error: boom 2" });
    expect(job.run_at.toISOString()).toBe(new Date(T0.getTime() + 1000 + 2000).toISOString());

    clock.advance(1999);
    expect(await a.runDue()).toBe(0);
    clock.advance(1);
    // Attempt 3 of 3 fails: FAILED for good.
    expect(await a.runDue()).toBe(1);
    [job] = await jobRows();
    expect(job).toMatchObject({ status: "FAILED", attempts: 3, last_error: "Error: boom 3" });
    expect(job.finished_at?.toISOString()).toBe(clock.now().toISOString());
    expect(logs.find((l) => l.msg === "job failed for good")).toMatchObject({ level: 50, jobId: job.id, attempt: 3 });

    clock.advance(24 * 60 * 60 * 1000);
    expect(await a.runDue()).toBe(0);
    expect(calls).toBe(3);
    expect(await effectCount()).toBe(0);
  });

  test("the default back-off doubles from one second and stops growing at one hour", () => {
    expect([1, 2, 3, 4, 8].map(defaultBackoffMs)).toEqual([1000, 2000, 4000, 8000, 128_000]);
    expect(defaultBackoffMs(12)).toBe(2_048_000);
    expect(defaultBackoffMs(13)).toBe(3_600_000);
    expect(defaultBackoffMs(100)).toBe(3_600_000);
  });

  test("a job whose runner dies mid-handler stays PENDING and unchanged, and another runner runs it once", async () => {
    const clock = new FixedClock(T0);
    await enqueue("fragile", T0);
    const [before] = await jobRows();
    const dying = createDataSource(db.url, { poolSize: 2, applicationName: "akashi-dying" });
    await dying.initialize();
    try {
      const started = deferred<number>();
      const frozen = deferred<void>();
      const a = runner(dying, clock, {
        fragile: async (job, tx) => {
          await tx.query(`INSERT INTO job_effect (job_id, runner) VALUES ($1, 'dying')`, [job.id]);
          const [{ pid }] = await tx.query(`SELECT pg_backend_pid() AS pid`);
          started.resolve(pid);
          await frozen.promise; // the process hangs here, then "dies"
        },
      });
      const dyingRun = a.runDue();
      const pid = await started.promise;

      // The process dies: its connection goes away, so PostgreSQL aborts its transaction.
      await main.query(`SELECT pg_terminate_backend($1)`, [pid]);
      await waitFor(
        "the dying backend to exit",
        async () => (await main.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [pid])).length === 0,
      );

      const [after] = await jobRows();
      expect(after).toEqual(before); // PENDING, attempts 0, no error, same run_at
      expect(after.status).toBe("PENDING");
      expect(await effectCount()).toBe(0);

      const calls: string[] = [];
      const b = runner(replicaB, clock, { fragile: recordingHandler("b", calls) });
      expect(await b.runDue()).toBe(1);
      expect(calls).toEqual([before.id]);
      expect(await main.query(`SELECT runner FROM job_effect`)).toEqual([{ runner: "b" }]);
      expect((await jobRows())[0]).toMatchObject({ status: "DONE", attempts: 1, last_error: null });

      // Should the frozen runner wake up and fail, it must not undo or re-count what the other one did.
      frozen.reject(new Error("woke up after its connection was gone"));
      await dyingRun.catch(() => {});
      expect((await jobRows())[0]).toMatchObject({ status: "DONE", attempts: 1, last_error: null });
      expect(await effectCount()).toBe(1);
      expect(await b.runDue()).toBe(0);
    } finally {
      await dying.destroy().catch(() => {});
    }
  });
});

describe("enqueue", () => {
  test("enqueue with the same unique key twice inserts once", async () => {
    expect(await enqueue("once", T0, "once:1")).toBe(true);
    expect(await enqueue("once", new Date(T0.getTime() + 5000), "once:1")).toBe(false);
    const rows = await jobRows(`unique_key = 'once:1'`);
    expect(rows).toHaveLength(1);
    expect(rows[0].run_at.toISOString()).toBe(T0.toISOString());
  });

  test("jobs without a unique key are never merged", async () => {
    expect(await enqueue("many", T0)).toBe(true);
    expect(await enqueue("many", T0)).toBe(true);
    expect(await jobRows(`kind = 'many'`)).toHaveLength(2);
  });

  test("a job enqueued in a transaction that rolls back does not exist", async () => {
    await expect(
      main.transaction(async (tx) => {
        await enqueueJob(tx, { kind: "rolled-back", runAt: T0, uniqueKey: "rb" });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await jobRows()).toHaveLength(0);
    expect(await enqueue("rolled-back", T0, "rb")).toBe(true);
  });
});

describe("recurring jobs", () => {
  test("the month-end job runs once at 00:00 JST on the 1st and the next month's is enqueued exactly once", async () => {
    const clock = new FixedClock(new Date("2026-12-31T14:59:58Z")); // 23:59:58 JST on 31 December
    const runs: Array<[string, string | null]> = [];
    const handler =
      (name: string): JobHandler =>
      async (job) =>
        void runs.push([name, job.uniqueKey]);
    const monthEnd = everyJstMonthEnd("month-end");
    const a = runner(replicaA, clock, { "month-end": handler("a") }, { recurring: [monthEnd] });
    const b = runner(replicaB, clock, { "month-end": handler("b") }, { recurring: [monthEnd] });

    const inserted = await Promise.all([a.scheduleRecurring(), b.scheduleRecurring()]);
    expect(inserted[0] + inserted[1]).toBe(1);
    let rows = await jobRows(`kind = 'month-end'`);
    expect(rows.map((r) => [r.unique_key, r.run_at.toISOString(), r.status])).toEqual([
      ["month-end:2026-12", "2026-12-31T15:00:00.000Z", "PENDING"],
    ]);

    expect(await Promise.all([a.runDue(), b.runDue()])).toEqual([0, 0]);

    clock.advance(2000);
    // Both replicas run and both try to keep the next occurrence enqueued, all at once.
    const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue(), a.scheduleRecurring(), b.scheduleRecurring()]);
    expect(ranA + ranB).toBe(1);
    expect(runs.map((r) => r[1])).toEqual(["month-end:2026-12"]);
    await Promise.all([a.scheduleRecurring(), b.scheduleRecurring()]);
    rows = await jobRows(`kind = 'month-end'`);
    expect(rows.map((r) => [r.unique_key, r.run_at.toISOString(), r.status])).toEqual([
      ["month-end:2026-12", "2026-12-31T15:00:00.000Z", "DONE"],
      ["month-end:2027-01", "2027-01-31T15:00:00.000Z", "PENDING"],
    ]);

    clock.set(new Date("2027-01-31T14:59:59.999Z"));
    expect(await Promise.all([a.runDue(), b.runDue()])).toEqual([0, 0]);
    clock.advance(1);
    await Promise.all([a.runDue(), b.runDue()]);
    expect(runs.map((r) => r[1])).toEqual(["month-end:2026-12", "month-end:2027-01"]);
    rows = await jobRows(`kind = 'month-end' AND status = 'PENDING'`);
    expect(rows.map((r) => [r.unique_key, r.run_at.toISOString()])).toEqual([
      ["month-end:2027-02", "2027-02-28T15:00:00.000Z"],
    ]);
  });

  test("occurrences missed during an outage each run once, in order", async () => {
    const clock = new FixedClock(new Date("2026-12-31T12:00:00Z"));
    const runs: string[] = [];
    const a = runner(
      replicaA,
      clock,
      { daily: async (job) => void runs.push(job.uniqueKey!) },
      { recurring: [dailyAtJst("daily", 3)] },
    );
    await a.scheduleRecurring(); // 2027-01-01 03:00 JST
    clock.set(new Date("2027-01-03T17:00:00Z")); // 2027-01-04 02:00 JST: three occurrences are due
    expect(await a.runDue()).toBe(3);
    expect(runs).toEqual(["daily:2027-01-01", "daily:2027-01-02", "daily:2027-01-03"]);
    const pending = await jobRows(`kind = 'daily' AND status = 'PENDING'`);
    expect(pending.map((r) => [r.unique_key, r.run_at.toISOString()])).toEqual([
      ["daily:2027-01-04", "2027-01-03T18:00:00.000Z"],
    ]);
  });

  test("a scan (catchUp latest) missed during an outage runs once, then continues from now", async () => {
    const clock = new FixedClock(new Date("2026-12-31T12:00:00Z"));
    const runs: string[] = [];
    const a = runner(
      replicaA,
      clock,
      { scan: async (job) => void runs.push(job.uniqueKey!) },
      { recurring: [dailyAtJst("scan", 3, 0, "latest")] },
    );
    await a.scheduleRecurring(); // 2027-01-01 03:00 JST
    clock.set(new Date("2027-01-03T17:00:00Z")); // 2027-01-04 02:00 JST: three occurrences were missed
    expect(await a.runDue()).toBe(1);
    expect(runs).toEqual(["scan:2027-01-01"]);
    const pending = await jobRows(`kind = 'scan' AND status = 'PENDING'`);
    expect(pending.map((r) => [r.unique_key, r.run_at.toISOString()])).toEqual([
      ["scan:2027-01-04", "2027-01-03T18:00:00.000Z"],
    ]);
  });

  test("a recurring job that fails for good still schedules its next occurrence", async () => {
    const clock = new FixedClock(new Date("2026-12-31T12:00:00Z"));
    const a = runner(
      replicaA,
      clock,
      { nightly: async () => Promise.reject(new Error("down")) },
      { recurring: [dailyAtJst("nightly", 1)], maxAttempts: 1 },
    );
    await a.scheduleRecurring();
    clock.set(new Date("2026-12-31T16:00:00Z"));
    expect(await a.runDue()).toBe(1);
    const rows = await jobRows(`kind = 'nightly'`);
    expect(rows.map((r) => [r.unique_key, r.status])).toEqual([
      ["nightly:2027-01-01", "FAILED"],
      ["nightly:2027-01-02", "PENDING"],
    ]);
  });

  test("a recurring kind needs a handler", () => {
    expect(() => runner(replicaA, new FixedClock(T0), {}, { recurring: [dailyAtJst("orphan", 1)] })).toThrow(/orphan/);
  });
});

describe("schedules", () => {
  const iso = (d: Date) => d.toISOString();

  test("everyJstMonthEnd runs at 00:00 JST on the 1st, keyed by the month that ended", () => {
    const s = everyJstMonthEnd("close");
    expect(iso(s.next(new Date("2026-12-31T14:59:58Z")))).toBe("2026-12-31T15:00:00.000Z");
    expect(iso(s.next(new Date("2026-12-31T14:59:59.999Z")))).toBe("2026-12-31T15:00:00.000Z");
    expect(iso(s.next(new Date("2026-12-31T15:00:00Z")))).toBe("2027-01-31T15:00:00.000Z");
    expect(iso(s.next(new Date("2028-02-10T00:00:00Z")))).toBe("2028-02-29T15:00:00.000Z"); // leap year
    expect(iso(s.next(new Date("2026-01-31T16:00:00Z")))).toBe("2026-02-28T15:00:00.000Z"); // already 1 Feb in Japan
    expect(s.key(new Date("2026-12-31T15:00:00Z"))).toBe("close:2026-12");
    expect(s.key(new Date("2028-02-29T15:00:00Z"))).toBe("close:2028-02");
  });

  test("dailyAtJst runs at the given JST hour, keyed by the JST date", () => {
    const s = dailyAtJst("sweep", 3);
    expect(iso(s.next(new Date("2026-06-01T17:59:59Z")))).toBe("2026-06-01T18:00:00.000Z"); // 02:59:59 JST on 2 June
    expect(iso(s.next(new Date("2026-06-01T18:00:00Z")))).toBe("2026-06-02T18:00:00.000Z");
    expect(iso(s.next(new Date("2026-12-31T20:00:00Z")))).toBe("2027-01-01T18:00:00.000Z");
    expect(s.key(new Date("2026-06-01T18:00:00Z"))).toBe("sweep:2026-06-02");
    expect(iso(dailyAtJst("midnight", 0).next(new Date("2026-06-01T14:59:59Z")))).toBe("2026-06-01T15:00:00.000Z");
    expect(() => dailyAtJst("bad", 24)).toThrow(RangeError);
  });
});

describe("start and stop", () => {
  test("start() wakes on NOTIFY and runs a job enqueued by another replica well before the poll interval", async () => {
    const clock = new FixedClock(T0);
    const calls: string[] = [];
    // The next poll is an hour away: only NOTIFY can bring the runner back before the test's own timeout.
    const a = runner(replicaA, clock, { wake: recordingHandler("a", calls) }, { pollMs: 3_600_000 });
    await a.start();
    try {
      // Give the first poll a moment to finish (if it has not, it runs the job itself and the test proves less, never fails).
      await new Promise((r) => setTimeout(r, 200));
      await replicaB.transaction((tx) => enqueueJob(tx, { kind: "wake", runAt: T0 }));
      await waitFor("the job to run", async () => (await jobRows(`status = 'DONE'`)).length === 1, 120_000);
      expect(calls).toHaveLength(1);
    } finally {
      await a.stop();
    }
  });

  test("STAT-3: a job enqueued for later runs when it falls due, not a whole poll interval later", async () => {
    // A coalesced CRL publication is enqueued half a second ahead; with the next poll an hour away,
    // only sleeping until the earliest due job brings the runner back before the test's timeout.
    const calls: string[] = [];
    const a = new JobRunner({
      ds: replicaA,
      clock: systemClock,
      logger: silent,
      handlers: { later: recordingHandler("a", calls) },
      pollMs: 3_600_000,
    });
    await a.start();
    try {
      await new Promise((r) => setTimeout(r, 200));
      await replicaB.transaction((tx) => enqueueJob(tx, { kind: "later", runAt: new Date(Date.now() + 500) }));
      await waitFor("the job to run once due", async () => (await jobRows(`status = 'DONE'`)).length === 1, 120_000);
      expect(calls).toHaveLength(1);
    } finally {
      await a.stop();
    }
  });

  test("start() keeps the recurring jobs enqueued", async () => {
    const clock = new FixedClock(new Date("2026-12-31T14:59:58Z"));
    const a = runner(
      replicaA,
      clock,
      { "month-end": async () => {} },
      { recurring: [everyJstMonthEnd("month-end")], pollMs: 10_000 },
    );
    await a.start();
    try {
      await waitFor("the recurring job to be enqueued", async () => (await jobRows()).length === 1);
      expect((await jobRows())[0].unique_key).toBe("month-end:2026-12");
    } finally {
      await a.stop();
    }
  });

  test("stop() waits for the job in flight and closes the listener", async () => {
    const clock = new FixedClock(T0);
    const started = deferred<void>();
    const release = deferred<void>();
    const a = runner(
      replicaA,
      clock,
      {
        slow: async (job, tx) => {
          started.resolve();
          await release.promise;
          await tx.query(`INSERT INTO job_effect (job_id, runner) VALUES ($1, 'a')`, [job.id]);
        },
      },
      { pollMs: 10_000 },
    );
    await enqueue("slow", T0);
    await enqueue("slow", T0);
    await a.start();
    await started.promise;
    const listeners = () =>
      main.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'akashi-replica-a-listener'`);
    expect(await listeners()).toHaveLength(1);
    let stopped = false;
    const stopping = a.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    release.resolve();
    await stopping;
    // The job in flight finished and committed; the second one was left for later.
    expect((await jobRows()).map((j) => j.status)).toEqual(["DONE", "PENDING"]);
    expect(await effectCount()).toBe(1);
    await waitFor("the listener connection to close", async () => (await listeners()).length === 0);
  });
});
