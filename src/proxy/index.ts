import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { destination } from "pino";
import type { DestinationStream } from "pino";
import { createLogger, createRequestLog } from "./log.js";
import type { ProxyLogger } from "./log.js";
import { createMetrics } from "./metrics.js";
import type { ProxyMetrics } from "./metrics.js";
import { Router, routeLabel } from "./router.js";
import { createHandler } from "./server/handler.js";
import { AnswerMemo } from "./server/answer-memo.js";
import { HotFiles } from "./server/memo.js";
import { DEFAULT_PREFETCH, Prefetcher } from "./server/prefetch.js";
import { DEFAULT_TIMEOUTS, DEFAULT_TTL } from "./server/runtime.js";
import type { Outcome, Runtime } from "./server/runtime.js";
import { SingleFlight } from "./singleflight.js";
import { startHeartbeat } from "./status/heartbeat.js";
import type { HeartbeatLoop } from "./status/heartbeat.js";
import { DEFAULT_HEARTBEAT_MS, replicaId } from "./status/heartbeat-record.js";
import { createStatusSources } from "./status/sources.js";
import type { SumdbProxy } from "./sumdb/index.js";
import type { Route, Storage, Verifier } from "./types.js";

export interface ProxyOptions {
  /** Ordered routes; the last one is the catch-all default (see buildRoutes). */
  routes: Route[];
  ttl?: Partial<Runtime["ttl"]>;
  timeouts?: Partial<Runtime["timeouts"] & { shutdownMs: number }>;
  /** Size cap of cached zips; least recently used are evicted past it. */
  cacheMaxBytes?: number;
  /** Memory for hot zips (0: none); default DEFAULT_MEMORY_CACHE by storage kind. */
  memoryCacheBytes?: number;
  /** Fetch a version's zip when its .info is asked for (default on); see prefetch.ts. */
  prefetch?: boolean;
  /**
   * This process is a replica (`proxy serve`): while listening it writes a heartbeat into the
   * storage every heartbeatMs (default 15 s), which the status page of every replica lists.
   */
  replica?: { version: string; heartbeatMs?: number };
}

/**
 * Hot zips held in memory, by default only when storage is remote (S3), where each miss is a
 * download: enough for the working set of a typical service's dependency graph (examples/orders':
 * 23 zips, 16 MB). With file-system storage the OS page cache holds hot files already, and a
 * JavaScript heap copy only costs: a team's CI downloads whole graphs in turn, a pattern no LRU
 * of tens of MB survives, and the churn of loading and evicting zips kept 175 MiB resident under
 * 64 concurrent zip downloads where streaming from files (send-file.ts) kept 101 MiB, at the same
 * speed (bench/proxy). Metadata has a budget of its own; .info and .mod files are small.
 */
export const DEFAULT_MEMORY_CACHE = { remote: 64 << 20, local: 0 };
const MAX_HOT_ZIP = 16 << 20;
const METADATA_MEMORY = { maxBytes: 32 << 20, maxEntryBytes: 256 << 10 };

export interface ProxyDeps {
  storage: Storage;
  verifier?: Verifier;
  sumdb?: SumdbProxy;
  metrics?: ProxyMetrics;
  /** Where log lines go (default stdout). */
  logStream?: DestinationStream;
  now?: () => number;
}

export interface Proxy {
  server: Server;
  metrics: ProxyMetrics;
  router: Router;
  logger: ProxyLogger;
  /** Listens (port 0 picks one) and resolves to the base URL, e.g. "http://127.0.0.1:41234". */
  listen(port: number, host: string): Promise<string>;
  /** Resolves once work that outlived its requests (cache writes) is done. */
  settled(): Promise<void>;
  /** Graceful: stop accepting, finish in-flight requests, then resolve. Idempotent. */
  close(): Promise<void>;
}

/** Assembles the proxy: runtime, request handler and an http.Server (not yet listening). */
export function createProxy(options: ProxyOptions, deps: ProxyDeps): Proxy {
  const metrics = deps.metrics ?? createMetrics();
  const logStream = deps.logStream ?? destination({ dest: 1, sync: false });
  const logger = createLogger(logStream);
  const memoryCache =
    options.memoryCacheBytes ??
    (deps.storage.remote ? DEFAULT_MEMORY_CACHE.remote : DEFAULT_MEMORY_CACHE.local);
  const router = new Router(options.routes);
  const shutdown = new AbortController();
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const eviction = evictionLoop(deps.storage, options.cacheMaxBytes, metrics, logger);
  const background = new Set<Promise<void>>();
  const now = deps.now ?? Date.now;
  const replica = options.replica;
  const id = replica
    ? replicaId(hostname(), process.pid, randomBytes(4).toString("hex"))
    : undefined;
  const rt: Runtime = {
    router,
    storage: deps.storage,
    verifier: deps.verifier,
    sumdb: deps.sumdb,
    metrics,
    logger,
    requestLog: createRequestLog(logStream, logger),
    ttl: { ...DEFAULT_TTL, ...options.ttl },
    timeouts,
    now,
    flights: new SingleFlight<Outcome>({
      onWaiters: (d) => metrics.singleflightWaiters.inc(d),
      onShared: () => metrics.singleflightShared.inc(),
    }),
    hot: new HotFiles(METADATA_MEMORY.maxBytes, METADATA_MEMORY.maxEntryBytes),
    hotZips: new HotFiles(memoryCache, Math.min(memoryCache, MAX_HOT_ZIP), true),
    answers: new AnswerMemo(),
    shutdown: shutdown.signal,
    fetches: new Set(),
    closing: false,
    scheduleEviction: eviction.schedule,
    status: createStatusSources(deps.storage, router.routes.map(routeLabel), {
      now,
      ...(replica ? { version: replica.version } : {}),
      ...(id ? { replicaId: id } : {}),
    }),
    prefetcher:
      options.prefetch === false
        ? undefined
        : new Prefetcher({
            ...DEFAULT_PREFETCH,
            onResult: (result) => metrics.prefetches.inc({ result }),
          }),
    inBackground(work) {
      background.add(work);
      const done = () => void background.delete(work);
      work.then(done, done);
    },
  };
  const server = createServer({ keepAliveTimeout: 5000 }, createHandler(rt));
  let closed: Promise<void> | undefined;
  let heartbeat: HeartbeatLoop | undefined;

  const close = (): Promise<void> => {
    closed ??= (async () => {
      rt.closing = true;
      rt.prefetcher?.stop();
      // Off the page first: a draining replica is no longer one to count on.
      const leaving = heartbeat?.stop();
      const deadline = Date.now() + timeouts.shutdownMs + 1000;
      // Each finished response while draining frees its keep-alive connection at once.
      rt.onResponseDone = () => setImmediate(() => server.closeIdleConnections());
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        logger.warn({ ms: timeouts.shutdownMs }, "shutdown grace period over; cutting connections");
        shutdown.abort(new Error("shutting down"));
        for (const f of rt.fetches) f.abort(shutdown.signal.reason);
        server.closeAllConnections();
      }, timeouts.shutdownMs);
      timer.unref();
      await drained;
      // Fetches whose clients went away still finish and land in storage (the next client wants
      // them), unless the grace period runs out first and aborts them.
      while (rt.fetches.size > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      clearTimeout(timer);
      await leaving;
      await settled();
      logger.flush();
    })();
    return closed;
  };

  const listen = (port: number, host: string) =>
    new Promise<string>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        const a = server.address() as AddressInfo;
        const h = a.family === "IPv6" ? `[${a.address}]` : a.address;
        eviction.schedule();
        const url = `http://${h}:${a.port}`;
        if (replica && id && !heartbeat) {
          const at = now();
          heartbeat = startHeartbeat(
            deps.storage,
            {
              id,
              host: hostname(),
              pid: process.pid,
              version: replica.version,
              listen: url,
              startedAt: at,
              seenAt: at,
              intervalMs: replica.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
            },
            logger,
            now,
          );
        }
        resolve(url);
      });
    });

  const settled = async (): Promise<void> => {
    while (background.size > 0) await Promise.all(background);
    await eviction.idle();
  };
  return { server, metrics, router, logger, listen, close, settled };
}

/** Runs evictions one at a time; a request during a run asks for one more run afterwards. */
function evictionLoop(
  storage: Storage,
  maxBytes: number | undefined,
  metrics: ProxyMetrics,
  logger: ProxyLogger,
) {
  let running: Promise<void> | undefined;
  let again = false;
  const run = async (): Promise<void> => {
    do {
      again = false;
      try {
        const n = await storage.evict(maxBytes as number);
        if (n > 0) metrics.evictions.inc(n);
      } catch (err) {
        logger.warn({ error: err instanceof Error ? err.message : String(err) }, "eviction failed");
      }
    } while (again);
  };
  return {
    schedule(): void {
      if (maxBytes === undefined) return;
      if (running) {
        again = true;
        return;
      }
      // Deferred so the request that triggered it opens its stored file first.
      running = new Promise<void>((resolve) => setImmediate(resolve)).then(run).finally(() => {
        running = undefined;
      });
    },
    idle: async (): Promise<void> => {
      while (running) await running;
    },
  };
}

export { buildRoutes, Router, parseRouteRule, parseTargetSpec } from "./router.js";
export { createUpstreamTarget } from "./targets/upstream.js";
export { createDenyTarget } from "./targets/deny.js";
export { createMetrics } from "./metrics.js";
export { createLogger } from "./log.js";
export { DEFAULT_TIMEOUTS, DEFAULT_TTL } from "./server/runtime.js";
