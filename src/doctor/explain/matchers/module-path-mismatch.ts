/**
 * cmd/go/internal/modload/modfile.go:
 *   "%s@%s: parsing go.mod:\n\tmodule declares its path as: %s\n\t        but was required as: %s"
 */

import { findModuleRef } from "../module-ref.js";
import type { Matcher, MatcherResult } from "../types.js";

const DECLARES = /module declares its path as: (\S+)/;
const REQUIRED = /but was required as: (\S+)/;

export const modulePathMismatch: Matcher = {
  id: "module-path-mismatch",
  match(line, ctx) {
    const declared = DECLARES.exec(line)?.[1];
    if (declared === undefined) return undefined;
    const required = REQUIRED.exec(ctx.lines[ctx.index + 1] ?? "")?.[1] ?? REQUIRED.exec(line)?.[1];
    const at = findModuleRef(ctx.lines[ctx.index - 1] ?? "") ?? findModuleRef(line);
    const version = at?.version ?? "<version>";
    const req = required ?? at?.path ?? "<required path>";
    const result: MatcherResult = {
      title: `${req} declares itself as ${declared}`,
      cause: `The go.mod inside ${req}@${version} says its module path is ${declared}, but it was required as ${req}. The module was renamed (a moved repository, a vanity path, or a case change such as Sirupsen → sirupsen), or a fork is required under the fork's path while its go.mod still names the original.`,
      fix: [
        `Use the declared path: change imports from ${req} to ${declared}, then \`go get ${declared}@${version}\` and \`go mod tidy\`.`,
        `If you do want a fork under the original name, require the original path and redirect it: \`go mod edit -replace=${declared}=${req}@${version}\`.`,
        `If a dependency still requires the old path, find it with \`go mod graph | grep ${req}\` and upgrade that dependency.`,
      ],
      module: req,
    };
    return result;
  },
};
