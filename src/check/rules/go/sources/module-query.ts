import type { GoModModel, RepoModel } from "../../../types.js";

/**
 * What the version after `pkg@` in `go install pkg@version` (or `go run`) pins. go.dev/ref/mod
 * §Version queries: a full semantic version (pseudo-versions included) and a commit hash name one
 * revision for good; `latest`, `upgrade`, `patch`, a branch name, a version prefix (`v1`) or a
 * comparison (`<v1.3`) resolve to whatever is newest when the command runs.
 */
export type QueryKind = "release" | "commit" | "moving" | "variable";

const SEMVER = /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** A revision identifier: the go command accepts a full hash or a unique prefix of one. */
const COMMIT = /^[0-9a-f]{7,40}$/i;

export function queryKind(version: string): QueryKind {
  if (version.includes("$")) return "variable";
  if (SEMVER.test(version)) return "release";
  if (COMMIT.test(version)) return "commit";
  return "moving";
}

/** The go.mod of the module a file sits in: the nearest one at or above it, else the root's. */
export function enclosingGoMod(model: RepoModel, file: string): GoModModel | undefined {
  let best: GoModModel | undefined;
  for (const m of model.gomods) {
    const inside = m.dir === "." || file.startsWith(`${m.dir}/`);
    if (inside && (!best || m.dir.length > best.dir.length)) best = m;
  }
  return best;
}

/**
 * Whether `go install pkg` without a version builds a version go.mod pins: inside a module the
 * go command builds pkg at the version of its module that go.mod requires, and a `tool`
 * directive (Go 1.24) names exactly such a package. The module's own packages count too.
 */
export function pinnedByGoMod(gomod: GoModModel | undefined, pkg: string): boolean {
  if (!gomod) return false;
  const under = (mod: string) => pkg === mod || pkg.startsWith(`${mod}/`);
  if (under(gomod.mod.module.path)) return true;
  if (gomod.mod.tools?.some((t) => t.path === pkg)) return true;
  return gomod.mod.requires.some((r) => under(r.path));
}
