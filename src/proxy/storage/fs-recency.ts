import type { Dirent } from "node:fs";
import { readdir, rm, stat, utimes } from "node:fs/promises";
import { basename, join } from "node:path";
import { errorCode } from "./fs-write.js";

interface Entry {
  size: number;
  /** Last use (ms, storage clock): the LRU order. */
  usedAt: number;
  /** The last use written to disk as the file's access time. */
  persistedAt: number;
}

/**
 * A hot zip has its access time rewritten at most this often: after a restart recency is exact to
 * a minute, and a busy zip costs one utimes per minute rather than one per request.
 */
const PERSIST_EVERY_MS = 60_000;

/**
 * Recency of stored zips for least-recently-used eviction. In memory it is exact; on disk it is
 * each zip's access time, set explicitly with utimes. That survives restarts and crashes with no
 * index file to rewrite or repair, costs nothing for files never read, and still works on
 * `noatime`/`relatime` mounts (those only change the kernel's implicit updates, not utimes). The
 * modification time is left alone so a static server's Last-Modified/ETag stay stable.
 */
export class ZipRecency {
  private readonly entries = new Map<string, Entry>();
  private scan: Promise<void> | undefined;
  private evicting: Promise<unknown> = Promise.resolve();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly root: string,
    /** Top-level directories that hold no modules (gopave's metadata, checksum-db tiles). */
    private readonly skipTop: ReadonlySet<string>,
    private readonly now: () => number,
  ) {}

  /** A zip was stored or read at `at`; `onDisk`: its access time already says so. */
  used(path: string, size: number, at = this.now(), onDisk = false): void {
    let entry = this.entries.get(path);
    if (!entry) {
      entry = { size, usedAt: at, persistedAt: onDisk ? at : -Infinity };
      this.entries.set(path, entry);
    } else {
      entry.size = size;
      entry.usedAt = Math.max(entry.usedAt, at);
    }
    if (entry.usedAt - entry.persistedAt >= PERSIST_EVERY_MS) this.persist(path, entry);
  }

  private persist(path: string, entry: Entry): void {
    entry.persistedAt = entry.usedAt;
    const atime = entry.usedAt / 1000;
    const p = stat(path)
      .then((st) => utimes(path, atime, st.mtime))
      // An evicted or externally removed zip has nothing to remember.
      .catch(() => undefined)
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Writes every use not yet on disk; called on close. */
  async flush(): Promise<void> {
    for (const [path, entry] of this.entries) {
      if (entry.usedAt > entry.persistedAt) this.persist(path, entry);
    }
    await Promise.all(this.pending);
  }

  /** Removes least-recently-used zips until their total is at most maxBytes. */
  evict(maxBytes: number): Promise<number> {
    // One eviction at a time, so two callers never count the same removal twice.
    const run = this.evicting.then(() => this.evictNow(maxBytes));
    this.evicting = run.catch(() => undefined);
    return run;
  }

  private async evictNow(maxBytes: number): Promise<number> {
    this.scan ??= this.scanZips();
    await this.scan;
    let total = 0;
    for (const e of this.entries.values()) total += e.size;
    if (total <= maxBytes) return 0;
    const oldestFirst = [...this.entries].sort(
      ([pa, a], [pb, b]) => a.usedAt - b.usedAt || (pa < pb ? -1 : pa > pb ? 1 : 0),
    );
    let evicted = 0;
    for (const [path, entry] of oldestFirst) {
      if (total <= maxBytes) break;
      try {
        await rm(path);
        evicted++;
      } catch (err) {
        // Already gone (removed by hand): not an eviction, but its bytes are no longer there.
        // Anything else (a permission problem): keep it and try the next one.
        if (errorCode(err) !== "ENOENT") continue;
      }
      this.entries.delete(path);
      total -= entry.size;
    }
    return evicted;
  }

  /**
   * Learns the zips already on disk (from a previous run, a seed, or a copied module cache). Runs
   * once, lazily: a server that never evicts never walks its storage.
   */
  private async scanZips(): Promise<void> {
    const dirs: string[] = [this.root];
    for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
      let list: Dirent[];
      try {
        list = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      const atRoot = dir === this.root;
      const versionDir = basename(dir) === "@v";
      for (const d of list) {
        const path = join(dir, d.name);
        // Symlinks are neither followed nor evicted: Dirent reports them as neither kind.
        if (d.isDirectory() && !(atRoot && this.skipTop.has(d.name))) dirs.push(path);
        else if (versionDir && d.isFile() && d.name.endsWith(".zip")) await this.learn(path);
      }
    }
  }

  private async learn(path: string): Promise<void> {
    try {
      const st = await stat(path);
      const entry = this.entries.get(path);
      if (entry) entry.usedAt = Math.max(entry.usedAt, st.atimeMs);
      else this.entries.set(path, { size: st.size, usedAt: st.atimeMs, persistedAt: st.atimeMs });
    } catch {
      // Removed while scanning.
    }
  }
}
