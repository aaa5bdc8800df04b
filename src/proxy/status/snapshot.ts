import type { HeartbeatRecord, StorageUsage } from "../types.js";
import { liveReplicas } from "./heartbeat-record.js";
import type { FetchEvent, FetchOutcome, RefusalEvent, StatusRecorder } from "./recorder.js";
import { displayText, redactForDisplay } from "./redact.js";
import type { Reading } from "./refreshing.js";

/** Cache results whose requests count towards the hit ratio (ops endpoints have "none"). */
export const CACHE_RESULTS = ["hit", "negative", "miss", "shared", "stale"] as const;
export type CacheResult = (typeof CACHE_RESULTS)[number];

/** /status.json, and everything the HTML page shows (the page renders only this). */
export interface StatusSnapshot {
  generatedAt: string;
  startedAt: string;
  version: string | null;
  /** This process's replica id (absent when it writes no heartbeat). */
  replicaId: string | null;
  cache: {
    /** Module files (.info/.mod/.zip) in storage; null until first measured. */
    files: number | null;
    bytes: number | null;
    /** False when counting stopped at its limit: there are more. */
    complete: boolean;
    measuredAt: string | null;
    error: string | null;
    requests: Record<CacheResult, number>;
    /** (hit + negative) / all of them; null before any such request. */
    hitRatio: number | null;
  };
  routes: RouteStatus[];
  recentFetches: FetchStatus[];
  recentRefusals: RefusalStatus[];
  verification: {
    enabled: boolean;
    failures: number;
    recent: { at: string; module: string; version: string; file: string; reason: string }[];
  };
  replicas: {
    live: ReplicaStatus[];
    measuredAt: string | null;
    error: string | null;
  };
}

export interface RouteStatus {
  name: string;
  pattern: string;
  /** upstream | direct | deny */
  target: string;
  /** Where it fetches from, redacted (no userinfo, no query). */
  upstream: string;
  verified: boolean;
  fetches: { ok: number; notFound: number; failed: number };
  last: { at: string; outcome: FetchOutcome; status: number | null; error: string | null } | null;
  latencyMs: { p50: number; p99: number; samples: number } | null;
}

export interface FetchStatus extends Omit<FetchEvent, "at"> {
  at: string;
}

export interface RefusalStatus extends Omit<RefusalEvent, "at"> {
  at: string;
}

export interface ReplicaStatus {
  id: string;
  host: string;
  pid: number;
  version: string;
  listen: string;
  startedAt: string;
  seenAt: string;
  self: boolean;
}

export interface RouteInfo {
  name: string;
  pattern: string;
  target: string;
  describe: string | undefined;
  verify: boolean;
}

export interface StatusInput {
  now: number;
  startedAt: number;
  version: string | undefined;
  replicaId: string | undefined;
  routes: readonly RouteInfo[];
  recorder: StatusRecorder;
  /** Requests by cache result, from the requests_total counter's cells. */
  requests: readonly { cache: string; n: number }[];
  verifying: boolean;
  usage: Reading<StorageUsage>;
  heartbeats: Reading<HeartbeatRecord[]>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Assembles the snapshot; pure (the I/O happened in gathering the input). */
export function buildStatus(input: StatusInput): StatusSnapshot {
  const r = input.recorder;
  return {
    generatedAt: iso(input.now),
    startedAt: iso(input.startedAt),
    version: input.version ?? null,
    replicaId: input.replicaId ?? null,
    cache: cacheStatus(input.usage, input.requests),
    routes: input.routes.map((route) => routeStatus(route, r)),
    recentFetches: r.fetches.newestFirst().map((e) => ({ ...e, at: iso(e.at) })),
    recentRefusals: r.refusals.newestFirst().map((e) => ({ ...e, at: iso(e.at) })),
    verification: {
      enabled: input.verifying,
      failures: r.verificationFailureCount,
      recent: r.verificationFailures.newestFirst().map((e) => ({ ...e, at: iso(e.at) })),
    },
    replicas: replicaStatus(input.heartbeats, input.now, input.replicaId),
  };
}

function cacheStatus(
  usage: Reading<StorageUsage>,
  cells: StatusInput["requests"],
): StatusSnapshot["cache"] {
  const requests = Object.fromEntries(CACHE_RESULTS.map((c) => [c, 0])) as Record<
    CacheResult,
    number
  >;
  for (const { cache, n } of cells) {
    if ((CACHE_RESULTS as readonly string[]).includes(cache)) requests[cache as CacheResult] += n;
  }
  const all = CACHE_RESULTS.reduce((sum, c) => sum + requests[c], 0);
  return {
    files: usage.state === "ok" ? usage.value.files : null,
    bytes: usage.state === "ok" ? usage.value.bytes : null,
    complete: usage.state === "ok" ? usage.value.complete : false,
    measuredAt: usage.state === "pending" ? null : iso(usage.at),
    error: usage.state === "error" ? displayText(usage.error) : null,
    requests,
    hitRatio: all === 0 ? null : (requests.hit + requests.negative) / all,
  };
}

function routeStatus(route: RouteInfo, recorder: StatusRecorder): RouteStatus {
  const h = recorder.route(route.name);
  const last = h?.last;
  return {
    name: route.name,
    pattern: route.pattern,
    target: route.target,
    upstream: redactForDisplay(route.describe ?? route.target),
    verified: route.verify,
    fetches: { ok: h?.ok ?? 0, notFound: h?.notFound ?? 0, failed: h?.failed ?? 0 },
    last: last
      ? { at: iso(last.at), outcome: last.outcome, status: last.status, error: last.error }
      : null,
    latencyMs: h && h.latencies.length > 0 ? percentiles(h.latencies.newestFirst()) : null,
  };
}

/** Nearest-rank percentiles (no interpolation: every figure is a latency that happened). */
export function percentiles(samples: readonly number[]): {
  p50: number;
  p99: number;
  samples: number;
} {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  return { p50: at(50), p99: at(99), samples: sorted.length };
}

function replicaStatus(
  beats: Reading<HeartbeatRecord[]>,
  now: number,
  self: string | undefined,
): StatusSnapshot["replicas"] {
  const live = beats.state === "ok" ? liveReplicas(beats.value, now) : [];
  return {
    live: live.map((b) => ({
      id: b.id,
      host: b.host,
      pid: b.pid,
      version: b.version,
      listen: redactForDisplay(b.listen),
      startedAt: iso(b.startedAt),
      seenAt: iso(b.seenAt),
      self: b.id === self,
    })),
    measuredAt: beats.state === "pending" ? null : iso(beats.at),
    error: beats.state === "error" ? displayText(beats.error) : null,
  };
}
