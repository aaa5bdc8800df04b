/**
 * cmd/go/internal/modload/init.go:
 *   "updates to go.mod needed, disabled by -mod=%v; to update it:\n\tgo mod tidy"
 *   "updates to go.mod needed; to update it:\n\tgo mod tidy"
 */

import type { Matcher } from "../types.js";

const NEEDED = /updates to go\.mod needed(?:, disabled by -mod=(\w+))?/;

export const goModNeedsUpdate: Matcher = {
  id: "go-mod-needs-update",
  match(line) {
    const m = NEEDED.exec(line);
    if (!m) return undefined;
    const mode = m[1];
    return {
      title: "go.mod is out of date",
      cause: `go.mod does not list everything the build needs (a missing requirement, an outdated go line, or an import added without \`go get\`), and the go command may not edit it${mode ? ` under -mod=${mode}` : ""}. Builds never rewrite go.mod; only \`go get\` and \`go mod tidy\` do.`,
      fix: [
        "Update go.mod and go.sum and commit both: `go mod tidy`.",
        "If GOFLAGS sets -mod (`go env GOFLAGS`), that applies to every command; leave it unset on developer machines.",
        "To catch this in CI: `go mod tidy -diff` (Go 1.23+) exits non-zero when go.mod or go.sum would change.",
      ],
    };
  },
};
