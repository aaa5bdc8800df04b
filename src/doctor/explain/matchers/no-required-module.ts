/**
 * cmd/go/internal/modload/import.go ImportMissingError:
 *   "no required module provides package %s; to add it:\n\tgo get %s"
 * The ": <query error>" form is left to the matchers for that error.
 */

import type { Matcher } from "../types.js";

const MISSING = /no required module provides package (\S+?)(?:;|$)/;

export const noRequiredModule: Matcher = {
  id: "no-required-module",
  match(line) {
    const pkg = MISSING.exec(line)?.[1];
    if (pkg === undefined) return undefined;
    return {
      title: `No module in go.mod provides ${pkg}`,
      cause: `Code imports ${pkg}, but no module listed in go.mod provides it, and builds do not add requirements by themselves (-mod=readonly is the default). A dependency was used without \`go get\`, or go.mod was not committed.`,
      fix: [
        `Add it, as the go command suggests: \`go get ${pkg}\` (or \`go mod tidy\` to add every missing requirement), then commit go.mod and go.sum.`,
        "If the path is a package of your own module or workspace, check the module line in go.mod and the go.work `use` list.",
      ],
    };
  },
};
