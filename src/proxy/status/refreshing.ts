/** A cached reading: its value (or why there is none) and when it was taken. */
export type Reading<T> =
  | { state: "ok"; value: T; at: number }
  | { state: "error"; error: string; at: number }
  /** Never read yet, and the first read is still running. */
  | { state: "pending" };

export interface RefreshOptions {
  /** A reading older than this is refreshed (in the background) by the next read. */
  maxAgeMs: number;
  /** How long the very first read waits for a value before answering "pending". */
  firstWaitMs: number;
  now: () => number;
}

/**
 * An expensive value (a walk of the storage, a listing of a bucket) that pages show without
 * paying for it on every load: at most one load at a time, started only by a read that finds the
 * last reading older than maxAgeMs, and no reader waits for it except the very first.
 */
export class Refreshing<T> {
  private last: Reading<T> = { state: "pending" };
  private loading: Promise<void> | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly opts: RefreshOptions,
  ) {}

  async read(): Promise<Reading<T>> {
    const last = this.last;
    const stale = last.state === "pending" || this.opts.now() - last.at >= this.opts.maxAgeMs;
    if (stale && !this.loading) this.loading = this.refresh();
    if (this.last.state === "pending" && this.loading)
      await waitAtMost(this.loading, this.opts.firstWaitMs);
    return this.last;
  }

  private async refresh(): Promise<void> {
    try {
      const value = await this.load();
      this.last = { state: "ok", value, at: this.opts.now() };
    } catch (err) {
      this.last = {
        state: "error",
        error: err instanceof Error ? err.message : String(err),
        at: this.opts.now(),
      };
    } finally {
      this.loading = undefined;
    }
  }
}

async function waitAtMost(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
