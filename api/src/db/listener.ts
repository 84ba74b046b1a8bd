import { Client } from "pg";
import { DataSource } from "typeorm";
import { Logger } from "../logger";
import { dedicatedClient } from "./pg-client";

type Handler = (payload: string) => void;

/**
 * The process's one LISTEN connection (DESIGN "Hot paths and scale"): job wake-ups, and the change
 * notifications that keep every in-memory view true on every replica. Subscribers say what to do with
 * a message, and what to do when messages may have been missed: while the connection is down nothing
 * is heard, so `onDeaf` subscribers stop trusting (and drop) what they built; they may trust again once
 * `listening` is true, after `onHearing` ran.
 */
export class PgListener {
  private client: Client | undefined;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly deaf = new Set<() => void>();
  private readonly hearing = new Set<() => void>();
  private started = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private delayMs = 500;
  private log: Logger | undefined;
  listening = false;

  constructor(private readonly ds: DataSource) {}

  /** Calls `handler` with each payload on `channel` (LISTENs on it at once when already connected). */
  subscribe(channel: string, handler: Handler): () => void {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      if (this.client && this.listening) void this.client.query(`LISTEN ${channel}`).catch(() => this.lost());
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Called whenever messages may be missed from now on (connection lost, not yet connected). */
  onDeaf(callback: () => void): () => void {
    this.deaf.add(callback);
    return () => this.deaf.delete(callback);
  }

  /** Called when the connection listens again: what was built while deaf must go. */
  onHearing(callback: () => void): () => void {
    this.hearing.add(callback);
    return () => this.hearing.delete(callback);
  }

  /** Connects; resolves once listening, or after the first failure (it then keeps retrying with back-off). */
  async start(logger?: Logger): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.log = logger?.child({ component: "listener" });
    await this.connect();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const client = this.client;
    this.client = undefined;
    this.setDeaf();
    if (client) await client.end().catch(() => {});
  }

  private setDeaf(): void {
    const was = this.listening;
    this.listening = false;
    if (was || this.deaf.size) for (const cb of this.deaf) cb();
  }

  private lost(err?: Error): void {
    const client = this.client;
    this.client = undefined;
    this.setDeaf();
    if (client) client.end().catch(() => {});
    if (!this.started) return;
    if (err) this.log?.warn({ err }, "LISTEN connection lost; caches are bypassed until it is back");
    if (!this.reconnectTimer) {
      const delay = this.delayMs;
      this.delayMs = Math.min(this.delayMs * 2, 30_000);
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined;
        void this.connect();
      }, delay);
      this.reconnectTimer.unref();
    }
  }

  private async connect(): Promise<void> {
    if (!this.started) return;
    const client = dedicatedClient(this.ds, "listener");
    let failed = false;
    const fail = (err?: Error) => {
      if (failed) return;
      failed = true;
      if (this.client === client || this.client === undefined) this.lost(err);
    };
    client.on("error", fail);
    client.on("end", () => fail());
    client.on("notification", (msg) => {
      const set = this.handlers.get(msg.channel);
      if (!set) return;
      for (const h of set) h(msg.payload ?? "");
    });
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      this.log?.warn({ err }, "LISTEN connection could not connect; retrying");
      fail();
      return;
    }
    if (!this.started || failed) {
      client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.delayMs = 500;
    // Whatever was built before may have missed messages.
    for (const cb of this.hearing) cb();
    this.listening = true;
  }
}
