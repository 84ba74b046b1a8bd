import type { DataSource, EntityManager } from "typeorm";
import { inTransaction } from "../../api/src/db/transaction";

/** A transaction held open between its work and its end (see {@link holdOpen}). */
export interface OpenTransaction {
  /** Resolves once `work` is done and its locks are held; rejects if the transaction fails before that. */
  held: Promise<void>;
  /** Lets the transaction go on to `end` and finish. */
  release: () => void;
  /** The transaction's end: resolves when it has committed, rejects when it has rolled back. */
  done: Promise<void>;
}

/**
 * Runs `work` in a transaction and keeps the transaction open, its locks held, until `release()` is
 * called; then runs `end` (if given) in it and lets it commit. For tests of what other transactions do
 * while one holds a row.
 */
export function holdOpen(
  ds: DataSource,
  work: (tx: EntityManager) => Promise<unknown>,
  end?: (tx: EntityManager) => Promise<unknown>,
): OpenTransaction {
  let heldNow!: () => void;
  const isHeld = new Promise<void>((r) => (heldNow = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const done = inTransaction(ds, async (tx) => {
    await work(tx);
    heldNow();
    await released;
    if (end) await end(tx);
  });
  // A transaction that fails before holding (a lock timeout) fails `held` too, with its error.
  return { held: Promise.race([isHeld, done]), release, done };
}

/**
 * Waits until `backends` connections of this database wait for a lock in a statement whose text is like
 * `statement` (SQL LIKE). Bounded by a count of polls, not by a time.
 */
export async function untilWaitingForLock(ds: DataSource, statement: string, backends = 1): Promise<void> {
  for (let i = 0; ; i++) {
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1 AND datname = current_database()`,
      [statement],
    );
    if (n >= backends) return;
    if (i > 2000) throw new Error(`${backends} connection(s) never waited for a lock in ${statement}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
