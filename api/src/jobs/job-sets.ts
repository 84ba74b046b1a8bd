import { JobHandler, RecurringJob } from "../jobs/job-runner";

/** The handlers and recurring jobs an area hands to the JobRunner. */
export interface JobSet {
  handlers: Record<string, JobHandler>;
  recurring: RecurringJob[];
}

/** Merges the job sets of several areas; a kind declared twice is a programming error. */
export function combineJobSets(...sets: JobSet[]): JobSet {
  const handlers: Record<string, JobHandler> = {};
  const recurring: RecurringJob[] = [];
  for (const set of sets) {
    for (const [kind, handler] of Object.entries(set.handlers)) {
      if (handlers[kind]) throw new Error(`job kind ${kind} has two handlers`);
      handlers[kind] = handler;
    }
    recurring.push(...set.recurring);
  }
  return { handlers, recurring };
}

/**
 * Splits a job set into lanes that run side by side, each with its own runner; what no lane names
 * stays in `core`. Jobs that wait on other people's servers (webhooks, e-mail) must never hold up CRL
 * publication or scheduled revocations (STAT-1, REV-2), which a single queue would do behind one slow
 * endpoint; nor must a mass revocation's batches (seconds each) hold up the CRL that a single
 * revocation made meanwhile (STAT-3's 2 s).
 */
export function splitJobSet<Lane extends string>(
  set: JobSet,
  lanes: Record<Lane, readonly string[]>,
): Record<Lane | "core", JobSet> {
  const laneOf = (kind: string): Lane | "core" =>
    (Object.keys(lanes) as Lane[]).find((lane) => lanes[lane].includes(kind)) ?? "core";
  const pick = (lane: Lane | "core"): JobSet => ({
    handlers: Object.fromEntries(Object.entries(set.handlers).filter(([kind]) => laneOf(kind) === lane)),
    recurring: set.recurring.filter((r) => laneOf(r.kind) === lane),
  });
  return Object.fromEntries(["core", ...Object.keys(lanes)].map((lane) => [lane, pick(lane as Lane)])) as Record<
    Lane | "core",
    JobSet
  >;
}
