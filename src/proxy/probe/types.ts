/** What `gopave proxy probe` finds out about one module proxy. */

export type CheckStatus = "pass" | "warn" | "fail" | "skip";

export type CheckId =
  | "tls"
  | "list"
  | "info"
  | "mod"
  | "zip"
  | "checksum"
  | "latest"
  | "not-found"
  | "case-encoding"
  | "invalid-path"
  | "content-type"
  | "sumdb";

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** One line a person can act on; never contains credentials. */
  detail: string;
}

export interface LatencySummary {
  /** Requests attempted (sampling stops at the first failure). */
  samples: number;
  ok: number;
  p50Ms: number | undefined;
  p95Ms: number | undefined;
}

/** The zip and go.mod hashes against the checksum database's, as served by the proxy itself. */
export interface ChecksumComparison {
  status: "verified" | "mismatch" | "unverified" | "error";
  /** Where the expected hashes came from. */
  source: string;
  zip: { got: string | undefined; want: string | undefined };
  mod: { got: string | undefined; want: string | undefined };
}

export interface ProxyReport {
  /** The base URL with any credentials redacted. */
  url: string;
  /** No check failed (warnings allowed). */
  conforming: boolean;
  checks: CheckResult[];
  latency: LatencySummary;
  checksums: ChecksumComparison;
  /** The proxy answers /sumdb/sum.golang.org/supported with 200. */
  sumdbProxied: boolean;
}

export interface ProbeOptions {
  /** A module with upper-case letters, so every request also tests case encoding. */
  module: string;
  /** A canonical version of it that the checksum database knows. */
  version: string;
  /** Latency samples per proxy. */
  requests: number;
  /** Bound on each request, redirects and body included. */
  timeoutMs: number;
  /** Where zips are downloaded to (removed by the caller). */
  tmpDir: string;
  /** The checksum database whose proxying is checked. */
  sumdbName: string;
}
