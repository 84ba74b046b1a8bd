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
 * Splits a job set into lanes that run side by side, each with its own runner: jobs that wait on
 * other people's servers (webhooks, e-mail) must never hold up CRL publication or scheduled
 * revocations (STAT-1, REV-2), which a single queue would do behind one slow endpoint.
 */
export function splitJobSet(set: JobSet, networkKinds: readonly string[]): { core: JobSet; network: JobSet } {
  const pick = (inNetwork: boolean): JobSet => ({
    handlers: Object.fromEntries(
      Object.entries(set.handlers).filter(([kind]) => networkKinds.includes(kind) === inNetwork),
    ),
    recurring: set.recurring.filter((r) => networkKinds.includes(r.kind) === inNetwork),
  });
  return { core: pick(false), network: pick(true) };
}
