/**
 * cmd/go/internal/modload/query.go PackageNotInModuleError:
 *   "module %s@%s found%s, but does not contain package %s"
 *   "module %s@%s found%s, but does not contain packages matching %s"
 */

import type { Matcher } from "../types.js";

const NOT_IN =
  /module (\S+)@(\S+) found(?: \(([^)]*)\))?, but does not contain packages? (?:matching )?(\S+)/;

export const packageNotInModule: Matcher = {
  id: "package-not-in-module",
  match(line) {
    const m = NOT_IN.exec(line);
    if (m?.[1] === undefined || m[4] === undefined) return undefined;
    const [, mod, query, resolved, pkg] = m;
    const version = resolved ?? query ?? "";
    return {
      title: `${mod}@${version} has no package ${pkg}`,
      cause: `The go command downloaded ${mod}@${version} (for "${query ?? ""}"), but that version contains no package ${pkg}. The import path is misspelled, the package was moved or removed in that version, or it lives in a different module (a nested module, or a /vN major-version path).`,
      fix: [
        `Check the import path, and list the versions: \`go list -m -versions ${mod}\`; pick one that still has the package: \`go get ${mod}@<version>\`.`,
        "If the package moved to its own module or a /v2+ path, import that path instead, then `go mod tidy`.",
      ],
      module: mod,
    };
  },
};
