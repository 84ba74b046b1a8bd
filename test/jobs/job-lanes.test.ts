import { DataSource } from "typeorm";
import { createDataSource } from "../../api/src/db/data-source";
import { FixedClock } from "../../api/src/domain/clock";
import { splitJobSet } from "../../api/src/jobs/job-sets";
import { JobRunner, enqueueJob } from "../../api/src/jobs/job-runner";
import { createLogger } from "../../api/src/logger";
import { createTestDatabase } from "../support/database";
import { JOB_LANES, laneRunners } from "../../api/src/runtime/job-lanes";
import { CRL_PUBLISH_JOB } from "../../api/src/status/status-publisher";
import { MASS_REVOCATION_JOB } from "../../api/src/revocations/mass-revocation.service";
import { WEBHOOK_DELIVER_JOB } from "../../api/src/events/event-publisher";
import { SEND_NOTICES_JOB } from "../../api/src/notices/notice.service";

/** STAT-1, REV-2: a slow network job (a webhook that never answers) must not hold up the core jobs. */
let ds: DataSource;
let drop: () => Promise<void>;

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = () => db.drop();
  ds = createDataSource(db.url, { poolSize: 6 });
  await ds.initialize();
});

afterAll(async () => {
  await ds.destroy();
  await drop();
});

test("STAT-1: with the job set split into lanes, a core job runs while a network job is still waiting on its peer", async () => {
  const clock = new FixedClock(new Date("2026-11-21T03:00:00Z"));
  let release!: () => void;
  const peer = new Promise<void>((r) => (release = r));
  const ran: string[] = [];
  const set = {
    handlers: {
      "webhooks.deliver": async () => {
        await peer;
        ran.push("webhook");
      },
      "crl.publish": async () => {
        ran.push("crl");
      },
    },
    recurring: [],
  };
  const lanes = splitJobSet(set, { network: ["webhooks.deliver"] });
  expect(Object.keys(lanes.core.handlers)).toEqual(["crl.publish"]);
  expect(Object.keys(lanes.network.handlers)).toEqual(["webhooks.deliver"]);
  await ds.transaction(async (tx) => {
    await enqueueJob(tx, { kind: "webhooks.deliver", runAt: clock.now() });
    await enqueueJob(tx, { kind: "crl.publish", runAt: new Date(clock.now().getTime() + 1) });
  });
  clock.advance(10);
  const logger = createLogger("silent");
  const network = new JobRunner({ ds, clock, logger, handlers: lanes.network.handlers });
  const core = new JobRunner({ ds, clock, logger, handlers: lanes.core.handlers });
  const slow = network.runDue();
  await core.runDue();
  expect(ran).toEqual(["crl"]);
  release();
  await slow;
  expect(ran).toEqual(["crl", "webhook"]);
});

test("STAT-3: a CRL publication runs while a mass revocation's batch is still running in its own lane", async () => {
  const clock = new FixedClock(new Date("2026-11-21T03:00:00Z"));
  let release!: () => void;
  const batchHeld = new Promise<void>((r) => (release = r));
  const ran: string[] = [];
  const set = {
    handlers: {
      "revocation.mass-batch": async () => {
        await batchHeld;
        ran.push("batch");
      },
      "crl.publish": async () => {
        ran.push("crl");
      },
      "webhooks.deliver": async () => {
        ran.push("webhook");
      },
    },
    recurring: [],
  };
  const lanes = splitJobSet(set, { network: ["webhooks.deliver"], bulk: ["revocation.mass-batch"] });
  expect(Object.keys(lanes.core.handlers)).toEqual(["crl.publish"]);
  expect(Object.keys(lanes.network.handlers)).toEqual(["webhooks.deliver"]);
  expect(Object.keys(lanes.bulk.handlers)).toEqual(["revocation.mass-batch"]);
  await ds.transaction(async (tx) => {
    await enqueueJob(tx, { kind: "revocation.mass-batch", runAt: clock.now() });
    await enqueueJob(tx, { kind: "crl.publish", runAt: new Date(clock.now().getTime() + 1) });
  });
  clock.advance(10);
  const logger = createLogger("silent");
  const bulk = new JobRunner({ ds, clock, logger, handlers: lanes.bulk.handlers });
  const core = new JobRunner({ ds, clock, logger, handlers: lanes.core.handlers });
  const batch = bulk.runDue();
  await core.runDue();
  expect(ran).toEqual(["crl"]);
  release();
  await batch;
  expect(ran).toEqual(["crl", "batch"]);
});

test("STAT-3: the service's lanes keep CRL publication apart from mass-revocation batches and network jobs", () => {
  const kinds = [CRL_PUBLISH_JOB, MASS_REVOCATION_JOB, WEBHOOK_DELIVER_JOB, SEND_NOTICES_JOB];
  const set = { handlers: Object.fromEntries(kinds.map((k) => [k, async () => {}])), recurring: [] };
  const lanes = splitJobSet(set, JOB_LANES);
  expect(Object.keys(lanes.core.handlers)).toEqual([CRL_PUBLISH_JOB]);
  expect(Object.keys(lanes.bulk.handlers)).toEqual([MASS_REVOCATION_JOB]);
  expect(Object.keys(lanes.network.handlers)).toEqual([WEBHOOK_DELIVER_JOB, SEND_NOTICES_JOB]);
});

test("STAT-1: the core lane has several runners, so the CRL shards a mass revocation touched publish side by side", async () => {
  const core = laneRunners(1).core;
  expect(core).toBeGreaterThan(1);
  const clock = new FixedClock(new Date("2026-11-21T03:00:00Z"));
  let inFlight = 0;
  let most = 0;
  let allIn!: () => void;
  const together = new Promise<void>((r) => (allIn = r));
  // Each publication waits until all runners hold one, or gives up after 20 s (then `most` shows it ran alone).
  const set = {
    handlers: {
      [CRL_PUBLISH_JOB]: async () => {
        most = Math.max(most, ++inFlight);
        if (inFlight === core) allIn();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([together, new Promise((r) => (timer = setTimeout(r, 20_000)))]);
        clearTimeout(timer);
        inFlight--;
      },
    },
    recurring: [],
  };
  const lanes = splitJobSet(set, JOB_LANES);
  await ds.transaction(async (tx) => {
    for (let shard = 0; shard < core; shard++)
      await enqueueJob(tx, { kind: CRL_PUBLISH_JOB, runAt: clock.now(), payload: { shard } });
  });
  clock.advance(10);
  const logger = createLogger("silent");
  const runners = Array.from(
    { length: core },
    () => new JobRunner({ ds, clock, logger, handlers: lanes.core.handlers }),
  );
  await Promise.all(runners.map((r) => r.runDue()));
  expect(most).toBe(core);
}, 60_000);
