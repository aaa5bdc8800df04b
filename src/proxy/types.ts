import type { Readable } from "node:stream";

/**
 * The contract between gopave proxy's parts: request parsing, storage backends, upstream targets
 * (routes), verification, and the HTTP server that ties them together. Module paths and versions
 * here are always DECODED (case-encoding "!x" already turned into "X") and validated.
 */

export type ModuleFile = "info" | "mod" | "zip";

export type ProxyRequest =
  | { kind: "list"; module: string }
  | { kind: "latest"; module: string }
  | { kind: "file"; module: string; version: string; file: ModuleFile }
  /** /sumdb/<name>/<rest>: rest is "supported", "latest", "lookup/<mod>@<ver>" or "tile/…". */
  | { kind: "sumdb"; name: string; rest: string };

/** A module file in storage, by the names the go command uses. */
export interface StoredFile {
  module: string;
  version: string;
  file: "mod" | "zip";
}

/** A stored body: its size, and a fresh stream each time it is opened. */
export interface StoredBody {
  size: number;
  open(): Readable;
  /** A local file path when the backend has one (lets the server use sendfile-like paths). */
  path?: string;
}

/** A cached answer that may go stale: list and @latest bodies, negative answers. */
/** What a kept answer answers: see Storage.getAnswer. */
export type AnswerKind = "list" | "latest" | "notfound" | "sumdb";

export interface CachedAnswer {
  body: string;
  /** 200 for a body; 404/410 for a cached not-found. */
  status: number;
  /** ms since epoch when it was fetched. */
  fetchedAt: number;
}

/** Module files (.info/.mod/.zip) in storage and their bytes, counted up to a limit. */
export interface StorageUsage {
  files: number;
  bytes: number;
  /** False when counting stopped at the limit: the storage holds more than this. */
  complete: boolean;
}

/** One replica's heartbeat record (its text is JSON, see proxy/status/heartbeat-record.ts). */
export interface HeartbeatRecord {
  id: string;
  text: string;
}

/**
 * Where modules are kept. The filesystem backend lays files out like GOMODCACHE's download cache
 * (`<escaped module>/@v/<escaped version>.{info,mod,zip}`, `@v/list`), so a directory can be
 * served statically or seeded from a module cache. Immutable files are written once, atomically,
 * and never overwritten; an S3 backend implements the same interface.
 */
export interface Storage {
  /**
   * Writes cross a network (an object store): a fetched zip is then answered from memory while
   * it uploads, instead of after. A local file system stores it before the answer (a link).
   */
  readonly remote?: boolean;
  /** The immutable .info/.mod/.zip, if stored. Reading a zip counts as a use for eviction. */
  get(module: string, version: string, file: ModuleFile): Promise<StoredBody | undefined>;
  /**
   * Stores an immutable file from a local temp file (moved or copied in) or bytes. A second put
   * of an existing file is a no-op (first writer wins); never overwrites.
   */
  putOnce(
    module: string,
    version: string,
    file: ModuleFile,
    source: { path: string } | { data: Buffer },
  ): Promise<void>;
  /**
   * Kept answers: a module's list and @latest, not-founds, and the checksum database's /latest
   * and lookups ("sumdb", by "<name>/<rest>"), served when the upstream cannot answer.
   */
  getAnswer(kind: AnswerKind, key: string): Promise<CachedAnswer | undefined>;
  putAnswer(kind: AnswerKind, key: string, answer: CachedAnswer): Promise<void>;
  /** Immutable checksum-database tiles, by "<sumdb name>/<tile path>". */
  getTile(key: string): Promise<Buffer | undefined>;
  putTile(key: string, data: Buffer): Promise<void>;
  /** A directory for temp files on the same filesystem (so a later putOnce is a rename). */
  stagingDir(): Promise<string>;
  /** Removes least-recently-used zips until the total size is at most maxBytes; returns how many. */
  evict(maxBytes: number): Promise<number>;
  /** Every stored .mod and .zip, for `gopave proxy verify` (.info holds no content to check). */
  storedFiles(): AsyncIterable<StoredFile>;
  /** Removes one stored file: only `proxy verify --purge` does, for a file that fails its check. */
  remove(module: string, version: string, file: ModuleFile): Promise<void>;
  /**
   * Counts stored module files and their bytes, stopping after `limit` files (a walk of the whole
   * storage: the status page caches it, and never runs it per page load).
   */
  usage(limit: number): Promise<StorageUsage>;
  /**
   * Replicas sharing this storage: each `proxy serve` process writes (replaces) a small record
   * under its id, kept apart from modules (`.gopave/replicas/`: never served, verified or evicted).
   */
  putHeartbeat(id: string, text: string): Promise<void>;
  /** Every heartbeat record, at most `limit` of them. */
  heartbeats(limit: number): Promise<HeartbeatRecord[]>;
  removeHeartbeat(id: string): Promise<void>;
  close(): Promise<void>;
}

/** An upstream's answer. Only a genuine not-found is `notFound`; anything else is an error. */
export type UpstreamResult<T> =
  | { ok: true; value: T }
  | { ok: false; notFound: true; status: 404 | 410; message: string }
  | { ok: false; notFound: false; status: number | undefined; message: string };

/** Where a route sends requests: an upstream proxy list, `direct` (the go command), or `deny`. */
export interface Target {
  /** For metrics and logs, e.g. "upstream", "direct", "deny" (never a URL with credentials). */
  name: string;
  /**
   * Where it fetches from, for the status page: an upstream's GOPROXY list. May hold credentials:
   * shown only through redactForDisplay.
   */
  describe?: string;
  list(module: string, signal: AbortSignal): Promise<UpstreamResult<string>>;
  latest(module: string, signal: AbortSignal): Promise<UpstreamResult<string>>;
  info(module: string, version: string, signal: AbortSignal): Promise<UpstreamResult<Buffer>>;
  mod(module: string, version: string, signal: AbortSignal): Promise<UpstreamResult<Buffer>>;
  /** Downloads the zip into `dest` (a path in the storage's staging dir). */
  zip(
    module: string,
    version: string,
    dest: string,
    signal: AbortSignal,
  ): Promise<UpstreamResult<{ size: number }>>;
}

export type VerifyResult =
  | { ok: true; how: "sumdb" | "go.sum" }
  /** Not checked, on purpose (a private route, or GONOSUMDB-like config). */
  | { ok: true; how: "skipped" }
  /**
   * `unavailable`: the check could not be made (checksum database unreachable, timed out) — the
   * server answers 502 instead of refusing the module as tampered. Absent means a real mismatch.
   */
  | { ok: false; reason: string; unavailable?: boolean };

/** Checks .mod bytes and zips against the checksum database (or trusted go.sum lines). */
export interface Verifier {
  verifyMod(module: string, version: string, data: Buffer): Promise<VerifyResult>;
  /** Also enforces golang.org/x/mod/zip's rules (prefix, sizes, traversal, case-fold collisions). */
  verifyZip(module: string, version: string, zipPath: string): Promise<VerifyResult>;
  /**
   * Starts what verifying module@version's `file` will need (a checksum database lookup), so it
   * runs while the file downloads; the verify call then uses it. Never throws or rejects.
   */
  prepare?(module: string, version: string, file: "mod" | "zip"): void;
}

/** One ordered route: GOPRIVATE-style prefix globs → a target. */
export interface Route {
  /** Comma-separated globs, matched with Go's MatchPrefixPatterns. */
  pattern: string;
  /** The `route` label in metrics and logs (default: the pattern); never contains credentials. */
  name?: string;
  target: Target;
  /** Public routes are verified against the checksum database; private ones are not. */
  verify: boolean;
}
