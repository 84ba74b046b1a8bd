import { PgListener } from "../db/listener";

/** The NOTIFY channel of migrations/1764000000100-view-notifications.ts. */
export const VIEWS_CHANNEL = "akashi_views";

/** What changed, as the database's triggers tell every replica (STAT-3). */
export type ViewChange =
  | { kind: "certificate"; certificateId: string; contractId: string; caId: string | null; serialHex: string }
  | { kind: "contract"; contractId: string }
  | { kind: "seal"; sealId: string; contractId: string }
  | { kind: "all" };

export function parseViewChange(payload: string): ViewChange {
  const [tag, a, b, c, d] = payload.split(":");
  if (tag === "c" && a && b && c && d) return { kind: "certificate", certificateId: a, contractId: b, caId: c === "-" ? null : c, serialHex: d };
  if (tag === "k" && a) return { kind: "contract", contractId: a };
  if (tag === "s" && a && b) return { kind: "seal", sealId: a, contractId: b };
  return { kind: "all" };
}

/**
 * The in-memory views' source of truth about change. A view may keep what it read only while
 * `trusted` (every change is heard); it hears `all` whenever that stops or starts again.
 */
export class ViewChanges {
  private readonly subscribers = new Set<(c: ViewChange) => void>();

  constructor(private readonly listener: PgListener) {
    listener.subscribe(VIEWS_CHANNEL, (payload) => this.publish(parseViewChange(payload)));
    listener.onDeaf(() => this.publish({ kind: "all" }));
    listener.onHearing(() => this.publish({ kind: "all" }));
  }

  get trusted(): boolean {
    return this.listener.listening;
  }

  on(subscriber: (c: ViewChange) => void): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  private publish(change: ViewChange): void {
    for (const s of this.subscribers) s(change);
  }
}
