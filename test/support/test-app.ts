import type { RequestListener } from "node:http";
import request from "supertest";
import { DataSource } from "typeorm";
import { systemActor } from "../../api/src/auth/caller";
import { loadConfig } from "../../api/src/config";
import { createDataSource } from "../../api/src/db/data-source";
import { FixedClock } from "../../api/src/domain/clock";
import { Loaders } from "../../api/src/db/loaders";
import { createApp } from "../../api/src/http/app";
import { JobRunner, type JobHandler } from "../../api/src/jobs/job-runner";
import type { ViewChanges } from "../../api/src/status/view-changes";
import { createLogger } from "../../api/src/logger";
import { Services, createServices } from "../../api/src/services";
import { createTestDatabase } from "./database";
import { TestDnsServer, startDnsServer } from "./dns-server";

interface GqlResult {
  status: number;
  data: any;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export interface TestApp {
  ds: DataSource;
  /** The owner's connection string of this test database (DDL, TRUNCATE, triggers). */
  ownerUrl: string;
  services: Services;
  clock: FixedClock;
  /** The whole HTTP surface as a request listener (supertest, or http.createServer). */
  app: RequestListener;
  /** The job runner, driven by hand: `await t.jobs.scheduleRecurring(); await t.jobs.runDue()`. */
  jobs: JobRunner;
  /** Another hand-driven runner, over the given job kinds: a second replica, or a restarted process. */
  runner(handlers: Record<string, JobHandler>): JobRunner;
  operatorKey: string;
  /** POST /graphql with an optional API key. */
  gql(key: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult>;
  /** A new reseller and its first key, made through the services as the operator would. */
  createReseller(code: string): Promise<{ id: string; globalId: string; key: string }>;
  /** The test DNS server domain-control and CAA look-ups use, unless the test named its own (AKASHI_DCV_DNS_SERVERS). */
  dns: TestDnsServer;
  close(): Promise<void>;
}

/**
 * The job runner as tests drive it. After `runDue` the test reads what the jobs wrote, as a caller
 * reads its own writes after a mutation: so, like a mutation, it first waits until this process has
 * heard every change the jobs committed (ViewChanges.sync). Without it a status read right after a job
 * could race the job's NOTIFY and see the cached answer from before (STAT-3 allows 2 s; a test does not
 * wait at all).
 */
class HandDrivenJobs extends JobRunner {
  constructor(
    private readonly views: ViewChanges,
    options: ConstructorParameters<typeof JobRunner>[0],
  ) {
    super(options);
  }

  override async runDue(limit?: number): Promise<number> {
    const n = await super.runDue(limit);
    await this.views.sync();
    return n;
  }
}

export async function startTestApp(options: { now?: Date; env?: Record<string, string> } = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  // APP-11: every issuance looks CAA up; a loopback DNS server (NXDOMAIN unless a test adds records) keeps tests off the network.
  const dns = await startDnsServer(new Map());
  const config = loadConfig(
    {
      DATABASE_URL: db.url,
      PUBLIC_BASE_URL: "http://akashi.test",
      LOG_LEVEL: "silent",
      AKASHI_CA_PASSPHRASE: "test passphrase",
      AKASHI_DB_POOL_SIZE: "5",
      AKASHI_DCV_DNS_SERVERS: dns.address,
      // Tests call from one address far more often than a visitor would; the limits have their own test.
      AKASHI_RATE_LIMIT_PER_MINUTE: "0",
      AKASHI_OCSP_RATE_LIMIT_PER_MINUTE: "0",
      ...options.env,
    },
    [],
  );
  const ds = createDataSource(db.url, { limits: config.db });
  await ds.initialize();
  const clock = new FixedClock(options.now ?? new Date("2026-11-21T03:00:00Z"));
  const services = createServices(ds, clock, config);
  await services.ca.ensureHierarchy();
  await services.crls.ensureCrls();
  const jobs = new HandDrivenJobs(services.viewChanges, {
    ds,
    clock,
    logger: createLogger("silent"),
    handlers: services.jobs.handlers,
    recurring: services.jobs.recurring,
  });
  const { app, stop } = await createApp(services, createLogger("silent"));
  const operator = await services.apiKeys.create(systemActor("test"), { resellerId: null, name: "test operator" });

  const gql = async (key: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult> => {
    const req = request(app).post("/graphql").set("Content-Type", "application/json");
    if (key) req.set("Authorization", `Bearer ${key}`);
    const res = await req.send({ query, variables });
    return { status: res.status, data: res.body.data, errors: res.body.errors };
  };

  return {
    ds,
    ownerUrl: db.ownerUrl,
    services,
    clock,
    app,
    jobs,
    runner: (handlers) =>
      new HandDrivenJobs(services.viewChanges, { ds, clock, logger: createLogger("silent"), handlers }),
    operatorKey: operator.key,
    gql,
    dns,
    async createReseller(code: string) {
      const scope = { ...systemActor("test"), loaders: new Loaders(ds) };
      const reseller = await services.resellers.create(scope, {
        code,
        name: `${code} 株式会社`,
        representativeName: "代表者",
        contactEmail: `${code}@reseller.akashi-demo.jp`,
      });
      const key = await services.apiKeys.create(systemActor("test"), { resellerId: reseller.id, name: `${code} key` });
      return { id: reseller.id, globalId: reseller.nodeId, key: key.key };
    },
    async close() {
      await stop();
      await ds.destroy();
      await db.drop();
      await dns.close();
    },
  };
}
