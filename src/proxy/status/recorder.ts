import { Ring } from "./ring.js";
import { displayText } from "./redact.js";

/** How an upstream fetch ended (the upstream_request_duration_seconds result label). */
export type FetchOutcome = "ok" | "notfound" | "error" | "timeout";

export interface FetchEvent {
  /** ms since epoch. */
  at: number;
  route: string;
  /** list | latest | info | mod | zip */
  endpoint: string;
  module: string;
  version: string | null;
  outcome: FetchOutcome;
  /** The upstream's HTTP status when known. */
  status: number | null;
  ms: number;
  /** Redacted, for error and timeout only. */
  error: string | null;
}

export interface RefusalEvent {
  at: number;
  /** The request path as logged (no query), clipped. */
  path: string;
  route: string;
  status: number;
  reason: string;
}

export interface VerificationEvent {
  at: number;
  module: string;
  version: string;
  file: "mod" | "zip";
  reason: string;
}

export interface RouteHealth {
  ok: number;
  notFound: number;
  failed: number;
  last: FetchEvent | undefined;
  /** Durations (ms) of the route's most recent fetches: the latency window. */
  latencies: Ring<number>;
}

export const RECENT_EVENTS = 50;
export const LATENCY_WINDOW = 256;
const MAX_PATH = 200;

/**
 * What the status page shows that no counter keeps: per-route upstream health with a bounded
 * latency window, and the last fetches, refusals and verification failures. Everything is
 * bounded (rings; one entry per configured route) and redacted as it is recorded, so nothing
 * secret is even held in memory for the page.
 */
export class StatusRecorder {
  readonly fetches = new Ring<FetchEvent>(RECENT_EVENTS);
  readonly refusals = new Ring<RefusalEvent>(RECENT_EVENTS);
  readonly verificationFailures = new Ring<VerificationEvent>(RECENT_EVENTS);
  verificationFailureCount = 0;
  private readonly routes = new Map<string, RouteHealth>();

  constructor(private readonly routeNames: readonly string[]) {}

  fetched(e: FetchEvent): void {
    const event = { ...e, error: e.error === null ? null : displayText(e.error) };
    this.fetches.push(event);
    // Only configured routes get an entry: the map stays as small as the config.
    if (!this.routeNames.includes(e.route)) return;
    let health = this.routes.get(e.route);
    if (!health) {
      health = {
        ok: 0,
        notFound: 0,
        failed: 0,
        last: undefined,
        latencies: new Ring(LATENCY_WINDOW),
      };
      this.routes.set(e.route, health);
    }
    if (e.outcome === "ok") health.ok++;
    else if (e.outcome === "notfound") health.notFound++;
    else health.failed++;
    health.last = event;
    health.latencies.push(e.ms);
  }

  refused(e: RefusalEvent): void {
    this.refusals.push({
      ...e,
      path: displayText(e.path, MAX_PATH),
      reason: displayText(e.reason),
    });
  }

  verificationFailed(e: VerificationEvent): void {
    this.verificationFailureCount++;
    this.verificationFailures.push({ ...e, reason: displayText(e.reason) });
  }

  route(name: string): RouteHealth | undefined {
    return this.routes.get(name);
  }
}
