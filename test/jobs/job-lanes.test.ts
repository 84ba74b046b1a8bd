import { DataSource } from "typeorm";
import { createDataSource } from "../../api/src/db/data-source";
import { FixedClock } from "../../api/src/domain/clock";
import { splitJobSet } from "../../api/src/jobs/job-sets";
import { JobRunner, enqueueJob } from "../../api/src/jobs/job-runner";
import { createLogger } from "../../api/src/logger";
import { createTestDatabase } from "../support/database";

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
  const lanes = splitJobSet(set, ["webhooks.deliver"]);
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
