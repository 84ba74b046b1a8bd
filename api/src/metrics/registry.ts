import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { DataSource } from "typeorm";
import { poolState } from "../db/connection-guard";

/**
 * The process's metrics (Prometheus text format, prom-client). Each HTTP worker keeps its own; the
 * primary adds the database-wide figures and answers scrapes with all of them (metrics/exporter.ts).
 */
export const registry = new Registry();

const pools = new Set<DataSource>();

/** Connections of the process's pool: in use, waiting, and acquisitions that ran out of time. */
export function trackPool(ds: DataSource): void {
  pools.add(ds);
}

const sum = (f: (s: ReturnType<typeof poolState>) => number) => [...pools].reduce((n, ds) => n + f(poolState(ds)), 0);

export const metrics = {
  httpDuration: new Histogram({
    name: "akashi_http_request_duration_seconds",
    help: "HTTP requests by route (a fixed set), method and status class.",
    labelNames: ["route", "method", "status"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
  graphqlDuration: new Histogram({
    name: "akashi_graphql_operation_duration_seconds",
    help: "GraphQL operations by type and operation (its name, or its root fields).",
    labelNames: ["type", "operation", "outcome"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
  ocspAnswers: new Counter({
    name: "akashi_ocsp_responses_total",
    help: "OCSP responses by source: pre-signed from memory (cache) or signed for the request (signed); errors apart.",
    labelNames: ["source"] as const,
    registers: [registry],
  }),
  rateLimited: new Counter({
    name: "akashi_rate_limited_total",
    help: "Requests refused with 429 by the per-address rate limit, by limit.",
    labelNames: ["limit"] as const,
    registers: [registry],
  }),
  emailFailures: new Counter({
    name: "akashi_email_failures_total",
    help: "Notice e-mails the SMTP server did not accept (each is retried).",
    registers: [registry],
  }),
  pool: new Gauge({
    name: "akashi_db_pool_connections",
    help: "Pooled database connections: in use, and acquisitions waiting.",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      this.set(
        { state: "in_use" },
        sum((s) => s.inUse),
      );
      this.set(
        { state: "waiting" },
        sum((s) => s.waiting),
      );
    },
  }),
  poolTimeouts: new Gauge({
    name: "akashi_db_pool_timeouts",
    help: "Acquisitions of a pooled connection that ran out of time since the process started (a counter).",
    registers: [registry],
    collect() {
      this.set(sum((s) => s.timeouts));
    },
  }),
  statements: new Gauge({
    name: "akashi_db_statements",
    help: "SQL statements sent since the process started (a counter).",
    registers: [registry],
    collect() {
      this.set(sum((s) => s.statements));
    },
  }),
};

let defaultsOn = false;

/** Node's own process metrics (CPU, memory, event-loop lag, GC), once per process. */
export function collectProcessMetrics(prefix = "akashi_"): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: registry, prefix });
}
