/**
 * 429 from a proxy, the checksum database or a code host
 * (cmd/go/internal/web/api.go HTTPError: "reading <URL>: 429 Too Many Requests").
 */

import { parseHttpFailure } from "../http-failure.js";
import { findModuleRef } from "../module-ref.js";
import type { Matcher } from "../types.js";

export const proxyRateLimited: Matcher = {
  id: "proxy-rate-limited",
  match(line, ctx) {
    const f = parseHttpFailure(line, ctx);
    if (!f || f.status !== 429) return undefined;
    const ref = findModuleRef(line);
    return {
      title: `Rate-limited by ${f.host} (${f.statusText})`,
      cause: `${f.host} is limiting how many requests this machine may make. It happens in CI, where many jobs share one egress address and start with an empty module cache, and with GOPROXY=direct against a code host without a token.`,
      fix: [
        "Retry later; the limit is temporary.",
        "Stop refetching: keep the module cache between CI runs (actions/setup-go's cache, or a BuildKit `RUN --mount=type=cache,target=/go/pkg/mod`).",
        "Put a caching proxy in front (Athens, Artifactory, Nexus…) and point GOPROXY at it, or at a mirror you may use: `go env -w GOPROXY=https://<your-proxy>,direct`.",
        "If the limit comes from a code host in direct mode, authenticate (a ~/.netrc token) to get a higher limit.",
      ],
      dedupKey: f.host,
      ...(ref ? { module: ref.path } : {}),
    };
  },
};
