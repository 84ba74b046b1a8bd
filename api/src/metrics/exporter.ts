import cluster from "node:cluster";
import { randomUUID } from "node:crypto";
import { AggregatorRegistry, MetricObjectWithValues, MetricValue, Registry } from "prom-client";
import { registry } from "./registry";

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** Messages between the primary and the workers about metrics (alongside runtime/messages.ts). */
type Ask = { type: "metrics:collect"; id: string } | { type: "metrics:scrape"; id: string };
type Answer =
  { type: "metrics:collected"; id: string; json: MetricsJson } | { type: "metrics:scraped"; id: string; text: string };

const SCRAPE_TIMEOUT_MS = 5_000;

/** A worker answers the primary's collection requests with its own metrics. */
export function answerMetricsRequests(): void {
  registry.setDefaultLabels({ process: "worker" });
  process.on("message", (m: Ask) => {
    if (m?.type !== "metrics:collect") return;
    void registry
      .getMetricsAsJSON()
      .then((json) => process.send?.({ type: "metrics:collected", id: m.id, json } satisfies Answer));
  });
}

/**
 * The primary: every worker's metrics summed (they are alike), beside the primary's own (jobs, the
 * database-wide gauges), in one text exposition.
 */
export class MetricsCollector {
  constructor(private readonly primary: Registry) {
    registry.setDefaultLabels({ process: "primary" });
    cluster.on("message", (worker, m: Ask) => {
      if (m?.type !== "metrics:scrape") return;
      void this.text().then((text) => worker.send({ type: "metrics:scraped", id: m.id, text } satisfies Answer));
    });
  }

  async text(): Promise<string> {
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w && w.isConnected());
    const fromWorkers = await Promise.all(workers.map((w) => (w ? collectFrom(w) : Promise.resolve([]))));
    const merged = AggregatorRegistry.aggregate([
      ...fromWorkers,
      await registry.getMetricsAsJSON(),
      await this.primary.getMetricsAsJSON(),
    ]);
    return merged.metrics();
  }
}

function collectFrom(worker: NonNullable<typeof cluster.workers>[string] & object): Promise<MetricsJson> {
  const id = randomUUID();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      worker.off("message", onMessage);
      resolve([]); // a worker that does not answer is left out of this scrape, not waited for
    }, SCRAPE_TIMEOUT_MS);
    const onMessage = (m: Answer) => {
      if (m?.type !== "metrics:collected" || m.id !== id) return;
      clearTimeout(timer);
      worker.off("message", onMessage);
      resolve(m.json);
    };
    worker.on("message", onMessage);
    worker.send({ type: "metrics:collect", id } satisfies Ask);
  });
}

/** The whole exposition, from a worker (asking its primary) or from a process on its own. */
export function scrape(): Promise<string> {
  if (!cluster.isWorker) return registry.metrics();
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off("message", onMessage);
      reject(new Error("the primary did not answer the metrics scrape"));
    }, SCRAPE_TIMEOUT_MS * 2);
    const onMessage = (m: Answer) => {
      if (m?.type !== "metrics:scraped" || m.id !== id) return;
      clearTimeout(timer);
      process.off("message", onMessage);
      resolve(m.text);
    };
    process.on("message", onMessage);
    process.send?.({ type: "metrics:scrape", id } satisfies Ask);
  });
}

/** The Prometheus text format's content type. */
export const METRICS_CONTENT_TYPE = registry.contentType;
