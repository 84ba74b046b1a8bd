/**
 * Effective-dated tables: a value in force from a JST calendar date until the next entry.
 * Used for certificate lifetime caps (VAL-7), domain-validation reuse (APP-9) and tax rates (CON-8).
 */
import { JstDate, jstDateOf, parseJstDate } from "./jst";

export interface EffectiveDatedEntry<T> {
  /** First JST date on which `value` is in force (from 00:00 JST); `null` for "since always". */
  readonly from: JstDate | null;
  readonly value: T;
}

export type EffectiveDatedTable<T> = readonly EffectiveDatedEntry<T>[];

/**
 * Check a table once: entries in strictly increasing order of `from`, at most one open-ended
 * (`null`) entry and only first. Throws RangeError, since a bad table is a configuration error.
 */
export function validateEffectiveDatedTable<T>(table: EffectiveDatedTable<T>, name: string): void {
  if (table.length === 0) throw new RangeError(`${name}: table is empty`);
  let previous: string | null = null;
  table.forEach((entry, i) => {
    if (entry.from === null) {
      if (i !== 0) throw new RangeError(`${name}: only the first entry may have from = null`);
      return;
    }
    parseJstDate(entry.from);
    if (previous !== null && entry.from <= previous) {
      throw new RangeError(`${name}: entries must be in increasing order of 'from' (${entry.from})`);
    }
    previous = entry.from;
  });
}

/**
 * The entry in force at `at`, by its JST calendar date. Reading the date in JST makes a tightening
 * take effect at 00:00 JST, nine hours before 00:00 UTC, so the stricter value is never late.
 * Returns undefined when `at` is before the first entry.
 */
export function entryInForce<T>(table: EffectiveDatedTable<T>, at: Date): EffectiveDatedEntry<T> | undefined {
  const date = jstDateOf(at);
  let found: EffectiveDatedEntry<T> | undefined;
  // "YYYY-MM-DD" strings order like the dates they name.
  for (const entry of table) {
    if (entry.from === null || entry.from <= date) found = entry;
    else break;
  }
  return found;
}
