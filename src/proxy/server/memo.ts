import type { Readable } from "node:stream";
import type { TallyCell } from "../metrics.js";
import type { ModuleFile } from "../types.js";

/**
 * An immutable module file answered from memory, with everything its 200 response needs built
 * once: the body, the header list and the counters it adds to. See hot.ts for why.
 */
export interface HotFile {
  data: Buffer;
  /** Flat [name, value, …] as http's writeHead takes it. */
  headers: string[];
  endpoint: ModuleFile;
  /** The route's label in logs and metrics. */
  route: string;
  /** requests_total{endpoint, route, status="200", cache="hit"}. */
  requests: TallyCell;
  /** bytes_served_total{endpoint}. */
  bytes: TallyCell;
  /** The log line of a GET, but for time and duration (see RequestLog.fixed). */
  logGet: { head: string; tail: string };
}

/** How many once-asked-for keys are remembered for admission (a few hundred KB at most). */
const MAX_SEEN = 4096;

/**
 * An in-process LRU of immutable module files, keyed by their escaped request path ("/" + the
 * request key). Once stored, a .info, .mod or .zip never changes, so a copy in memory is never
 * stale; bounded in total bytes and per entry to stay inside the proxy's memory budget.
 */
export class HotFiles {
  private readonly entries = new Map<string, HotFile>();
  private bytes = 0;
  private readonly loads = new Map<string, Promise<Buffer>>();
  private loadingBytes = 0;
  /** Keys asked for once (insertion order = age), when admission waits for a second use. */
  private readonly seen = new Set<string>();

  /**
   * `admitOnSecondUse`: a file is read into memory only when asked for again. A cold download
   * asks for each zip once; holding those would fill the budget with bytes nobody asks for
   * twice, and the process with their copies.
   */
  constructor(
    readonly maxBytes: number,
    readonly maxEntryBytes: number,
    private readonly admitOnSecondUse = false,
  ) {}

  get(key: string): HotFile | undefined {
    const hit = this.entries.get(key);
    // Re-insert: Map iteration order is the recency order. Only worth its cost on the hottest
    // path once evictions draw near.
    if (hit && this.bytes > this.maxBytes / 2) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  /** Whether `key` is held, without counting as a use. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  fits(size: number): boolean {
    return size <= this.maxEntryBytes && size <= this.maxBytes;
  }

  /**
   * Reads a stored file into memory once however many requests ask for it at the same time, and
   * never more bytes at once than the budget: a freshly started proxy under load would otherwise
   * read one copy per request (100 connections asking for a 7 MB zip held 570 MB). undefined: it
   * does not fit now; the caller streams it from storage instead.
   */
  load(key: string, size: number, read: () => Promise<Buffer>): Promise<Buffer> | undefined {
    const running = this.loads.get(key);
    if (running) return running;
    if (!this.fits(size) || this.loadingBytes + size > this.maxBytes) return undefined;
    if (this.admitOnSecondUse && !this.seen.delete(key)) {
      this.seen.add(key);
      if (this.seen.size > MAX_SEEN) this.seen.delete(this.seen.values().next().value as string);
      return undefined;
    }
    this.loadingBytes += size;
    const loading = read().finally(() => {
      this.loads.delete(key);
      this.loadingBytes -= size;
    });
    this.loads.set(key, loading);
    return loading;
  }

  /** Drops `key`: its write to storage failed, so the next request fetches and stores it again. */
  forget(key: string): void {
    const hit = this.entries.get(key);
    if (!hit) return;
    this.entries.delete(key);
    this.bytes -= hit.data.length;
  }

  set(key: string, file: HotFile): void {
    if (!this.fits(file.data.length) || this.entries.has(key)) return;
    this.entries.set(key, file);
    this.bytes += file.data.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.data.length;
    }
  }
}

export async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) {
      stream.destroy();
      throw new Error(`stored file larger than ${limit} bytes`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, size);
}
