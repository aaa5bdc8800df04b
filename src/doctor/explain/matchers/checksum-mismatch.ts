/**
 * cmd/go/internal/modfetch/fetch.go:
 *   go.sum:  "verifying %s@%s: checksum mismatch\n\tdownloaded: %v\n\t%s:     %v" + goSumMismatch
 *   sumdb:   "%s@%s: verifying module: checksum mismatch\n\tdownloaded: ..." + sumdbMismatch
 *            "verifying %s: checksum missing from sumdb response" + sumdbAbsent
 * Each is followed by a "SECURITY ERROR" paragraph, which is matched too in case the log was cut.
 */

import { findModuleRef, formatRef, type ModuleRef } from "../module-ref.js";
import { goprivateFix, privatePattern } from "../private-pattern.js";
import type { MatchContext, Matcher, MatcherResult } from "../types.js";

const GO_SUM = /verifying (\S+?)@([^\s/:]+)(\/go\.mod)?: checksum mismatch/;
const SUMDB = /verifying (?:module|go\.mod): checksum (mismatch|missing from sumdb response)/;
const SECURITY = /^\s*SECURITY ERROR\s*$/;

type Source = "go.sum" | "sumdb" | "unknown";

export const checksumMismatch: Matcher = {
  id: "checksum-mismatch",
  match(line, ctx) {
    const g = GO_SUM.exec(line);
    if (g?.[1] !== undefined && g[2] !== undefined && !SUMDB.test(line)) {
      return explain({ path: g[1], version: g[2] }, "go.sum");
    }
    if (SUMDB.test(line)) return explain(findModuleRef(line), "sumdb");
    if (SECURITY.test(line)) return fromSecurityParagraph(ctx);
    return undefined;
  },
};

/** A bare "SECURITY ERROR": find the mismatch line above it and what it was compared with. */
function fromSecurityParagraph(ctx: MatchContext): MatcherResult {
  for (let i = ctx.index - 1; i >= 0 && i >= ctx.index - 8; i--) {
    const l = ctx.lines[i] ?? "";
    const g = GO_SUM.exec(l);
    if (g?.[1] !== undefined && g[2] !== undefined && !SUMDB.test(l)) {
      return explain({ path: g[1], version: g[2] }, "go.sum");
    }
    if (SUMDB.test(l)) return explain(findModuleRef(l), "sumdb");
  }
  const next = ctx.lines[ctx.index + 1] ?? "";
  return explain(
    undefined,
    /checksum server/.test(next) ? "sumdb" : /go\.(?:work\.)?sum/.test(next) ? "go.sum" : "unknown",
  );
}

function explain(ref: ModuleRef | undefined, source: Source): MatcherResult {
  const name = ref ? formatRef(ref) : "a module";
  const mod = ref?.path ?? "<module>";
  const at = ref ? formatRef(ref) : "<module>@<version>";
  const pattern = privatePattern(ref?.path ?? "<module>");
  const cause =
    source === "sumdb"
      ? `The bytes downloaded for ${name} do not match the hash the checksum database recorded when that version was first published. Either the version's content changed at the origin (a tag was moved or re-pushed) or a proxy or mirror served different bytes; for a private module the public checksum database should not be consulted at all.`
      : `The bytes downloaded for ${name} do not match the hash recorded in go.sum (or go.work.sum). Either the module changed after go.sum was written (a tag was moved, or a private module was republished under the same version) or a proxy or cache served different bytes than the origin.`;
  const result: MatcherResult = {
    title: `Checksum mismatch for ${name}${source === "sumdb" ? " (checksum database)" : source === "go.sum" ? " (go.sum)" : ""}`,
    cause,
    fix: [
      "Don't just delete go.sum or the line: this is the check that catches tampering, so first find out which copy is right.",
      `Fetch it straight from the origin into a scratch cache and compare its Sum and GoModSum with the go.sum lines: \`cd "$(mktemp -d)" && GOFLAGS=-modcacherw GOMODCACHE="$PWD/mc" GOPROXY=direct GONOSUMDB=${pattern} go mod download -json ${at}\`.`,
      "If your own module cache holds a bad copy, clear it and retry: `go clean -modcache && go mod download` (-modcache removes the whole cache; it takes no module argument).",
      `If the origin really changed (a re-tagged release), ask the maintainer to publish a new version instead of moving the tag, then \`go get ${mod}@<new version>\`.`,
      ref
        ? goprivateFix(pattern, true)
        : "If it is a private module, list it in GOPRIVATE (or GONOSUMDB) so the public checksum database is not asked about it.",
    ],
  };
  if (ref) result.module = ref.path;
  return result;
}
