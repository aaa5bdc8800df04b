import { errorCode } from "./fs-write.js";

/** Error codes of a volume (or quota) with no room left. */
const FULL = new Set(["ENOSPC", "EDQUOT"]);

export function isStorageFull(err: unknown): boolean {
  return FULL.has(errorCode(err) ?? "");
}

/**
 * A download that failed on this machine's side, writing into storage, not on the upstream's:
 * it must not be reported as a bad gateway (the upstream is fine) nor tried on the next upstream
 * (it would fail the same way).
 */
export class StorageWriteError extends Error {
  readonly full: boolean;

  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot write ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = "StorageWriteError";
    this.full = isStorageFull(cause);
  }
}

/** What the client and the log are told when storage refuses a write: what, where, what to do. */
export function storageFailureText(what: string, err: unknown): string {
  const detail = err instanceof Error ? err.message : String(err);
  if (err instanceof StorageWriteError ? err.full : isStorageFull(err)) {
    return (
      `insufficient storage: gopave cannot store ${what}: ${detail}; ` +
      "free space in the proxy's storage (or lower --cache-max so older zips are evicted), then retry"
    );
  }
  return `internal error: gopave cannot store ${what}: ${detail}; check the proxy's storage`;
}
