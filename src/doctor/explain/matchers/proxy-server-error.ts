/**
 * 5xx from a proxy or the checksum database
 * (cmd/go/internal/web/api.go HTTPError: "reading <URL>: 502 Bad Gateway"). Only 404/410 fall
 * through to the next entry after a ","; anything else ends the GOPROXY list unless the entry
 * is followed by "|" (modfetch/proxy.go TryProxies).
 */

import { parseHttpFailure } from "../http-failure.js";
import { findModuleRef } from "../module-ref.js";
import type { Matcher } from "../types.js";

export const proxyServerError: Matcher = {
  id: "proxy-server-error",
  match(line, ctx) {
    const f = parseHttpFailure(line, ctx);
    if (!f || f.status < 500 || f.status > 599) return undefined;
    const ref = findModuleRef(line);
    return {
      title: `${f.host} failed (${f.statusText})`,
      cause: `The ${f.endpoint === "sumdb" ? "checksum database (or the proxy in front of it)" : "module proxy"} at ${f.host} returned a server error: it, or the upstream it fetches from, is down, overloaded or timing out. This is not a problem with your module, and after a "," the go command does not try the next GOPROXY entry on a 5xx.`,
      fix: [
        "Retry; if it persists, check the proxy's status page or logs.",
        "Let the go command fall through on any error by separating entries with `|`: `go env -w GOPROXY='https://<your-proxy>|https://<fallback-mirror>,direct'`.",
        "For large downloads (toolchains, big modules) a proxy's upstream timeout often shows up as 502/504; raise the proxy's timeout.",
      ],
      dedupKey: f.host,
      ...(ref ? { module: ref.path } : {}),
    };
  },
};
