import type { ListedObject } from "./s3-objects.js";

/** What eviction needs from the bucket: the stored zips, and a way to remove one. */
export interface ZipSource {
  /** Every stored zip (relative keys), page by page. */
  zips(): AsyncIterable<ListedObject>;
  remove(key: string): Promise<void>;
}

interface Entry {
  size: number;
  /** Last use (ms, storage clock): the LRU order. */
  usedAt: number;
}

/**
 * Recency of stored zips for least-recently-used eviction, kept in memory. S3 cannot update an
 * object's time without rewriting it, so uses are not persisted: zips this process never saw
 * are ordered by their LastModified, learnt from one listing at the first eviction — a server
 * that never evicts never lists its bucket. After a restart, zips in use are soon seen again.
 */
export class S3ZipRecency {
  private readonly entries = new Map<string, Entry>();
  private scan: Promise<void> | undefined;
  private evicting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly source: ZipSource,
    private readonly now: () => number,
  ) {}

  /** A zip was stored or read. */
  used(key: string, size: number, at = this.now()): void {
    const entry = this.entries.get(key);
    if (!entry) this.entries.set(key, { size, usedAt: at });
    else {
      entry.size = size;
      entry.usedAt = Math.max(entry.usedAt, at);
    }
  }

  /** Removes least-recently-used zips until their total is at most maxBytes. */
  evict(maxBytes: number): Promise<number> {
    // One eviction at a time, so two callers never count the same removal twice.
    const run = this.evicting.then(() => this.evictNow(maxBytes));
    this.evicting = run.catch(() => undefined);
    return run;
  }

  private async evictNow(maxBytes: number): Promise<number> {
    // A failed listing is retried at the next eviction rather than remembered.
    this.scan ??= this.learnStored().catch((err: unknown) => {
      this.scan = undefined;
      throw err;
    });
    await this.scan;
    let total = 0;
    for (const e of this.entries.values()) total += e.size;
    if (total <= maxBytes) return 0;
    const oldestFirst = [...this.entries].sort(
      ([ka, a], [kb, b]) => a.usedAt - b.usedAt || (ka < kb ? -1 : ka > kb ? 1 : 0),
    );
    let evicted = 0;
    for (const [key, entry] of oldestFirst) {
      if (total <= maxBytes) break;
      // S3 deletes are idempotent: a zip removed by hand meanwhile still frees its bytes.
      await this.source.remove(key);
      this.entries.delete(key);
      total -= entry.size;
      evicted++;
    }
    return evicted;
  }

  private async learnStored(): Promise<void> {
    for await (const o of this.source.zips()) {
      const at = o.lastModified?.getTime() ?? 0;
      const entry = this.entries.get(o.key);
      if (entry) entry.usedAt = Math.max(entry.usedAt, at);
      else this.entries.set(o.key, { size: o.size, usedAt: at });
    }
  }
}
