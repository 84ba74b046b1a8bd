import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { MAIN, READY_TIMEOUT_MS, spawnServer, waitUntilReady, serverPort } from "../support/spawn-server";

/**
 * `/metrics` (Prometheus text format) from the built service with its HTTP workers: off without a token,
 * then every family the operator needs, parsed by a Prometheus text-format parser.
 */
// A start may take the whole readiness wait; the rest of a test gets three minutes beside it.
jest.setTimeout(READY_TIMEOUT_MS + 180_000);

let dataDir: string;
let port: number;
let server: ReturnType<typeof spawnServer>;
const TOKEN = "metrics-test-token-0123456789";

beforeAll(async () => {
  if (!fs.existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run \`npm test\` (it builds first) or \`npm run build\`.`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "akashi-metrics-"));
  fs.chmodSync(dataDir, 0o755);
  port = await serverPort();
  server = spawnServer({
    AKASHI_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    AKASHI_METRICS_TOKEN: TOKEN,
    AKASHI_WORKERS: "2",
  });
  await waitUntilReady(server);
});

afterAll(async () => {
  server?.proc.kill("SIGTERM");
  await server?.exited;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const base = () => `http://127.0.0.1:${port}`;

test("/metrics is off without the token: 404, as if it did not exist", async () => {
  expect((await fetch(`${base()}/metrics`)).status).toBe(404);
  expect((await fetch(`${base()}/metrics`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(404);
});

test("/metrics with the token: HTTP latency by route, GraphQL operations, the pool, job lag, OCSP cache, CRL age and size, webhooks, e-mail", async () => {
  for (let i = 0; i < 5; i++) {
    await fetch(`${base()}/graphql?query=${encodeURIComponent("{ products(first: 1) { edges { node { code } } } }")}`);
    await fetch(`${base()}/readyz`);
  }
  const res = await fetch(`${base()}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  const text = await res.text();
  const families = parsePrometheusTextFormat(text);
  const byName = new Map(families.map((f) => [f.name, f]));
  for (const name of [
    "akashi_http_request_duration_seconds",
    "akashi_graphql_operation_duration_seconds",
    "akashi_db_pool_connections",
    "akashi_db_pool_timeouts",
    "akashi_db_statements",
    "akashi_job_lag_seconds",
    "akashi_ocsp_responses_total",
    "akashi_crl_age_seconds",
    "akashi_crl_bytes",
    "akashi_webhook_deliveries",
    "akashi_notices_failing",
    "akashi_email_failures_total",
    "akashi_rate_limited_total",
    "akashi_process_cpu_seconds_total",
  ]) {
    expect({ name, present: byName.has(name) }).toEqual({ name, present: true });
  }
  expect(byName.get("akashi_http_request_duration_seconds")?.type).toBe("HISTOGRAM");
  // The parser folds a histogram's label sets together, so the series are read from the text itself.
  const count = (series: string, labels: Record<string, string>) =>
    text
      .split("\n")
      .filter((l) => l.startsWith(`${series}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
      .reduce((n, l) => n + Number(l.split(" ").pop()), 0);
  // Both workers' requests, summed by the primary.
  expect(
    count("akashi_http_request_duration_seconds_count", { route: "graphql", method: "GET", status: "2xx" }),
  ).toBeGreaterThanOrEqual(5);
  expect(
    count("akashi_graphql_operation_duration_seconds_count", { type: "query", operation: "products", outcome: "ok" }),
  ).toBeGreaterThanOrEqual(5);
  const crlAge = byName.get("akashi_crl_age_seconds") as unknown as {
    metrics: { labels: Record<string, string>; value: string }[];
  };
  expect(crlAge.metrics.length).toBeGreaterThanOrEqual(2); // the root and the issuing CA
  const deliveries = byName.get("akashi_webhook_deliveries") as unknown as {
    metrics: { labels: Record<string, string> }[];
  };
  expect(deliveries.metrics.map((m) => m.labels.status).sort()).toEqual(["DEAD", "IN_FLIGHT", "PENDING"]);
});
