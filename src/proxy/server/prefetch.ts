/**
 * Zips fetched ahead of the client. `go mod download` — the first step of most Dockerfiles and CI
 * jobs — asks for the .info of every module it will download, then fetches the zips one or two
 * at a time, and each cold zip costs its download plus its check before the client sees a byte.
 * Starting the zip's fetch when its .info is asked for overlaps all of that with the client's own
 * work; the client's zip request then joins the fetch in progress (single-flight) or finds the
 * zip in memory. Bounded: a few fetches at a time, a short queue, and what does not fit is
 * dropped (the client fetches it on demand as before).
 */
export interface PrefetchOptions {
  /** Fetches at a time. */
  concurrency: number;
  /** Waiting beyond that; more are dropped. */
  maxQueued: number;
  onResult?: (result: "ok" | "failed" | "dropped") => void;
}

export const DEFAULT_PREFETCH: PrefetchOptions = { concurrency: 4, maxQueued: 256 };

export class Prefetcher {
  private running = 0;
  private readonly queue = new Map<string, () => Promise<boolean>>();
  private stopped = false;

  constructor(private readonly opts: PrefetchOptions) {}

  /** Queues `run` under `key` unless it is queued already; `run` resolves to whether it worked. */
  offer(key: string, run: () => Promise<boolean>): void {
    if (this.stopped || this.queue.has(key)) return;
    if (this.queue.size >= this.opts.maxQueued) {
      this.opts.onResult?.("dropped");
      return;
    }
    this.queue.set(key, run);
    this.pump();
  }

  /** No more prefetches start; the queue is dropped (fetches running finish on their own). */
  stop(): void {
    this.stopped = true;
    this.queue.clear();
  }

  private pump(): void {
    while (!this.stopped && this.running < this.opts.concurrency) {
      const next = this.queue.entries().next();
      if (next.done === true) return;
      const [key, run] = next.value;
      this.queue.delete(key);
      this.running++;
      run()
        .catch(() => false)
        .then((ok) => this.opts.onResult?.(ok ? "ok" : "failed"))
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }
}
