/**
 * A proxy, checksum database or go-import lookup answered 401 or 403
 * (cmd/go/internal/web/api.go HTTPError: "reading <URL>: 403 Forbidden"). Company proxies
 * answer 403 on purpose for modules they won't serve: unlike 404/410 it stops the GOPROXY list
 * (go.dev/ref/mod, "Private proxy serving private modules").
 */

import { parseHttpFailure } from "../http-failure.js";
import { findModuleRef, formatRef, moduleFromProxyUrl } from "../module-ref.js";
import { goprivateFix, privatePattern } from "../private-pattern.js";
import type { Matcher, MatcherResult } from "../types.js";

export const proxyForbidden: Matcher = {
  id: "proxy-forbidden",
  match(line, ctx) {
    const f = parseHttpFailure(line, ctx);
    if (!f || (f.status !== 401 && f.status !== 403)) return undefined;
    const ref = findModuleRef(line) ?? moduleFromProxyUrl(f.url);
    const name = ref ? formatRef(ref) : "a module";
    const what =
      f.endpoint === "sumdb"
        ? "checksum database"
        : f.endpoint === "go-get"
          ? "server (go-import lookup)"
          : "module proxy";
    const fix = [
      `Give the go command credentials for ${f.host}: a ~/.netrc entry \`machine ${f.host.replace(/:\d+$/, "")} login <user> password <token>\` (chmod 600; NETRC overrides the path), or on Go 1.24+ GOAUTH (\`go help goauth\`; its default is netrc, \`git <dir>\` reuses git's credential helper).`,
      "Check that the token has read access to this repository or proxy and has not expired.",
      "Avoid putting user:password into GOPROXY: it ends up in `go env` output, logs and images; a netrc entry keeps it out.",
    ];
    if (ref && f.endpoint === "sumdb") fix.unshift(goprivateFix(privatePattern(ref.path)));
    else if (f.endpoint === "proxy") {
      fix.push(
        "If the proxy refuses on purpose (it doesn't serve this module), list the module in GONOPROXY/GOPRIVATE so it is fetched directly, or separate the proxy with `|` instead of `,` so the next GOPROXY entry is tried on any error.",
      );
    }
    const result: MatcherResult = {
      title: `${f.host} refused the request for ${name} (${f.statusText})`,
      cause: `The ${what} at ${f.host} answered ${f.statusText}: the request carried no credentials, or ones it does not accept. The go command sends credentials only over https, from ~/.netrc, GOAUTH or user:password in the GOPROXY URL.`,
      fix,
    };
    if (ref) result.module = ref.path;
    return result;
  },
};
