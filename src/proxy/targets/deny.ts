import type { Target, UpstreamResult } from "../types.js";

export const DENY_MESSAGE = "module path denied by gopave route";

const denied = new WeakSet<Target>();

/**
 * A route that refuses. 403, not 404: a not-found tells the go command to try the next GOPROXY
 * entry (often `direct`), which would leak a private path to the network; 403 stops it there.
 */
export function createDenyTarget(message = DENY_MESSAGE): Target {
  const refuse = async <T>(): Promise<UpstreamResult<T>> => ({
    ok: false,
    notFound: false,
    status: 403,
    message,
  });
  const target: Target = {
    name: "deny",
    list: refuse,
    latest: refuse,
    info: refuse,
    mod: refuse,
    zip: refuse,
  };
  denied.add(target);
  return target;
}

/** Deny routes are answered before storage is consulted, so a cached copy is not served either. */
export function isDenyTarget(target: Target): boolean {
  return denied.has(target);
}
