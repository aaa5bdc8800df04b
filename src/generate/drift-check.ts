import type { GenerateContext } from "./types.js";

export interface DriftCheck {
  /** Commands, in order, that install (if needed) and run `gopave sync --check`. */
  commands: string[];
  /** The repo's package.json pins gopave: its lockfile keys the npm cache. */
  npmProject: boolean;
}

/**
 * How CI runs the drift check, as the spec says (ci.gopave): the gopave release that generated
 * the files from npm by default, the repo's own devDependency, or a command of the repo's.
 */
export function driftCheck(ctx: GenerateContext): DriftCheck {
  const how = ctx.spec.ci.gopave ?? ctx.gopaveVersion;
  if (how === "devDependency") {
    // --no-install: fail rather than fetch some other gopave when the lockfile lacks it.
    return { commands: ["npm ci", "npx --no-install gopave sync --check"], npmProject: true };
  }
  if (typeof how === "object")
    return { commands: [`${how.command} sync --check`], npmProject: false };
  return { commands: [`npx --yes gopave@${how} sync --check`], npmProject: false };
}
