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
