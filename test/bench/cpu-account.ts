import fs from "node:fs";
import os from "node:os";

/**
 * Where the CPU of a measured stretch went, by process: the service (its primary and HTTP workers,
 * every thread), PostgreSQL (every `postgres` process on the machine: the embedded cluster, or the
 * server behind DATABASE_URL) and the bench itself (its load worker included). Read from /proc, so
 * Linux only; elsewhere the figures are left out, not guessed.
 *
 * Why it is printed: on 2 cores a rate is bounded by the CPU one unit of work costs in all the
 * processes that do it. A profile of the service alone shows where its share goes; this shows the
 * shares, and so the highest rate the machine could reach with every core busy.
 */

/** /proc/<pid>/stat counts in USER_HZ, which Linux fixes at 100 for user space. */
const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  /** CPU seconds so far: service processes, this bench process. */
  service: number;
  bench: number;
  /**
   * CPU seconds so far of each PostgreSQL process by pid. Kept per process because backends come and
   * go (and, on a shared machine, whole test clusters): a sum would fall when one exits.
   */
  postgres: Map<string, number>;
}

function statOf(pid: string): { comm: string; seconds: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces; the counted fields follow the last ")".
    const comm = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line: 12th and 13th after the command name.
    return { comm, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return null; // the process ended between listing and reading
  }
}

/** CPU seconds used so far; null where /proc cannot be read. `servicePids` may include this process (in-process mode). */
export function cpuSnapshot(servicePids: readonly number[]): CpuSnapshot | null {
  if (process.platform !== "linux" || !fs.existsSync("/proc/self/stat")) return null;
  const own = new Set(servicePids.filter((p) => p !== process.pid).map(String));
  let service = 0;
  const postgres = new Map<string, number>();
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    if (own.has(pid)) {
      service += statOf(pid)?.seconds ?? 0;
      continue;
    }
    const s = statOf(pid);
    if (s && (s.comm === "postgres" || s.comm.startsWith("postgres:"))) postgres.set(pid, s.seconds);
  }
  const usage = process.cpuUsage();
  const mine = (usage.user + usage.system) / 1e6;
  // In-process mode (BENCH_SERVER=inproc) the service is this process: its CPU and the load's are one figure.
  return servicePids.includes(process.pid)
    ? { service: service + mine, postgres, bench: 0 }
    : { service, postgres, bench: mine };
}

export interface CpuPerUnit {
  serviceMs: number;
  postgresMs: number;
  benchMs: number;
  totalMs: number;
  /** The rate every core of this machine could sustain at this cost per unit. */
  ceilingPerSecond: number;
}

/** Milliseconds of CPU per unit of work between two snapshots. */
export function cpuPerUnit(before: CpuSnapshot | null, after: CpuSnapshot | null, units: number): CpuPerUnit | null {
  if (!before || !after || units <= 0) return null;
  const per = (a: number, b: number) => ((b - a) * 1000) / units;
  const serviceMs = per(before.service, after.service);
  // A process that started during the stretch counts from zero; one that ended is not seen at all
  // (its last share is lost: an undercount, never a negative figure).
  let postgresSeconds = 0;
  for (const [pid, seconds] of after.postgres) postgresSeconds += seconds - (before.postgres.get(pid) ?? 0);
  const postgresMs = per(0, postgresSeconds);
  const benchMs = per(before.bench, after.bench);
  const totalMs = serviceMs + postgresMs + benchMs;
  return { serviceMs, postgresMs, benchMs, totalMs, ceilingPerSecond: (os.cpus().length * 1000) / totalMs };
}

/** "service 16.0 + PostgreSQL 3.7 + bench 1.6 = 21.3 ms CPU per certificate: at most 94/s on 2 cores" */
export function describeCpuPerUnit(cost: CpuPerUnit | null, unit: string, goalPerSecond?: number): string {
  if (!cost) return `CPU per ${unit}: not measured (needs /proc)`;
  const f = (ms: number) => ms.toFixed(1);
  const cores = os.cpus().length;
  const goal =
    goalPerSecond === undefined ? "" : `; ${goalPerSecond}/s needs ≤ ${f((cores * 1000) / goalPerSecond)} ms in all`;
  return (
    `CPU per ${unit}: service ${f(cost.serviceMs)} + PostgreSQL ${f(cost.postgresMs)} + bench ${f(cost.benchMs)} = ` +
    `${f(cost.totalMs)} ms: at most ${cost.ceilingPerSecond.toFixed(0)}/s with all ${cores} cores busy${goal}`
  );
}

/** CPU seconds so far of each live thread of this process, with its nice value (Linux; else null). */
function threadCpu(): Map<number, { seconds: number; nice: number }> | null {
  if (process.platform !== "linux" || !fs.existsSync("/proc/self/task")) return null;
  const out = new Map<number, { seconds: number; nice: number }>();
  for (const tid of fs.readdirSync("/proc/self/task")) {
    try {
      const text = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      out.set(Number(tid), {
        seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
        nice: Number(fields[16]),
      });
    } catch {
      // the thread ended between listing and reading
    }
  }
  return out;
}

/**
 * Where this process's CPU and PostgreSQL's went during one stretch, for a process whose main thread
 * serves requests, whose load client is a worker thread started within the stretch, and which may
 * have a CRL thread (recognised by its nice value).
 */
export interface ThreadShares {
  server: number;
  loadClient: number;
  crlThread: number;
  otherThreads: number;
  postgres: number;
}

export interface ThreadReading {
  threads: Map<number, { seconds: number; nice: number }>;
  processSeconds: number;
  postgres: CpuSnapshot;
}

export function threadReading(): ThreadReading | null {
  const threads = threadCpu();
  const postgres = cpuSnapshot([]);
  if (!threads || !postgres) return null;
  const usage = process.cpuUsage();
  return { threads, processSeconds: (usage.user + usage.system) / 1e6, postgres };
}

export function threadShares(
  before: ThreadReading | null,
  after: ThreadReading | null,
  crlNice: number,
): ThreadShares | null {
  if (!before || !after) return null;
  let server = 0;
  let crlThread = 0;
  let newThreads = 0;
  let live = 0;
  for (const [tid, t] of after.threads) {
    const used = t.seconds - (before.threads.get(tid)?.seconds ?? 0);
    live += used;
    if (tid === process.pid) server += used;
    else if (t.nice === crlNice) crlThread += used;
    else if (!before.threads.has(tid)) newThreads += used; // the load client, not yet ended
  }
  let postgres = 0;
  for (const [pid, s] of after.postgres.postgres) postgres += Math.max(0, s - (before.postgres.postgres.get(pid) ?? 0));
  return {
    server,
    crlThread,
    otherThreads: live - server - crlThread - newThreads,
    // A thread that ended in between (the load client) is in the process's total and in no live thread.
    loadClient: newThreads + Math.max(0, after.processSeconds - before.processSeconds - live),
    postgres,
  };
}
