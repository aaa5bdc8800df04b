import { posix } from "node:path";
import type { LocalReplacement } from "../generate/types.js";
import type { GoModFile } from "../gomod/gomod-file.js";
import { compareGoVersions } from "../gomod/go-version.js";
import type { GoWorkFile } from "../gomod/gowork-file.js";

/** A main module as the go command sees it: its repo-relative dir and parsed go.mod. */
export interface MainModuleFile {
  /** Repo-relative POSIX dir, "." for the root. */
  dir: string;
  mod: GoModFile;
}

export interface ModuleShape {
  replacements: LocalReplacement[];
  vendor: boolean;
}

/**
 * Local replacements and vendoring, from the main modules' go.mod files and go.work alone. Pure:
 * `read` gives a repo-relative file's text (undefined when absent), so `sync` (from disk) and
 * `check` (from its repo model) derive the same facts and agree on the generated files.
 */
export function moduleShape(
  mains: readonly MainModuleFile[],
  work: GoWorkFile | undefined,
  read: (path: string) => string | undefined,
): ModuleShape {
  return {
    replacements: localReplacements(mains, work, read),
    vendor: usesVendor(mains, work, read),
  };
}

const at = (dir: string, file: string) => (dir === "." ? file : `${dir}/${file}`);

/**
 * Directories that `replace` directives of the main modules point at. Only main modules count:
 * the go command ignores replace directives in any other go.mod, a local replacement's own
 * included (a repo whose build needs a replacement of a replacement replaces it in the main
 * module too). In workspace mode go.work's replacements apply as well, relative to the root.
 */
function localReplacements(
  mains: readonly MainModuleFile[],
  work: GoWorkFile | undefined,
  read: (path: string) => string | undefined,
): LocalReplacement[] {
  const moduleDirs = new Set(mains.map((m) => m.dir));
  const found = new Map<string, LocalReplacement>();
  const sources = [
    ...(work ? [{ dir: ".", file: "go.work", replaces: work.replaces }] : []),
    ...mains.map((m) => ({ dir: m.dir, file: at(m.dir, "go.mod"), replaces: m.mod.replaces })),
  ];
  for (const source of sources) {
    for (const r of source.replaces) {
      if (!r.local) continue;
      const target = r.new.path.replace(/\\/g, "/");
      const dir = posix.isAbsolute(target)
        ? posix.normalize(target)
        : posix.normalize(posix.join(source.dir, target)).replace(/\/$/, "") || ".";
      if (moduleDirs.has(dir) || found.has(dir)) continue;
      const inRepo = !posix.isAbsolute(dir) && dir !== ".." && !dir.startsWith("../");
      found.set(dir, {
        dir,
        inRepo,
        hasGoMod: inRepo && read(at(dir, "go.mod")) !== undefined,
        replaces: `${r.old.path} (${source.file}:${r.line})`,
      });
    }
  }
  return [...found.values()].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

/**
 * cmd/go's setDefaultBuildMod: -mod=vendor is the default when vendor/ sits beside go.work (in
 * workspace mode) or the single main module, the governing go line is 1.14 or later, and
 * vendor/modules.txt was written for that mode (`go work vendor` marks it `## workspace`).
 */
function usesVendor(
  mains: readonly MainModuleFile[],
  work: GoWorkFile | undefined,
  read: (path: string) => string | undefined,
): boolean {
  const root = work ? "." : mains[0]?.dir;
  if (root === undefined || (!work && mains.length !== 1)) return false;
  const goLine = work ? work.go?.version : mains[0]?.mod.go?.version;
  if (goLine === undefined || compareGoVersions(goLine, "1.14") < 0) return false;
  const modulesTxt = read(at(root, "vendor/modules.txt"));
  if (modulesTxt === undefined) return false;
  const first = modulesTxt.split("\n", 1)[0] ?? "";
  const forWorkspace =
    first.startsWith("## ") &&
    first
      .slice(3)
      .split(";")
      .some((e) => e.trim() === "workspace");
  return forWorkspace === (work !== undefined);
}
