/**
 * In-process request coalescing: while a fetch for a key is running, later callers for the same
 * key get the same promise instead of fetching again. This is what keeps 50 CI jobs asking for
 * one uncached zip at once down to a single upstream download.
 */
export interface SingleFlightHooks {
  /** A caller joined a running flight (a waiter); called with -count when the flight settles. */
  onWaiters?(delta: number): void;
  onShared?(): void;
}

export interface Flight<T> {
  promise: Promise<T>;
  /** True when this caller joined a flight another caller started. */
  shared: boolean;
}

export class SingleFlight<T> {
  private readonly flights = new Map<string, { promise: Promise<T>; waiters: number }>();

  constructor(private readonly hooks: SingleFlightHooks = {}) {}

  /**
   * Runs `fn` unless a flight for `key` is running. `fn` must not depend on the caller that
   * started it (its client may disconnect while others still wait), so it gets no signal here.
   */
  do(key: string, fn: () => Promise<T>): Flight<T> {
    const running = this.flights.get(key);
    if (running) {
      running.waiters++;
      this.hooks.onWaiters?.(1);
      this.hooks.onShared?.();
      return { promise: running.promise, shared: true };
    }
    // `fn` starts one microtask later, so the entry is registered first even if it throws at once.
    const entry: { promise: Promise<T>; waiters: number } = {
      promise: Promise.resolve()
        .then(fn)
        .finally(() => {
          this.flights.delete(key);
          if (entry.waiters > 0) this.hooks.onWaiters?.(-entry.waiters);
        }),
      waiters: 0,
    };
    this.flights.set(key, entry);
    return { promise: entry.promise, shared: false };
  }

  has(key: string): boolean {
    return this.flights.has(key);
  }

  /** Keys with a fetch in progress. */
  get size(): number {
    return this.flights.size;
  }
}
