/**
 * cmd/go/internal/modfetch/codehost/codehost.go UnknownRevisionError "unknown revision %s",
 * usually wrapped by x/mod module.ModuleError as "%s@%s: invalid version: unknown revision %s".
 * A proxy's 404 body can carry the same text for what it found at the origin.
 */

import { findModuleRef, formatRef, moduleNear } from "../module-ref.js";
import { goprivateFix, privatePattern } from "../private-pattern.js";
import type { Matcher, MatcherResult } from "../types.js";

const UNKNOWN = /\bunknown revision (\S+)/;

export const unknownRevision: Matcher = {
  id: "unknown-revision",
  match(line, ctx) {
    const m = UNKNOWN.exec(line);
    if (m?.[1] === undefined) return undefined;
    const rev = m[1];
    const ref = findModuleRef(line) ?? moduleNear(ctx);
    const mod = ref?.path ?? "<module>";
    const pattern = privatePattern(mod);
    const result: MatcherResult = {
      title: `Unknown revision ${rev}${ref ? ` of ${ref.path}` : ""}`,
      cause: `The repository for ${ref ? formatRef({ path: ref.path }) : "the module"} has no tag, branch or commit named ${rev} where the go command looked. The tag or commit was never pushed (or was deleted or mistyped), the repository is private and was read without credentials, or a proxy cached an earlier "not found" answer.`,
      fix: [
        `See what the origin has: \`GOPROXY=direct go list -m -versions ${mod}\` (or \`git ls-remote --tags <repository URL>\`).`,
        `If the tag exists only in your clone, push it: \`git push origin ${rev}\`.`,
        goprivateFix(pattern, true),
        `To bypass a proxy's cached answer once: \`GOPROXY=direct GONOSUMDB=${pattern} GOFLAGS=-mod=mod go get ${mod}@${rev}\`.`,
      ],
    };
    if (ref) result.module = ref.path;
    return result;
  },
};
