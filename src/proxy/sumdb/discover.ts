import { parseGoproxy } from "../../gomod/goproxy-list.js";
import { createAgents, httpGet } from "../protocol/http-get.js";

/** It runs before the proxy listens: an upstream that does not answer must not delay startup. */
const MAX_TIMEOUT_MS = 2000;

/**
 * The go command asks its first proxy for `/sumdb/<name>/supported` and, on a 200, sends every
 * checksum-database request through that proxy; only a 404 or 410 sends it elsewhere, and any
 * other failure counts as the database being unavailable, never as leave to go direct
 * (cmd/go/internal/modfetch/sumdb.go). gopave does the same for its own verification and for the
 * /sumdb/ requests it proxies, so a proxy that reaches the database only through its upstream (a
 * closed network) still verifies, and an upstream that is down at startup does not send gopave
 * to the database's own host: the answers it kept are served meanwhile. Returns the base URL to
 * use for lookups and tiles, or undefined to go direct.
 */
export async function discoverSumdbViaProxy(
  upstreamList: string,
  name: string,
  opts: { timeoutMs?: number; userAgent: string },
): Promise<string | undefined> {
  const parsed = parseGoproxy(upstreamList);
  if (!parsed.ok) return undefined;
  const first = parsed.entries[0];
  if (first?.kind !== "url" || !/^https?:/.test(first.url)) return undefined;
  const base = `${first.url.replace(/\/+$/, "")}/sumdb/${name}`;
  const agents = createAgents(2);
  try {
    const res = await httpGet(`${base}/supported`, {
      agents,
      signal: AbortSignal.timeout(Math.min(opts.timeoutMs ?? MAX_TIMEOUT_MS, MAX_TIMEOUT_MS)),
      userAgent: opts.userAgent,
    });
    res.body.resume();
    return res.status === 404 || res.status === 410 ? undefined : base;
  } catch {
    // Unreachable or timed out: unavailable for now, not unsupported.
    return base;
  } finally {
    agents.http.destroy();
    agents.https.destroy();
  }
}
