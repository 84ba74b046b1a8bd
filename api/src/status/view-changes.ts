import { randomBytes } from "node:crypto";
import { DataSource } from "typeorm";
import { PgListener } from "../db/listener";
import { preparedQuery } from "../db/prepared";

/** The NOTIFY channel of migrations/1764000000100-view-notifications.ts. */
const VIEWS_CHANNEL = "akashi_views";

/** Sync markers: unique across replicas by a random prefix per process, then a count (no random bytes per mutation). */
const SYNC_PREFIX = randomBytes(9).toString("base64url");
let syncCount = 0;

/** What changed, as the database's triggers tell every replica (STAT-3). */
export type ViewChange =
  | { kind: "certificate"; certificateId: string; contractId: string; caId: string | null; serialHex: string }
  | { kind: "contract"; contractId: string }
  | { kind: "seal"; sealId: string; contractId: string }
  | { kind: "all" };

function parseViewChange(payload: string): ViewChange {
  const [tag, a, b, c, d] = payload.split(":");
  if (tag === "c" && a && b && c && d)
    return { kind: "certificate", certificateId: a, contractId: b, caId: c === "-" ? null : c, serialHex: d };
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
  private readonly syncs = new Map<string, () => void>();

  constructor(
    private readonly ds: DataSource,
    private readonly listener: PgListener,
  ) {
    listener.subscribe(VIEWS_CHANNEL, (payload) => {
      if (payload.startsWith("sync:")) {
        this.syncs.get(payload.slice(5))?.();
        return;
      }
      this.publish(parseViewChange(payload));
    });
    listener.onDeaf(() => this.publish({ kind: "all" }));
    listener.onHearing(() => this.publish({ kind: "all" }));
  }

  get trusted(): boolean {
    return this.listener.listening;
  }

  /**
   * Resolves once this replica has heard every change committed before the call: PostgreSQL delivers
   * notifications in commit order, so hearing our own marker means the earlier ones were heard. A
   * mutation waits for it before answering, so its caller reads its own writes from this replica.
   */
  async sync(timeoutMs = 2_000): Promise<void> {
    if (!this.trusted) return;
    const token = `${SYNC_PREFIX}.${(syncCount++).toString(36)}`;
    const heard = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.syncs.set(token, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    try {
      await preparedQuery(this.ds, "views_sync", "SELECT pg_notify($1, $2)", [VIEWS_CHANNEL, `sync:${token}`]);
      await heard;
    } finally {
      this.syncs.delete(token);
    }
  }

  on(subscriber: (c: ViewChange) => void): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  private publish(change: ViewChange): void {
    for (const s of this.subscribers) s(change);
  }
}
