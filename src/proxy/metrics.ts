import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The proxy's Prometheus instruments, on a registry of their own: two proxies in one process
 * (tests, or a future multi-listener setup) must not share or double-register counters, so
 * nothing here touches prom-client's global default registry.
 */
export interface ProxyMetrics {
  registry: Registry;
  /** endpoint: list|latest|info|mod|zip|sumdb|healthz|readyz|metrics|other; cache: hit|miss|shared|stale|negative|none. */
  requests: Tally<"endpoint" | "route" | "status" | "cache">;
  /** One observation per call to a route's target; result: ok|notfound|error|timeout. */
  upstreamSeconds: Histogram<"target" | "endpoint" | "result">;
  bytesServed: Tally<"endpoint">;
  /** Requests currently waiting on another request's upstream fetch of the same item. */
  singleflightWaiters: Gauge;
  /** Requests that joined an in-progress fetch instead of starting their own. */
  singleflightShared: Counter;
  evictions: Counter;
  verificationFailures: Counter<"file">;
  /** Zips fetched ahead of clients; result: ok|failed|dropped (queue full). */
  prefetches: Counter<"result">;
}

export const METRIC_PREFIX = "gopave_proxy_";

export function createMetrics(opts: { processMetrics?: boolean } = {}): ProxyMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (opts.processMetrics) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return {
    registry,
    requests: new Tally({
      name: `${METRIC_PREFIX}requests_total`,
      help: "HTTP requests by protocol endpoint, route, status code and cache result",
      labelNames: ["endpoint", "route", "status", "cache"] as const,
      registers,
    }),
    upstreamSeconds: new Histogram({
      name: `${METRIC_PREFIX}upstream_request_duration_seconds`,
      help: "Time of each fetch from a route's target (upstream list, direct, deny)",
      labelNames: ["target", "endpoint", "result"] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    bytesServed: new Tally({
      name: `${METRIC_PREFIX}bytes_served_total`,
      help: "Response body bytes written to clients, by endpoint",
      labelNames: ["endpoint"] as const,
      registers,
    }),
    singleflightWaiters: new Gauge({
      name: `${METRIC_PREFIX}singleflight_waiters`,
      help: "Requests currently waiting on another request's fetch of the same uncached item",
      registers,
    }),
    singleflightShared: new Counter({
      name: `${METRIC_PREFIX}singleflight_shared_total`,
      help: "Requests answered by joining an in-progress fetch instead of fetching again",
      registers,
    }),
    evictions: new Counter({
      name: `${METRIC_PREFIX}evictions_total`,
      help: "Cached zips removed by the size cap (least recently used first)",
      registers,
    }),
    verificationFailures: new Counter({
      name: `${METRIC_PREFIX}verification_failures_total`,
      help: "Modules refused because their .mod or .zip did not match the checksum database",
      labelNames: ["file"] as const,
      registers,
    }),
    prefetches: new Counter({
      name: `${METRIC_PREFIX}prefetches_total`,
      help: "Zips fetched ahead of clients after their .info was asked for, by result",
      labelNames: ["result"] as const,
      registers,
    }),
  };
}

/** One label combination's running total; hot answers keep theirs and add to it directly. */
export interface TallyCell {
  n: number;
}

/**
 * A counter for the per-request path. prom-client's `inc(labels)` hashes the label object on
 * every call (a few percent of a warm request's CPU); a Tally finds a label combination's cell
 * once, callers may keep the cell, and prom-client reads the cells only when /metrics is scraped.
 */
export class Tally<L extends string> {
  private readonly cells = new Map<string, { labels: Record<L, string>; cell: TallyCell }>();
  private readonly labelNames: readonly L[];

  constructor(opts: {
    name: string;
    help: string;
    labelNames: readonly L[];
    registers: Registry[];
  }) {
    this.labelNames = opts.labelNames;
    const cells = this.cells;
    new Counter<L>({
      ...opts,
      collect() {
        this.reset();
        for (const { labels, cell } of cells.values()) {
          if (cell.n > 0) this.inc(labels, cell.n);
        }
      },
    });
  }

  cell(labels: Record<L, string>): TallyCell {
    const key = this.labelNames.map((l) => labels[l]).join("\u0000");
    let entry = this.cells.get(key);
    if (!entry) {
      entry = { labels: { ...labels }, cell: { n: 0 } };
      this.cells.set(key, entry);
    }
    return entry.cell;
  }

  inc(labels: Record<L, string>, value = 1): void {
    this.cell(labels).n += value;
  }

  /** Every label combination with its running total (for the status page). */
  totals(): { labels: Readonly<Record<L, string>>; n: number }[] {
    return [...this.cells.values()].map(({ labels, cell }) => ({ labels, n: cell.n }));
  }
}
