import type { Clock } from "../domain/clock";
import type { ViewChanges } from "./view-changes";

/**
 * The public status and seal answers are most of the traffic (every seal on every page view asks, every
 * click opens the verification page), and they are built only from the in-memory views that change
 * notifications keep true. So a whole answer, as bytes, is kept here for a moment, keyed by what asked
 * for it, and handed out without executing or rendering again (DESIGN "Hot paths and scale").
 *
 * STAT-3 is kept the same way the views keep it: every change notification drops every answer, and an
 * answer computed while a change arrived is not kept. What changes with time alone (a certificate
 * reaching notAfter, a scheduled revocation's moment) is why an answer lives at most
 * {@link PUBLIC_ANSWER_MAX_AGE_MS} of the service clock: an answer and its `checkedAt` are never older.
 */
const PUBLIC_ANSWER_MAX_AGE_MS = 1_000;

const MAX_ENTRIES = 20_000;

export class KeptAnswers<A> {
  private readonly entries = new Map<string, { answer: A; keptAtMs: number }>();
  private changes = 0;

  constructor(
    private readonly clock: Clock,
    private readonly views: ViewChanges,
  ) {
    views.on(() => {
      this.changes++;
      this.entries.clear();
    });
  }

  get(key: string): A | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    const age = this.clock.now().getTime() - hit.keptAtMs;
    // A clock set back (tests do) makes the age negative: the answer may describe the future.
    if (age < 0 || age >= PUBLIC_ANSWER_MAX_AGE_MS || !this.views.trusted) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.answer;
  }

  /** Read before executing; hand it to `keep` so that an answer computed across a change is dropped. */
  get version(): number {
    return this.changes;
  }

  /** `computedAtMs`: the service clock when the answer was computed (its checkedAt). */
  keep(key: string, answer: A, since: number, computedAtMs: number): void {
    if (since !== this.changes || !this.views.trusted) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { answer, keptAtMs: computedAtMs });
  }
}
