import { Client } from "pg";
import { DataSource } from "typeorm";
import { dedicatedClient } from "./pg-client";
import { poolState } from "./connection-guard";

/** How often the background probe asks the database, and how long one answer may take. */
const HEALTH_PROBE_INTERVAL_MS = 1_000;
const HEALTH_PROBE_TIMEOUT_MS = 1_500;
/** Failed probes in a row before new work fails fast with 503 (one slow answer on a busy machine is not an outage). */
const HEALTH_FAILURES_TO_TRIP = 2;
/** A replica that had to refuse work for want of a connection reports not ready for this long. */
const SATURATION_WINDOW_MS = 5_000;

export interface Readiness {
  ready: boolean;
  database: "ok" | "down" | "saturated";
}

/**
 * Knows whether the database answers, on its own connection outside the pool (a stalled or exhausted
 * pool must not hide the answer). While the database does not answer, new work fails at once with
 * DATABASE_DOWN instead of queueing behind stuck connections; the first good probe lets it through again.
 */
export class DatabaseHealth {
  private client: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private probing: Promise<boolean> | undefined;

  constructor(private readonly ds: DataSource) {}

  start(): void {
    if (this.timer) return;
    const tick = () => {
      void this.probe().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, HEALTH_PROBE_INTERVAL_MS).unref();
      });
    };
    this.timer = setTimeout(tick, HEALTH_PROBE_INTERVAL_MS).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.probing?.catch(() => false);
    await this.dropClient();
  }

  /**
   * /readyz: a fresh answer within {@link HEALTH_PROBE_TIMEOUT_MS}, never waiting on the pool. Its own
   * probe, not the background one in flight: that one's reply may have left the server just before it
   * stalled, and would report a stalled database as ready.
   */
  async readiness(): Promise<Readiness> {
    const ok = await this.runProbe();
    if (!ok) return { ready: false, database: "down" };
    const state = poolState(this.ds);
    if (performance.now() - state.lastTimeoutAt < SATURATION_WINDOW_MS) return { ready: false, database: "saturated" };
    return { ready: true, database: "ok" };
  }

  /** One probe at a time; concurrent callers share it. */
  probe(): Promise<boolean> {
    this.probing ??= this.runProbe().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  private async runProbe(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), HEALTH_PROBE_TIMEOUT_MS);
    });
    const ok = await Promise.race([this.ask(), deadline]);
    clearTimeout(timer);
    const state = poolState(this.ds);
    if (ok) {
      this.failures = 0;
      state.down = false;
    } else {
      await this.dropClient();
      this.failures++;
      if (this.failures >= HEALTH_FAILURES_TO_TRIP) state.down = true;
    }
    return ok;
  }

  private async ask(): Promise<boolean> {
    try {
      if (!this.client) {
        const client = dedicatedClient(this.ds, "health", {
          connectionTimeoutMillis: HEALTH_PROBE_TIMEOUT_MS,
          query_timeout: HEALTH_PROBE_TIMEOUT_MS,
        });
        client.on("error", () => void this.dropClient());
        this.client = client;
        await client.connect();
      }
      await this.client.query("SELECT 1");
      return true;
    } catch {
      return false;
    }
  }

  private async dropClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      // A stalled server never answers the goodbye: do not wait for it.
      const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
      stream?.destroy();
      void client.end().catch(() => {});
    }
  }
}
