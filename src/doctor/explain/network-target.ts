/**
 * Which host a network error was about. Errors from net/http look like
 *   Get "https://host/path": dial tcp 10.0.0.1:443: i/o timeout
 *   Get "https://host/path": dial tcp: lookup host on 127.0.0.53:53: no such host
 * and the go command may wrap them as "reading <URL>: ..." or "https fetch: ...".
 */

import { findUrls, hostOf } from "./module-ref.js";

export interface NetworkTarget {
  host: string;
  /** A go-import (?go-get=1) lookup: the go command was talking to the code host directly. */
  direct: boolean;
  /** The DNS server, when the failure was a name lookup. */
  dnsServer?: string;
}

export function networkTarget(line: string): NetworkTarget | undefined {
  const lookup = /\blookup (\S+?)(?: on (\S+?))?: /.exec(line);
  const url = findUrls(line)[0];
  const direct = url !== undefined && /[?&]go-get=1\b/.test(url);
  const host = (url !== undefined ? hostOf(url) : undefined) ?? lookup?.[1] ?? dialed(line);
  if (host === undefined) return undefined;
  const t: NetworkTarget = { host, direct };
  if (lookup?.[2] !== undefined) t.dnsServer = lookup[2];
  return t;
}

function dialed(line: string): string | undefined {
  return /\bdial tcp ([^\s:]+:\d+|\[[^\]]+\]:\d+)/.exec(line)?.[1];
}

export const HTTPS_PROXY_FIX =
  "If this network only reaches the internet through an HTTP proxy, export HTTPS_PROXY (and NO_PROXY for internal hosts) for the go command; `docker build` needs them passed on: `--build-arg HTTPS_PROXY --build-arg NO_PROXY`.";
