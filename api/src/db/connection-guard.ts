import { AsyncLocalStorage } from "node:async_hooks";
import { DataSource } from "typeorm";
import { DatabaseUnavailableError, unavailableReason } from "./unavailable";
import { preparedArgs } from "./auto-prepare";

/**
 * One connection per unit of work (DESIGN "Hot paths and scale"). An HTTP request or a job runs in a
 * connection scope: its database work takes at most one pooled connection at a time (concurrent
 * resolvers of one request queue behind each other), and code running inside a transaction must use
 * that transaction's manager. Asking the pool for a second connection while holding one is how the
 * first round wedged under 30 concurrent approvals (hold-and-wait on an exhausted pool), so it is
 * refused at once with {@link NestedConnectionError} instead of waiting.
 */
export class NestedConnectionError extends Error {
  constructor() {
    super(
      "A database connection was requested while this unit of work already holds one inside a transaction. " +
        "Use the transaction's EntityManager (tx) for every query inside the transaction.",
    );
    this.name = "NestedConnectionError";
  }
}

/** A FIFO lock with one permit and a bounded wait. */
class Gate {
  private busy = false;
  private readonly waiting: { grant: () => void; timer: NodeJS.Timeout }[] = [];

  acquire(timeoutMs: number): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          clearTimeout(entry.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(entry), 1);
          reject(new DatabaseUnavailableError("No database connection became free in time.", "POOL_TIMEOUT"));
        }, timeoutMs),
      };
      this.waiting.push(entry);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next.grant();
    else this.busy = false;
  }
}

interface ConnectionScope {
  gate: Gate;
  /** True inside a transaction's work: the scope holds its connection, so asking for another is a bug. */
  holding: boolean;
}

const scopes = new AsyncLocalStorage<ConnectionScope>();

/** Runs `fn` as one unit of work (an HTTP request, a job run) that holds at most one connection at a time. */
export function withConnectionScope<T>(fn: () => T): T {
  return scopes.run({ gate: new Gate(), holding: false }, fn);
}

export interface GuardOptions {
  /** Longest wait for a connection: for this scope's earlier query, and then for the pool. */
  acquireTimeoutMs: number;
}

/** What the guard tells the rest of the service about the pool (readiness, metrics). */
export interface PoolState {
  /** Set by the database health check: while true, new work fails fast with DATABASE_DOWN. */
  down: boolean;
  /** Connections handed out and not yet returned. */
  inUse: number;
  /** Acquisitions waiting, in a scope's gate or in the pool. */
  waiting: number;
  /** Acquisitions that ran out of time, since start. */
  timeouts: number;
  /** performance.now() of the last acquisition that ran out of time. */
  lastTimeoutAt: number;
  /** SQL statements sent, since start (benchmarks report statements per operation; metrics export it). */
  statements: number;
}

const states = new WeakMap<DataSource, PoolState>();

export function poolState(ds: DataSource): PoolState {
  let s = states.get(ds);
  if (!s) {
    s = { down: false, inUse: 0, waiting: 0, timeouts: 0, lastTimeoutAt: -Infinity, statements: 0 };
    states.set(ds, s);
  }
  return s;
}

type Release = (err?: Error) => unknown;
type PgConnection = { query: (...args: unknown[]) => unknown; [BROKEN]?: boolean; [WATCHED]?: boolean };
const BROKEN = Symbol("akashi.brokenConnection");
const WATCHED = Symbol("akashi.watchedConnection");

/**
 * A client-side timeout leaves the query running on the server; a lost socket is gone. Server-side timeouts do not.
 * A prepared statement the server no longer has, or whose plan no longer fits (a column's type changed
 * under a long-lived connection), would fail on that connection until it closed: pg never parses a
 * name again once it has. Closing the connection starts afresh (db/auto-prepare.ts).
 */
function breaksConnection(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  if (code === "26000") return true;
  if (code === "0A000" && /cached plan must not change result type/i.test(String((e as Error).message))) return true;
  const reason = unavailableReason(e);
  if (reason === "CONNECTION_LOST" || reason === "DATABASE_DOWN") return true;
  return reason === "STATEMENT_TIMEOUT" && /read timeout/i.test(String((e as Error).message));
}

/**
 * A connection whose query timed out on the client side, or whose socket failed, is not given back to
 * the pool as healthy: it is released with an error, so pg-pool closes it instead of handing it on.
 */
function watch(conn: PgConnection, state: PoolState): void {
  if (conn[WATCHED]) return;
  conn[WATCHED] = true;
  const query = conn.query.bind(conn);
  conn.query = (...args: unknown[]) => {
    state.statements++;
    const result = query(...preparedArgs(conn, args));
    if (result instanceof Promise) {
      result.catch((e: unknown) => {
        if (breaksConnection(e)) conn[BROKEN] = true;
      });
    }
    return result;
  };
}

/**
 * Installs the guard on a data source (before `initialize()`): every pooled connection goes through
 * the caller's connection scope, and every transaction's work runs marked as holding its connection.
 */
export function guardDataSource(ds: DataSource, options: GuardOptions): void {
  const state = poolState(ds);
  const driver = ds.driver as unknown as { obtainMasterConnection(): Promise<[PgConnection, Release]> };
  const obtain = driver.obtainMasterConnection.bind(driver);
  const timedOut = (e: unknown): never => {
    const reason = unavailableReason(e);
    if (reason === "POOL_TIMEOUT") {
      state.timeouts++;
      state.lastTimeoutAt = performance.now();
    }
    if (reason)
      throw e instanceof DatabaseUnavailableError
        ? e
        : new DatabaseUnavailableError(`The database is unavailable (${reason}).`, reason);
    throw e;
  };

  driver.obtainMasterConnection = async () => {
    const scope = scopes.getStore();
    if (scope?.holding) throw new NestedConnectionError();
    if (state.down) throw new DatabaseUnavailableError("The database is not answering.", "DATABASE_DOWN");
    state.waiting++;
    let pair: [PgConnection, Release];
    try {
      if (scope) await scope.gate.acquire(options.acquireTimeoutMs);
      try {
        pair = await obtain();
      } catch (e) {
        scope?.gate.release();
        throw e;
      }
    } catch (e) {
      return timedOut(e);
    } finally {
      state.waiting--;
    }
    const [conn, release] = pair;
    watch(conn, state);
    state.inUse++;
    let released = false;
    const guardedRelease: Release = (err) => {
      if (released) return;
      released = true;
      state.inUse--;
      scope?.gate.release();
      const broken = conn[BROKEN];
      return release(err ?? (broken ? new Error("connection dropped after a client-side timeout") : undefined));
    };
    return [conn, guardedRelease];
  };

  // DataSource.transaction delegates to manager.transaction; wrapping the manager covers both.
  const manager = ds.manager as unknown as { transaction: (...args: unknown[]) => Promise<unknown> };
  const transaction = manager.transaction.bind(manager);
  manager.transaction = (...args: unknown[]) => {
    // (work) or (isolationLevel, work); DataSource.transaction passes both, the second maybe undefined.
    const at = typeof args[0] === "function" ? 0 : 1;
    const work = args[at] as (m: unknown) => Promise<unknown>;
    const outer = scopes.getStore();
    const wrapped = [...args];
    wrapped[at] = (m: unknown) => scopes.run({ gate: outer?.gate ?? new Gate(), holding: true }, () => work(m));
    return transaction(...wrapped);
  };
}
