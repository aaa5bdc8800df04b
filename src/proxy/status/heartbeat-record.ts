import type { HeartbeatRecord } from "../types.js";

/** What each `proxy serve` process says about itself in the shared storage. */
export interface Heartbeat {
  id: string;
  host: string;
  pid: number;
  version: string;
  /** The URL it listens on, as it sees it. */
  listen: string;
  /** ms since epoch. */
  startedAt: number;
  seenAt: number;
  /** How often it writes: a record older than three of these is a replica that is gone. */
  intervalMs: number;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;
/** Records not refreshed for this long are removed by any replica (crashed processes). */
export const HEARTBEAT_PRUNE_MS = 60 * 60 * 1000;
const MAX_FIELD = 200;

/**
 * host + pid + a random part: unique even for two processes with one pid on two hosts, or a
 * restarted container that got its old pid back. Only [A-Za-z0-9._-] (a storage key).
 */
export function replicaId(host: string, pid: number, random: string): string {
  const h = host
    .replace(/[^A-Za-z0-9.-]/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 63);
  return `${h || "host"}-${pid}-${random.replace(/[^a-f0-9]/g, "").slice(0, 16)}`;
}

export function heartbeatText(beat: Heartbeat): string {
  return `${JSON.stringify(beat)}\n`;
}

/**
 * A record's heartbeat, or undefined when it is damaged, of another id (a copied file), or not
 * ours: the page shows only what it could check, and clips every string.
 */
export function parseHeartbeat(record: HeartbeatRecord): Heartbeat | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(record.text);
  } catch {
    return undefined;
  }
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v.slice(0, MAX_FIELD) : undefined);
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  const beat = {
    id: str(r.id),
    host: str(r.host),
    pid: num(r.pid),
    version: str(r.version),
    listen: str(r.listen),
    startedAt: num(r.startedAt),
    seenAt: num(r.seenAt),
    intervalMs: num(r.intervalMs),
  };
  if (beat.id !== record.id) return undefined;
  if (Object.values(beat).some((v) => v === undefined)) return undefined;
  if ((beat.intervalMs as number) <= 0) return undefined;
  return beat as Heartbeat;
}

/** Replicas seen within three of their own intervals, most recently started first. */
export function liveReplicas(records: readonly HeartbeatRecord[], now: number): Heartbeat[] {
  return records
    .map(parseHeartbeat)
    .filter((b): b is Heartbeat => b !== undefined && now - b.seenAt <= 3 * b.intervalMs)
    .sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Records to remove: damaged ones and those not refreshed for HEARTBEAT_PRUNE_MS. */
export function staleHeartbeats(records: readonly HeartbeatRecord[], now: number): string[] {
  return records
    .filter((r) => {
      const b = parseHeartbeat(r);
      return b === undefined || now - b.seenAt > HEARTBEAT_PRUNE_MS;
    })
    .map((r) => r.id);
}
