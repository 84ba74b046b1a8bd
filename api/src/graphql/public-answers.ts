import { Kind, type OperationDefinitionNode } from "graphql";
import type { Clock } from "../domain/clock";
import type { ViewChanges } from "../status/view-changes";

/**
 * The public status and seal queries are most of the traffic (every seal on every page view asks), and
 * their answers are built only from the in-memory views that change notifications keep true. So a
 * whole answer to an anonymous GET of those fields is kept here for a moment, keyed by its URL query
 * string, and handed out without parsing, executing or serialising again (DESIGN "Hot paths and scale").
 *
 * STAT-3 is kept the same way the views keep it: every change notification drops every answer, and an
 * answer computed while a change arrived is not kept. What changes with time alone (a certificate
 * reaching notAfter, a scheduled revocation's moment) is why an answer lives at most
 * {@link PUBLIC_ANSWER_MAX_AGE_MS} of the service clock: an answer and its `checkedAt` are never older.
 */
export const PUBLIC_ANSWER_MAX_AGE_MS = 1_000;

/** Root fields whose answers come only from notification-kept views and the clock. */
const VIEW_FIELDS: ReadonlySet<string> = new Set(["certificateStatus", "seal", "seals", "__typename"]);

const MAX_ENTRIES = 20_000;

export interface PublicAnswer {
  body: Buffer;
  cacheControl: string;
}

interface Entry extends PublicAnswer {
  keptAtMs: number;
}

export class PublicAnswers {
  private readonly entries = new Map<string, Entry>();
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

  /** Only queries made of view fields alone may be kept. */
  static keepable(operation: OperationDefinitionNode): boolean {
    return operation.operation === "query" && operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && VIEW_FIELDS.has(s.name.value));
  }

  get(key: string): PublicAnswer | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    const age = this.clock.now().getTime() - hit.keptAtMs;
    // A clock set back (tests do) makes the age negative: the answer may describe the future.
    if (age < 0 || age >= PUBLIC_ANSWER_MAX_AGE_MS || !this.views.trusted) {
      this.entries.delete(key);
      return undefined;
    }
    return hit;
  }

  /** Read before executing; hand it to `keep` so that an answer computed across a change is dropped. */
  get version(): number {
    return this.changes;
  }

  keep(key: string, answer: PublicAnswer, since: number, computedAtMs: number): void {
    if (since !== this.changes || !this.views.trusted) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { ...answer, keptAtMs: computedAtMs });
  }
}
