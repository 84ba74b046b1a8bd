import { DataSource, EntityManager } from "typeorm";

/**
 * What a buffer writes at commit: one INSERT, UPDATE or DELETE whose only `$` are its parameters. The
 * statements of a transaction's buffers go to the database as one statement (combineWrites), whose
 * SELECT may be a commit mark (below). None may write a table of VIEW_TABLES.
 */
export interface BufferedWrite {
  text: string;
  values: unknown[];
}

/**
 * The tables whose triggers tell the public views of a change (migrations 1764000000100 and
 * 1764000000200). A write at commit runs in the statement that carries a mutation's read-your-writes
 * marker (status/view-changes.ts), and its triggers after that marker: the database refuses it
 * (migrations/1765100000000-views-changed-flag.ts), so insertAtCommit and updateByIdAtCommit refuse
 * these tables when the write is asked for, wherever it runs.
 */
export const VIEW_TABLES: ReadonlySet<string> = new Set([
  "certificate",
  "revocation",
  "contract",
  "seal",
  "subscriber",
]);

type Hook = () => Promise<BufferedWrite | BufferedWrite[] | null>;

const hooks = new WeakMap<EntityManager, Hook[]>();

/**
 * Runs `hook` inside `tx` after the transaction's work is done and just before it commits: for work that
 * must happen last, once per transaction (the audit entries and the events of a transaction each go in
 * one statement). Hooks run in the order they were added.
 */
function beforeCommit(tx: EntityManager, hook: Hook): void {
  const list = hooks.get(tx);
  if (list) list.push(hook);
  else hooks.set(tx, [hook]);
}

/**
 * Items gathered during a transaction and written together, once, just before it commits (the audit
 * entries and the events of a transaction each go in one statement). Only inside a transaction: an
 * item without its change, or a change without its item, is refused.
 */
export class CommitBuffer<T> {
  private readonly lists = new WeakMap<EntityManager, T[]>();

  constructor(
    private readonly what: string,
    private readonly write: (tx: EntityManager, items: T[]) => Promise<BufferedWrite | BufferedWrite[] | null>,
  ) {}

  add(tx: EntityManager, item: T): void {
    if (!tx.queryRunner?.isTransactionActive)
      throw new Error(`${this.what} needs the changing transaction's EntityManager`);
    let list = this.lists.get(tx);
    if (!list) {
      const items: T[] = [];
      list = items;
      this.lists.set(tx, items);
      beforeCommit(tx, () => {
        // Written now: an item added after this (hooks run early, runBeforeCommitHooks) starts a new list.
        this.lists.delete(tx);
        return this.write(tx, items);
      });
    }
    list.push(item);
  }
}

/**
 * Runs the hooks added so far now, inside `tx`, instead of at commit (the buffers start afresh). For a
 * transaction whose last statements are contended by others (a mass revocation's chains share their CRL
 * jobs and their progress row): writing its audit entries and parking its events first keeps those
 * locks held for less time. What a hook leaves to a deferred trigger (the event feed's) still runs at
 * commit.
 *
 * `last`, a SELECT, goes in the same statement as the final writes (the commit mark below); the rows it
 * answers are returned.
 */
export async function runBeforeCommitHooks(tx: EntityManager, last?: BufferedWrite): Promise<unknown[]> {
  for (;;) {
    const list = hooks.get(tx) ?? [];
    hooks.delete(tx);
    const writes: BufferedWrite[] = [];
    for (const hook of list) {
      const write = await hook();
      if (Array.isArray(write)) writes.push(...write);
      else if (write) writes.push(write);
    }
    // A hook that gathered more for another buffer is written in a further round; `last` goes in the final one.
    const final = !hooks.has(tx);
    const one = combineWrites(writes, final ? last : undefined);
    const rows: unknown[] = one ? await tx.query(one.text, one.values) : [];
    if (final) return last ? rows : [];
  }
}

/**
 * Several writes as one statement, each a data-modifying WITH query (issue 11: an approval's audit
 * entries and its events were two round trips at its commit). They see the same snapshot and do not
 * read each other's rows, which buffered writes never need; each keeps its own parameters, renumbered.
 * The statement's SELECT is `last` when given (its rows are the statement's), else `SELECT 1`.
 */
export function combineWrites(writes: BufferedWrite[], last?: BufferedWrite): BufferedWrite | null {
  if (!last && writes.length <= 1) return writes[0] ?? null;
  const values: unknown[] = [];
  const renumbered = (w: BufferedWrite) => {
    const offset = values.length;
    values.push(...w.values);
    return w.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  };
  const parts = writes.map((w, i) => `w${i} AS (${renumbered(w)})`);
  const select = last ? renumbered(last) : "SELECT 1";
  return { text: parts.length > 0 ? `WITH ${parts.join(",\n")}\n${select}` : select, values };
}

/**
 * What a transaction may carry in its last statement, and hear about once it has committed or not
 * (status/view-changes.ts: the read-your-writes marker goes there instead of in a statement of its own).
 */
export interface CommitMark {
  /** A SELECT, run in the transaction's last statement with its final writes. */
  select: BufferedWrite;
  /** The transaction committed; `rows` are what `select` answered. */
  committed(rows: unknown[]): void;
  /** The transaction did not commit. */
  abandoned(): void;
}

/** Asked once per transaction of the data source, as it is about to write its last statement. */
export type CommitMarker = () => CommitMark | null;

const markers = new WeakMap<DataSource, CommitMarker>();

/** Gives every transaction of `ds` the chance to carry a mark (one marker per data source: a later one replaces it). */
export function markCommits(ds: DataSource, marker: CommitMarker): void {
  markers.set(ds, marker);
}

/** Installs the hook runner on a data source's transactions (db/data-source.ts does it for every one). */
export function installCommitHooks(ds: DataSource): void {
  const manager = ds.manager as unknown as { transaction: (...args: unknown[]) => Promise<unknown> };
  const transaction = manager.transaction.bind(manager);
  manager.transaction = async (...args: unknown[]) => {
    const at = typeof args[0] === "function" ? 0 : 1;
    const work = args[at] as (m: EntityManager) => Promise<unknown>;
    const wrapped = [...args];
    const end: { mark: CommitMark | null; rows: unknown[] } = { mark: null, rows: [] };
    wrapped[at] = async (m: EntityManager) => {
      const result = await work(m);
      end.mark = markers.get(ds)?.() ?? null;
      end.rows = await runBeforeCommitHooks(m, end.mark?.select);
      return result;
    };
    try {
      const result = await transaction(...wrapped);
      end.mark?.committed(end.rows);
      return result;
    } catch (e) {
      end.mark?.abandoned();
      throw e;
    }
  };
}
