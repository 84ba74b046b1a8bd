import {
  MS_PER_HOUR,
  MS_PER_SECOND,
  assertInteger,
  assertValidDate,
  endOfMonthOf,
  jstDateOf,
  jstInstant,
  toJst,
} from "../domain/jst";

/**
 * A job kind that recurs on a calendar. The runner keeps its next occurrence enqueued under
 * `key(runAt)`, so that any number of replicas scheduling it insert one row (the key is unique).
 * `next(after)` must be strictly after `after`, and `key` must tell occurrences apart.
 */
export interface RecurringJob {
  readonly kind: string;
  /**
   * After an outage (or a clock moved far ahead): `each` runs every missed occurrence in turn (a job whose
   * occurrences stand for something, such as a month's fee); `latest` runs once and continues from now
   * (a scan of the state at now, which one run covers completely).
   */
  readonly catchUp: CatchUp;
  next(after: Date): Date;
  key(runAt: Date): string;
}

export type CatchUp = "each" | "latest";

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/**
 * Once a month, at the first instant after the month's last second (23:59:59 JST on its last day),
 * i.e. 00:00:00 JST on the 1st of the following month. The key names the month that ended:
 * the run at 2027-01-01T00:00:00+09:00 is `kind:2026-12`.
 */
export function everyJstMonthEnd(kind: string, catchUp: CatchUp = "each"): RecurringJob {
  return {
    kind,
    catchUp,
    next(after: Date): Date {
      assertValidDate(after, "after");
      // The end of the JST month containing `after`, plus one second, is the next 1st 00:00 JST,
      // and always later than `after` (even at 23:59:59.500 on the last day).
      return new Date(endOfMonthOf(after).getTime() + MS_PER_SECOND);
    },
    key(runAt: Date): string {
      const ended = toJst(new Date(runAt.getTime() - MS_PER_SECOND));
      return `${kind}:${pad(ended.year, 4)}-${pad(ended.month)}`;
    },
  };
}

/** Every day at `hour`:`minute` JST; the key is the JST date of the run, `kind:YYYY-MM-DD`. */
export function dailyAtJst(kind: string, hour: number, minute = 0, catchUp: CatchUp = "each"): RecurringJob {
  assertInteger(hour, "hour", 0);
  assertInteger(minute, "minute", 0);
  if (hour > 23) throw new RangeError(`hour must be 0-23, got ${hour}`);
  if (minute > 59) throw new RangeError(`minute must be 0-59, got ${minute}`);
  return {
    kind,
    catchUp,
    next(after: Date): Date {
      const p = toJst(after);
      const today = jstInstant(p.year, p.month, p.day, hour, minute);
      return today.getTime() > after.getTime() ? today : jstInstant(p.year, p.month, p.day + 1, hour, minute);
    },
    key(runAt: Date): string {
      return `${kind}:${jstDateOf(runAt)}`;
    },
  };
}

/**
 * At the start of every hour (JST is a whole number of hours from UTC, so its hours are UTC's); the key
 * is the JST hour of the run, `kind:YYYY-MM-DDTHH`.
 */
export function hourly(kind: string, catchUp: CatchUp = "each"): RecurringJob {
  return {
    kind,
    catchUp,
    next(after: Date): Date {
      assertValidDate(after, "after");
      return new Date((Math.floor(after.getTime() / MS_PER_HOUR) + 1) * MS_PER_HOUR);
    },
    key(runAt: Date): string {
      return `${kind}:${jstDateOf(runAt)}T${pad(toJst(runAt).hour)}`;
    },
  };
}
