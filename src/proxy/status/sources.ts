import { routeLabel } from "../router.js";
import type { Runtime } from "../server/runtime.js";
import type { HeartbeatRecord, Storage, StorageUsage } from "../types.js";
import { StatusRecorder } from "./recorder.js";
import { Refreshing } from "./refreshing.js";
import { buildStatus } from "./snapshot.js";
import type { StatusSnapshot } from "./snapshot.js";

/** Counting stops here: a bigger cache shows "at least" (and the walk stays bounded). */
export const USAGE_LIMIT = 500_000;
/** The storage walk runs at most once a minute, and only while someone looks at the page. */
const USAGE_MAX_AGE_MS = 60_000;
/** Heartbeats are listed at most every 5 s (a bucket listing per page load would add up). */
const REPLICAS_MAX_AGE_MS = 5_000;
const MAX_REPLICAS = 1000;
/** The first page load waits this long for the first walk, then shows "measuring". */
const FIRST_WAIT_MS = 2_000;

/** What the status page reads, kept by the runtime. */
export interface StatusSources {
  recorder: StatusRecorder;
  usage: Refreshing<StorageUsage>;
  heartbeats: Refreshing<HeartbeatRecord[]>;
  startedAt: number;
  version: string | undefined;
  replicaId: string | undefined;
}

export function createStatusSources(
  storage: Storage,
  routeNames: readonly string[],
  opts: { now: () => number; version?: string; replicaId?: string },
): StatusSources {
  const refresh = (maxAgeMs: number) => ({ maxAgeMs, firstWaitMs: FIRST_WAIT_MS, now: opts.now });
  return {
    recorder: new StatusRecorder(routeNames),
    usage: new Refreshing(() => storage.usage(USAGE_LIMIT), refresh(USAGE_MAX_AGE_MS)),
    heartbeats: new Refreshing(
      () => storage.heartbeats(MAX_REPLICAS),
      refresh(REPLICAS_MAX_AGE_MS),
    ),
    startedAt: opts.now(),
    version: opts.version,
    replicaId: opts.replicaId,
  };
}

/** The snapshot of this proxy now: cached storage figures, counters, the recorder. */
export async function collectStatus(rt: Runtime): Promise<StatusSnapshot> {
  const s = rt.status;
  const [usage, heartbeats] = await Promise.all([s.usage.read(), s.heartbeats.read()]);
  return buildStatus({
    now: rt.now(),
    startedAt: s.startedAt,
    version: s.version,
    replicaId: s.replicaId,
    routes: rt.router.routes.map((r) => ({
      name: routeLabel(r),
      pattern: r.pattern,
      target: r.target.name,
      describe: r.target.describe,
      verify: r.verify && rt.verifier !== undefined,
    })),
    recorder: s.recorder,
    requests: rt.metrics.requests.totals().map((c) => ({ cache: c.labels.cache, n: c.n })),
    verifying: rt.verifier !== undefined,
    usage,
    heartbeats,
  });
}
