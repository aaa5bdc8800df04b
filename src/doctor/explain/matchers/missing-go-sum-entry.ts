/**
 * cmd/go/internal/modload/import.go (ImportMissingSumError, sumMissingError),
 * modload/modfile.go, modfetch/fetch.go (ErrGoSumDirty):
 *   "missing go.sum entry for module providing package %s (imported by %s); to add:\n\tgo get %s"
 *   "missing go.sum entry needed to verify package %s%s is provided by exactly one module"
 *   "%s@%s: missing go.sum entry for go.mod file; to add it:\n\tgo mod download %s"
 *   "updates to go.sum needed, disabled by -mod=readonly"
 */

import { findModuleRef } from "../module-ref.js";
import type { MatchContext, Matcher, MatcherResult } from "../types.js";

const FOR_PACKAGE = /missing go\.sum entry (?:for module providing|needed to verify) package (\S+)/;
const FOR_MODULE = /missing go\.sum entry(?: for go\.mod file)?(?:;|$)/;
const DIRTY = /updates to go\.sum needed, disabled by -mod=readonly/;

export const missingGoSumEntry: Matcher = {
  id: "missing-go-sum-entry",
  match(line, ctx) {
    const pkg = FOR_PACKAGE.exec(line)?.[1];
    if (pkg === undefined && !FOR_MODULE.test(line) && !DIRTY.test(line)) return undefined;
    const suggested = goSuggestion(ctx);
    const ref = pkg === undefined ? findModuleRef(line) : undefined;
    const what = pkg !== undefined ? `package ${pkg}` : ref ? ref.path : "a dependency";
    const result: MatcherResult = {
      title: `Missing go.sum entry for ${what}`,
      cause:
        "go.sum has no checksum for a module this command needs, and the go command may not add one: builds and tests run with -mod=readonly by default (GOFLAGS can set it too), so they never edit go.mod or go.sum. Usually go.sum was not committed after a dependency changed, or a Dockerfile copied go.mod without go.sum.",
      fix: [
        "Bring go.mod and go.sum up to date and commit both: `go mod tidy`.",
        ...(suggested
          ? [`Or add just the missing sums, as the go command suggests: \`${suggested}\`.`]
          : []),
        ...(ref && !suggested
          ? [`Or add just this module's sums: \`go mod download ${ref.path}\`.`]
          : []),
        "In a Dockerfile, copy both files before downloading: `COPY go.mod go.sum ./` then `RUN go mod download`.",
        "To catch this in CI before the build does: `go mod tidy -diff` (Go 1.23+) exits non-zero when go.mod or go.sum would change.",
      ],
    };
    if (ref) result.module = ref.path;
    return result;
  },
};

/** The go command's own "to add:" command on the following line(s), if it printed one. */
function goSuggestion(ctx: MatchContext): string | undefined {
  for (let i = ctx.index + 1; i <= ctx.index + 2 && i < ctx.lines.length; i++) {
    const m = /^\s+(go (?:get|mod download)\b.*)$/.exec(ctx.lines[i] ?? "");
    if (m?.[1] !== undefined) return m[1].trim();
  }
  return undefined;
}
