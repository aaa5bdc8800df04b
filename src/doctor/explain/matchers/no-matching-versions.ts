/**
 * cmd/go/internal/modload/query.go NoMatchingVersionError:
 *   "no matching versions for query %q" [+ " (current version is %s)"]
 */

import { findModuleRef } from "../module-ref.js";
import type { Matcher, MatcherResult } from "../types.js";

const NO_MATCH = /no matching versions for query "([^"]*)"/;

export const noMatchingVersions: Matcher = {
  id: "no-matching-versions",
  match(line) {
    const query = NO_MATCH.exec(line)?.[1];
    if (query === undefined) return undefined;
    const ref = findModuleRef(line);
    const mod = ref?.path ?? "<module>";
    const result: MatcherResult = {
      title: `No version of ${mod} matches "${query}"`,
      cause: `The go command found ${mod}, but none of its versions satisfy "${query}". Usual reasons: the module has no semver tags yet (proxies list only tags such as v1.2.0, not v1.2 or 1.2.0), a v2+ module needs its /vN path suffix, or a brand-new tag hasn't reached the proxy's version list yet.`,
      fix: [
        `List the versions the proxy knows: \`go list -m -versions ${mod}\`, and what the origin has: \`GOPROXY=direct go list -m -versions ${mod}\`.`,
        `Use an exact version, branch or commit instead: \`go get ${mod}@<commit-or-branch>\`.`,
        `For a v2 or later release, use the major-version path: \`go get ${mod}/v2@${query}\`.`,
      ],
    };
    if (ref) result.module = ref.path;
    return result;
  },
};
