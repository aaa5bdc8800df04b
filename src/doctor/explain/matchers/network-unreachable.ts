/**
 * Connection failures from Go's net package and the resolver, passed through by the go command:
 *   "dial tcp: lookup <host> on <dns>: no such host" (net/net.go errNoSuchHost),
 *   "server misbehaving", and the syscall texts "connection refused", "network is unreachable",
 *   "no route to host", "connection reset by peer".
 */

import { inServerResponse } from "../http-failure.js";
import { findModuleRef } from "../module-ref.js";
import { HTTPS_PROXY_FIX, networkTarget } from "../network-target.js";
import type { Matcher, MatcherResult } from "../types.js";

const DNS =
  /\blookup \S+?(?: on \S+?)?: (no such host|server misbehaving|Temporary failure in name resolution)/;
const CONNECT =
  /\b(connection refused|network is unreachable|no route to host|connection reset by peer)\b/;

export const networkUnreachable: Matcher = {
  id: "network-unreachable",
  match(line, ctx) {
    if (inServerResponse(ctx)) return undefined;
    const dns = DNS.exec(line);
    const conn = dns ? undefined : CONNECT.exec(line);
    if (!dns && !conn) return undefined;
    if (!/\b(?:dial|read|write) tcp\b|\blookup\b|Get "/.test(line)) return undefined;
    const t = networkTarget(line);
    const host = t?.host ?? "the server";
    const ref = findModuleRef(line);
    const cause = dns
      ? `${host} could not be resolved (${dns[1]}). Either the name is wrong (check GOPROXY and the module path), or it only resolves inside a VPN or company network this machine, or this container, isn't on.`
      : `The connection to ${host} failed: ${conn?.[1] ?? ""}. Nothing is listening at that address, a firewall rejects the connection, or this machine has no route there (offline, VPN down, or a container without network access).`;
    const fix = [
      "Check the configured endpoints: `go env GOPROXY GOSUMDB GOPRIVATE`.",
      dns
        ? `Check name resolution here: \`getent hosts ${host.replace(/:\d+$/, "")}\`; for a VPN-only host, connect the VPN (in Docker the build may need \`--network=host\` or the VPN's DNS).`
        : `Check that ${host} accepts connections: \`curl -sSI https://${host}/\`.`,
      HTTPS_PROXY_FIX,
    ];
    if (t?.direct && ref) {
      fix.push(
        `${host} was contacted directly because ${ref.path} is fetched without a proxy (GOPRIVATE/GONOPROXY or GOPROXY=direct); that host must be reachable from where the build runs.`,
      );
    }
    const result: MatcherResult = {
      title: dns ? `Cannot resolve ${host}` : `Cannot connect to ${host}`,
      cause,
      fix,
      dedupKey: host,
    };
    if (ref) result.module = ref.path;
    return result;
  },
};
