import type { CachedAnswer } from "../types.js";

/** How long "storage holds no such record" is believed without asking storage again. */
const ABSENT_MS = 1000;
const MAX_ENTRIES = 10_000;

type Kind = "list" | "latest" | "notfound";

/**
 * The list, @latest and not-found records this process last read or wrote, so a warm
 * `go list -m -u all` (a list and a not-found check per module) does not read storage twice per
 * request. A record is remembered only while it is fresh by its own TTL: a stale one is read from
 * storage again, where another replica may have refreshed it. "No record" is remembered for a
 * second, so a not-found another replica stores is seen within a second.
 */
export class AnswerMemo {
  private readonly entries = new Map<string, { answer: CachedAnswer | undefined; until: number }>();

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  /** The remembered record (undefined: none in storage); "unknown": ask storage. */
  get(kind: Kind, key: string, now: number): CachedAnswer | undefined | "unknown" {
    const id = `${kind} ${key}`;
    const hit = this.entries.get(id);
    if (!hit) return "unknown";
    if (now >= hit.until) {
      this.entries.delete(id);
      return "unknown";
    }
    return hit.answer;
  }

  /** Remembers what storage holds for (kind, key) until `freshMs` after the record was fetched. */
  set(
    kind: Kind,
    key: string,
    answer: CachedAnswer | undefined,
    now: number,
    freshMs: number,
  ): void {
    const until = answer ? answer.fetchedAt + freshMs : now + Math.min(freshMs, ABSENT_MS);
    const id = `${kind} ${key}`;
    this.entries.delete(id);
    if (until <= now) return;
    this.entries.set(id, { answer, until });
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}
