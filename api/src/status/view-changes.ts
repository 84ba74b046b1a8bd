import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { DataSource } from "typeorm";
import { CommitMark, markCommits } from "../db/commit-hooks";
import { PgListener } from "../db/listener";
import { preparedQuery } from "../db/prepared";

/** The NOTIFY channel of migrations/1764000000100-view-notifications.ts. */
const VIEWS_CHANNEL = "akashi_views";

/** Sync markers: unique across replicas by a random prefix per process, then a count (no random bytes per mutation). */
const SYNC_PREFIX = randomBytes(9).toString("base64url");
let syncCount = 0;
const newSyncToken = () => `${SYNC_PREFIX}.${(syncCount++).toString(36)}`;

/** How long an answer waits to hear its own change at most (STAT-3 allows every replica 2 s). */
const SYNC_TIMEOUT_MS = 2_000;

/**
 * The last statement of a mutation's transaction: the marker, sent only when the view triggers said the
 * transaction changed a view (migrations/1765100000000-views-changed-flag.ts), and the flag with which
 * they refuse a view change after it. One row; `marked` says whether the marker was sent.
 */
const MARK_SQL =
  `SELECT set_config('akashi.views_marked', 'on', true) IS NOT NULL AS views_marked, ` +
  `CASE WHEN current_setting('akashi.views_changed', true) = 'on' ` +
  `THEN pg_notify('${VIEWS_CHANNEL}', $1) IS NOT NULL ELSE false END AS marked`;

/** A marker this replica waits to hear. */
interface Expected {
  token: string;
  heard: boolean;
  wake: (() => void) | null;
}

/**
 * The transactions one mutation committed: the marker of the last one that changed a view. A
 * request's transactions run one after another (db/connection-guard.ts gives it one connection at a
 * time), so the last to commit is the last marked, and its marker is heard after the others'.
 */
interface Committed {
  last: Expected | null;
  /** The answer has gone: work the mutation left running marks nothing more. */
  closed: boolean;
}

const mutations = new AsyncLocalStorage<Committed>();

/** One mutation's read-your-writes: run it, then wait until this replica heard what it changed. */
export interface OwnWrites {
  run<T>(mutation: () => Promise<T>): Promise<T>;
  heard(): Promise<void>;
}

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
  private readonly expected = new Map<string, Expected>();

  constructor(
    private readonly ds: DataSource,
    private readonly listener: PgListener,
  ) {
    listener.subscribe(VIEWS_CHANNEL, (payload) => {
      if (payload.startsWith("sync:")) {
        const token = payload.slice(5);
        const e = this.expected.get(token);
        if (e) {
          this.expected.delete(token);
          e.heard = true;
          e.wake?.();
        }
        return;
      }
      this.publish(parseViewChange(payload));
    });
    // While deaf the views keep nothing and every read goes to the database: whoever waits may go. A
    // marker not yet waited for stays expected: its transaction may commit once the listener hears again.
    listener.onDeaf(() => {
      for (const e of this.expected.values()) e.wake?.();
      this.publish({ kind: "all" });
    });
    listener.onHearing(() => this.publish({ kind: "all" }));
    markCommits(ds, () => this.markCommit());
  }

  get trusted(): boolean {
    return this.listener.listening;
  }

  /**
   * Resolves once this replica has heard every change committed before the call: PostgreSQL delivers
   * notifications in commit order, so hearing our own marker means the earlier ones were heard. For
   * work done outside a mutation (jobs a test drives, rows a test writes itself).
   */
  async sync(timeoutMs = SYNC_TIMEOUT_MS): Promise<void> {
    if (!this.trusted) return;
    const expected = this.expect();
    try {
      await preparedQuery(this.ds, "views_sync", "SELECT pg_notify($1, $2)", [VIEWS_CHANNEL, `sync:${expected.token}`]);
    } catch (e) {
      this.expected.delete(expected.token);
      throw e;
    }
    await this.waitFor(expected, timeoutMs);
  }

  /**
   * STAT-3, read your writes: a mutation's answer leaves once this replica's views reflect it. Each
   * transaction the mutation commits carries the marker in its last statement, sent only if the
   * transaction changed a view, after that transaction's own notifications (issue 11: this used to be
   * a NOTIFY of its own after every mutation, waking every replica even for a submission). Hearing the
   * last transaction's marker means all of the mutation's changes were heard.
   */
  ownWrites(): OwnWrites {
    const committed: Committed = { last: null, closed: false };
    const close = () => {
      const last = committed.last;
      committed.last = null;
      committed.closed = true;
      return last;
    };
    return {
      run: async (mutation) => {
        try {
          return await mutations.run(committed, mutation);
        } catch (e) {
          const last = close();
          if (last) this.expected.delete(last.token);
          throw e;
        }
      },
      heard: async () => {
        const last = close();
        if (last) await this.waitFor(last, SYNC_TIMEOUT_MS);
      },
    };
  }

  /** The commit mark of a transaction inside a mutation (db/commit-hooks.ts). */
  private markCommit(): CommitMark | null {
    const committed = mutations.getStore();
    // Marked even while deaf: the listener may hear again before this transaction commits.
    if (!committed || committed.closed) return null;
    const expected = this.expect();
    return {
      select: { text: MARK_SQL, values: [`sync:${expected.token}`] },
      committed: (rows) => {
        // Only a "no" is taken for no: anything else waits (at most SYNC_TIMEOUT_MS).
        if (committed.closed || (rows[0] as { marked?: unknown } | undefined)?.marked === false) {
          this.expected.delete(expected.token);
          return;
        }
        // A later marker is heard after an earlier one: only the last is waited for.
        if (committed.last) this.expected.delete(committed.last.token);
        committed.last = expected;
      },
      abandoned: () => this.expected.delete(expected.token),
    };
  }

  /** Registered before the marker can be sent, so that it cannot be heard before anyone listens for it. */
  private expect(): Expected {
    const e: Expected = { token: newSyncToken(), heard: false, wake: null };
    this.expected.set(e.token, e);
    return e;
  }

  private async waitFor(e: Expected, timeoutMs: number): Promise<void> {
    try {
      if (e.heard || !this.trusted) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        e.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    } finally {
      this.expected.delete(e.token);
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
