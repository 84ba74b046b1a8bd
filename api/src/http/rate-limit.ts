import type { ServerResponse } from "node:http";

const WINDOW_MS = 60_000;

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window resets. */
  resetS: number;
}

/**
 * A fixed one-minute window per client address, in this process (DESIGN: several processes may serve one
 * port: the bound across a deployment is the limit times the number of HTTP processes, which the README
 * states). O(1) per request; addresses not seen for a window are forgotten.
 */
export class RateLimiter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(readonly perMinute: number) {}

  get enabled(): boolean {
    return this.perMinute > 0;
  }

  take(address: string, now = Date.now()): RateDecision {
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now - ((now - this.windowStart) % WINDOW_MS);
      if (now - this.windowStart >= WINDOW_MS) this.windowStart = now;
      this.counts = new Map();
    }
    const used = (this.counts.get(address) ?? 0) + 1;
    this.counts.set(address, used);
    const resetS = Math.max(1, Math.ceil((this.windowStart + WINDOW_MS - now) / 1000));
    return { allowed: used <= this.perMinute, remaining: Math.max(0, this.perMinute - used), resetS };
  }

  /** RateLimit headers (IETF httpapi draft) on every limited answer; Retry-After when refused. */
  headers(res: ServerResponse, d: RateDecision): void {
    res.setHeader("RateLimit-Limit", String(this.perMinute));
    res.setHeader("RateLimit-Remaining", String(d.remaining));
    res.setHeader("RateLimit-Reset", String(d.resetS));
    res.setHeader("RateLimit-Policy", `${this.perMinute};w=60`);
    if (!d.allowed) res.setHeader("Retry-After", String(d.resetS));
  }
}
