/**
 * Timeouts from Go's net and net/http packages, which the go command passes through:
 *   net/net.go "i/o timeout"; context/context.go "context deadline exceeded";
 *   net/http/transport.go "net/http: TLS handshake timeout",
 *   "net/http: timeout awaiting response headers"; net/http/client.go
 *   "(Client.Timeout exceeded while awaiting headers)".
 */

import { inServerResponse } from "../http-failure.js";
import { findModuleRef } from "../module-ref.js";
import { HTTPS_PROXY_FIX, networkTarget } from "../network-target.js";
import type { Matcher, MatcherResult } from "../types.js";

const TIMEOUT =
  /\bi\/o timeout\b|context deadline exceeded|net\/http: TLS handshake timeout|Client\.Timeout exceeded|net\/http: timeout awaiting response headers/;

export const networkTimeout: Matcher = {
  id: "network-timeout",
  match(line, ctx) {
    const m = TIMEOUT.exec(line);
    if (!m || inServerResponse(ctx)) return undefined;
    const t = networkTarget(line);
    const host = t?.host ?? "the server";
    const dns = t?.dnsServer !== undefined && /\blookup \S+ on /.test(line);
    const ref = findModuleRef(line);
    const cause = dns
      ? `Looking up ${host} timed out: the DNS server ${t?.dnsServer ?? ""} did not answer. In containers this is usually a resolver the build network cannot reach (a VPN-only DNS server, or a corporate resolver missing from Docker's config).`
      : `The go command could not get an answer from ${host} in time (${m[0]}). A firewall that silently drops traffic, a missing HTTP proxy setting, or a VPN that is not connected are the usual reasons; a container build may not share the host's VPN or proxy settings.`;
    const fix = [
      `Check that this machine reaches it: \`curl -sSI https://${host}/\`.`,
      HTTPS_PROXY_FIX,
      t?.direct
        ? `${host} was contacted directly (a private module or GOPROXY=direct); connect the VPN, or run the build where ${host} is reachable.`
        : "If the public module proxy is blocked here, point GOPROXY at a proxy or mirror you can reach: `go env -w GOPROXY=https://<your-proxy>,direct`; separate entries with `|` to fall through on timeouts too (`,` only falls through on 404/410).",
    ];
    if (dns)
      fix.splice(
        1,
        0,
        "Check name resolution: `getent hosts " +
          host +
          "`, and in Docker `docker run --rm alpine nslookup " +
          host +
          "`.",
      );
    const result: MatcherResult = {
      title: `Timed out reaching ${host}`,
      cause,
      fix,
      dedupKey: host,
    };
    if (ref) result.module = ref.path;
    return result;
  },
};
