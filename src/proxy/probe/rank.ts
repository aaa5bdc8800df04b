import type { ProxyReport } from "./types.js";

/** How many conforming proxies the suggested GOPROXY names before ",direct". */
const SUGGESTED_PROXIES = 3;

/**
 * Conforming proxies first, then by median latency (unmeasured last), then fewer warnings.
 * A non-conforming proxy ranks by how many checks it failed.
 */
export function rankReports(reports: readonly ProxyReport[]): ProxyReport[] {
  const fails = (r: ProxyReport) => r.checks.filter((c) => c.status === "fail").length;
  const warns = (r: ProxyReport) => r.checks.filter((c) => c.status === "warn").length;
  return [...reports].sort(
    (a, b) =>
      Number(b.conforming) - Number(a.conforming) ||
      fails(a) - fails(b) ||
      (a.latency.p50Ms ?? Infinity) - (b.latency.p50Ms ?? Infinity) ||
      warns(a) - warns(b) ||
      a.url.localeCompare(b.url),
  );
}

/**
 * The GOPROXY to use: the best conforming proxies joined with "," (the next is asked only on a
 * 404/410), ending in ",direct". undefined when none conforms. URLs are the redacted ones.
 */
export function suggestGoproxy(ranked: readonly ProxyReport[]): string | undefined {
  const best = ranked.filter((r) => r.conforming).slice(0, SUGGESTED_PROXIES);
  if (best.length === 0) return undefined;
  return [...best.map((r) => r.url.replace(/\/+$/, "")), "direct"].join(",");
}
