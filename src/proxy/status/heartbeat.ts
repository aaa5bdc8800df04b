import type { ProxyLogger } from "../log.js";
import type { Storage } from "../types.js";
import { HEARTBEAT_PRUNE_MS, heartbeatText, staleHeartbeats } from "./heartbeat-record.js";
import type { Heartbeat } from "./heartbeat-record.js";

/** How many records a prune looks at: far more replicas than one bucket ever has. */
const MAX_RECORDS = 1000;

export interface HeartbeatLoop {
  /** Stops writing and removes this replica's record (best effort), so it leaves the page at once. */
  stop(): Promise<void>;
}

/**
 * Writes this process's heartbeat now and every `beat.intervalMs`, and about once an hour
 * removes records that crashed replicas left behind. Best effort: a failed write is logged, never
 * thrown (the proxy serves modules whether or not the page can list it), and the timer is
 * unref'd so it never keeps a process alive.
 */
export function startHeartbeat(
  storage: Storage,
  first: Heartbeat,
  logger: ProxyLogger,
  now: () => number,
): HeartbeatLoop {
  let lastPrune = -Infinity;
  let writing: Promise<void> = Promise.resolve();
  let stopped = false;

  const beat = async (): Promise<void> => {
    const at = now();
    try {
      await storage.putHeartbeat(first.id, heartbeatText({ ...first, seenAt: at }));
    } catch (err) {
      logger.warn({ error: errorText(err) }, "heartbeat write failed");
    }
    if (at - lastPrune < HEARTBEAT_PRUNE_MS) return;
    lastPrune = at;
    try {
      const stale = staleHeartbeats(await storage.heartbeats(MAX_RECORDS), at);
      for (const id of stale) if (id !== first.id) await storage.removeHeartbeat(id);
    } catch (err) {
      logger.warn({ error: errorText(err) }, "removing stale heartbeats failed");
    }
  };
  const tick = () => {
    // One write at a time: a slow storage never piles up writes.
    writing = writing.then(() => (stopped ? undefined : beat()));
  };
  tick();
  const timer = setInterval(tick, first.intervalMs);
  timer.unref();
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await writing;
      try {
        await storage.removeHeartbeat(first.id);
      } catch (err) {
        logger.warn({ error: errorText(err) }, "removing this replica's heartbeat failed");
      }
    },
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
