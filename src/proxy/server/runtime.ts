import type { ProxyLogger, RequestLog } from "../log.js";
import type { ProxyMetrics } from "../metrics.js";
import type { Router } from "../router.js";
import type { SingleFlight } from "../singleflight.js";
import type { StatusSources } from "../status/sources.js";
import type { SumdbProxy } from "../sumdb/index.js";
import type { StoredBody, Storage, Verifier } from "../types.js";
import type { AnswerMemo } from "./answer-memo.js";
import type { HotFiles } from "./memo.js";
import type { Prefetcher } from "./prefetch.js";

/** list/@latest are refreshed after a minute; a not-found is believed for ten. */
export const DEFAULT_TTL = { listMs: 60_000, latestMs: 60_000, notFoundMs: 600_000 };
/** Metadata answers are small; zips of toolchains are hundreds of MB on slow links. */
export const DEFAULT_TIMEOUTS = { metadataMs: 30_000, downloadMs: 600_000, shutdownMs: 30_000 };

/** Everything a request handler needs; built once by createProxy. */
export interface Runtime {
  router: Router;
  storage: Storage;
  /** Absent: checksum-database verification is off (sumdb "off"); public routes are served unverified. */
  verifier: Verifier | undefined;
  sumdb: SumdbProxy | undefined;
  metrics: ProxyMetrics;
  logger: ProxyLogger;
  /** One line per request, in the logger's format. */
  requestLog: RequestLog;
  ttl: { listMs: number; latestMs: number; notFoundMs: number };
  timeouts: { metadataMs: number; downloadMs: number };
  now: () => number;
  flights: SingleFlight<Outcome>;
  /** .info/.mod files kept in memory (see hot.ts). */
  hot: HotFiles;
  /** list/@latest/not-found records recently read or written (see answer-memo.ts). */
  answers: AnswerMemo;
  /** Zips kept in memory, under a budget of their own so big zips never push out metadata. */
  hotZips: HotFiles;
  /** Aborted when a graceful shutdown runs out of time: upstream fetches stop then. */
  shutdown: AbortSignal;
  /** Controllers of the upstream fetches in progress (see withFetchSignal). */
  fetches: Set<AbortController>;
  /** True once close() started: responses ask clients to close their connections. */
  closing: boolean;
  /** Fetches zips ahead of clients; absent when prefetching is off. */
  prefetcher: Prefetcher | undefined;
  /** Work that outlives its request (cache writes); shutdown waits for it. */
  inBackground(work: Promise<void>): void;
  /** Asks for a size-cap eviction pass soon (coalesced; no-op without a cap). */
  scheduleEviction(): void;
  /** What the status page shows that counters do not keep (see status/). */
  status: StatusSources;
  /** Called after each response while closing, so drained keep-alive connections are let go. */
  onResponseDone?: () => void;
}

/** Per-request facts for the log line and the metrics, filled in as the request proceeds. */
export interface RequestContext {
  endpoint: string;
  route: string;
  /** hit | miss | shared | stale | negative | none */
  cache: string;
  bytes: number;
  error?: string;
}

export type Body = { kind: "stored"; stored: StoredBody } | { kind: "bytes"; data: Buffer };

/** The result of fetching an item, shared by every request that waited on the same flight. */
export type Outcome =
  { ok: true; body: Body } | { ok: false; status: number; message: string; notFound: boolean };
