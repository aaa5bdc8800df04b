/**
 * A module proxy answered 404 or 410 (cmd/go/internal/web/api.go HTTPError):
 *   "reading https://<proxy>/<module>/@v/<version>.info: 404 Not Found\n\tserver response: ..."
 * 404 and 410 mean "not here"; the go command only falls through to the next GOPROXY entry on
 * them, and reports a `direct` failure in preference to a proxy's (modfetch/proxy.go
 * TryProxies), so a proxy's 404 as the final error means nothing after it found the module.
 */

import { bodySaysPrivate, parseHttpFailure } from "../http-failure.js";
import { TOOLCHAIN_MODULE, findModuleRef, formatRef, moduleFromProxyUrl } from "../module-ref.js";
import { CONTAINER_ENV_NOTE, goprivateFix, privatePattern } from "../private-pattern.js";
import type { Matcher, MatcherResult } from "../types.js";

export const proxyNotFound: Matcher = {
  id: "proxy-not-found",
  match(line, ctx) {
    const f = parseHttpFailure(line, ctx);
    if (!f || f.endpoint !== "proxy" || (f.status !== 404 && f.status !== 410)) return undefined;
    const ref = findModuleRef(line) ?? moduleFromProxyUrl(f.url);
    if (ref?.path === TOOLCHAIN_MODULE) return undefined;
    const name = ref ? formatRef(ref) : "the module";
    const mod = ref?.path ?? "<module>";
    const pattern = privatePattern(mod);
    const privateSigns = bodySaysPrivate(f.body);
    const cause = privateSigns
      ? `The module proxy at ${f.host} answered ${f.statusText} for ${name}, and its message shows it could not read the repository: the module is private. A public proxy cannot see private repositories, so every such request is "not found".`
      : `The module proxy at ${f.host} answered ${f.statusText} for ${name}: it cannot serve that ${/\/@v\/list$/.test(f.url) ? "module's version list" : "version"}. Most often the module is private and the proxy is a public one that cannot see it; otherwise the version was never published (tag not pushed), or the module path is misspelled.`;
    const result: MatcherResult = {
      title: `${f.host} does not have ${name} (${f.statusText})`,
      cause,
      fix: [
        goprivateFix(pattern, !privateSigns),
        `Then make sure git can authenticate to ${mod.split("/")[0] ?? mod} without a prompt (a ~/.netrc entry, or a git insteadOf rule to use SSH); \`gopave doctor\` checks for one.`,
        CONTAINER_ENV_NOTE,
        `If the module is public, check what the origin has: \`GOPROXY=direct go list -m -versions ${mod}\`.`,
        "The go command reports a `direct` failure in preference to a proxy's 404, so this GOPROXY probably has no `direct` after this proxy; check `go env GOPROXY` (`,` falls through only on 404/410, `|` on any error).",
      ],
    };
    if (ref) result.module = ref.path;
    return result;
  },
};
