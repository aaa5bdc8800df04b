/**
 * The checksum database answered 404 or 410 for a lookup (cmd/go/internal/modfetch/fetch.go
 * checkSumDB, via x/mod/sumdb and web.GetBytes):
 *   "<mod>@<ver>: verifying module: <mod>@<ver>: reading https://<sumdb>/lookup/<mod>@<ver>: 410 Gone"
 *   "<mod>@<ver>: verifying go.mod: <mod>@<ver>/go.mod: reading .../lookup/...: 404 Not Found"
 */

import { parseHttpFailure } from "../http-failure.js";
import { TOOLCHAIN_MODULE, findModuleRef, formatRef, moduleFromProxyUrl } from "../module-ref.js";
import { CONTAINER_ENV_NOTE, goprivateFix, privatePattern } from "../private-pattern.js";
import type { Matcher, MatcherResult } from "../types.js";

export const sumdbNotFound: Matcher = {
  id: "sumdb-not-found",
  match(line, ctx) {
    const f = parseHttpFailure(line, ctx);
    if (!f || f.endpoint !== "sumdb" || (f.status !== 404 && f.status !== 410)) return undefined;
    const ref = findModuleRef(line) ?? moduleFromProxyUrl(f.url);
    if (ref?.path === TOOLCHAIN_MODULE) return undefined;
    const name = ref ? formatRef(ref) : "the module";
    const pattern = privatePattern(ref?.path ?? "<module>");
    const result: MatcherResult = {
      title: `Checksum database does not know ${name} (${f.statusText})`,
      cause: `The go command verifies every module not matched by GONOSUMDB (or GOPRIVATE) against the checksum database at ${f.host}, and it answered ${f.statusText} for ${name}. The database only records modules it can fetch publicly, so a private module (or a version that was never published) is "not found" there.`,
      fix: [
        goprivateFix(pattern),
        `If a company proxy already serves the module and only the checksum lookup must be skipped, the narrower setting is \`go env -w GONOSUMDB=${pattern}\`.`,
        CONTAINER_ENV_NOTE,
        "Don't set GOSUMDB=off: it turns verification off for every module, and toolchain downloads then fail.",
      ],
    };
    if (ref) result.module = ref.path;
    return result;
  },
};
