/**
 * cmd/go/internal/modfetch/repo.go errProxyOff: "module lookup disabled by GOPROXY=off".
 */

import { findModuleRef, formatRef } from "../module-ref.js";
import type { Matcher, MatcherResult } from "../types.js";

export const goproxyOff: Matcher = {
  id: "goproxy-off",
  match(line) {
    if (!/module lookup disabled by GOPROXY=off/.test(line)) return undefined;
    const ref = findModuleRef(line);
    const result: MatcherResult = {
      title: `Downloads are disabled (GOPROXY=off)${ref ? ` and ${formatRef(ref)} is not in the module cache` : ""}`,
      cause:
        "GOPROXY=off forbids every module download, so the build can only use what is already in the module cache or vendor/. That is meant for hermetic or offline builds; it fails as soon as a dependency is missing.",
      fix: [
        "Fill the cache while online, then build offline: `go mod download` (in Docker, in the same stage or a cache mount).",
        "Or vendor dependencies and build from vendor/: `go mod vendor`.",
        "If GOPROXY=off was not intended, find where it is set (`go env GOPROXY`, `env | grep GOPROXY`, `go env GOENV`) and remove it: `go env -u GOPROXY`.",
      ],
    };
    if (ref) result.module = ref.path;
    return result;
  },
};
