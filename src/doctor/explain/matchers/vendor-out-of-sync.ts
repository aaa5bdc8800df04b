/**
 * cmd/go/internal/modload/vendor.go and import.go:
 *   "go: inconsistent vendoring in %s:%s\n\n\tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n\tTo sync the vendor directory, run:\n\t\tgo %s vendor"
 *   "import lookup disabled by -mod=%s" / repo.go "module lookup disabled by -mod=%s"
 */

import type { Matcher } from "../types.js";

const INCONSISTENT = /inconsistent vendoring in (\S+?):?$/;
const LOOKUP_DISABLED = /(?:import|module) lookup disabled by -mod=vendor/;

export const vendorOutOfSync: Matcher = {
  id: "vendor-out-of-sync",
  match(line) {
    const dir = INCONSISTENT.exec(line)?.[1];
    if (dir === undefined && !LOOKUP_DISABLED.test(line)) return undefined;
    return {
      title: "vendor/ does not match go.mod",
      cause: `${dir === undefined ? "The build" : `The vendor directory in ${dir}`} is out of step with go.mod. When vendor/ exists and go.mod's go line is 1.14 or later, the go command builds with -mod=vendor and uses only vendor/modules.txt, so a requirement added or changed without re-vendoring cannot be found.`,
      fix: [
        "Re-vendor and commit vendor/: `go mod tidy && go mod vendor` (in a workspace: `go work vendor`).",
        "Or ignore vendor/ for one build: `go build -mod=mod ./...` (or GOFLAGS=-mod=mod).",
        "If you don't want vendoring at all, delete vendor/ and commit go.sum instead.",
      ],
    };
  },
};
