import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import type { Dirent } from "node:fs";
import { join } from "node:path";
import { goodOSArchFile, matchTag } from "./build-context.js";
import { headerAllows, parseGoFileHeader } from "./go-file-header.js";
import type { LoadedModule } from "./repo-files.js";
import { relDir } from "./repo-files.js";
import type { MainPackage } from "./types.js";

/** Directory names `./...` never descends into (go list skips them too, or we filter them). */
export function isSkippedDirName(name: string): boolean {
  return (
    name.startsWith(".") ||
    name.startsWith("_") ||
    name === "testdata" ||
    name === "vendor" ||
    name === "node_modules"
  );
}

/**
 * cmd/go's IgnorePatterns for go.mod `ignore` lines: "./x" ignores x at the module root, "x"
 * ignores any directory path containing x. `rel` is relative to the module root, POSIX.
 */
export function ignoredByGoMod(rel: string, ignores: readonly string[]): boolean {
  if (rel === "" || rel === ".") return false;
  const dir = `/${rel}/`;
  return ignores.some((p) => {
    const relative = p.startsWith("./");
    let norm = relative ? p.slice(2) : p;
    if (!norm.startsWith("/")) norm = `/${norm}`;
    if (!norm.endsWith("/")) norm += "/";
    return relative ? dir.startsWith(norm) : dir.includes(norm);
  });
}

/** The package a directory builds to in the list build context, from its non-test .go files. */
function dirPackageName(
  absDir: string,
  entries: Dirent[],
  goMinor: number | undefined,
): string | undefined {
  const tag = (t: string) => matchTag(t, goMinor);
  const files = entries
    .filter((e) => e.name.endsWith(".go") && !e.name.endsWith("_test.go"))
    .filter((e) => !e.name.startsWith("_") && !e.name.startsWith("."))
    .filter((e) => e.isFile() || (e.isSymbolicLink() && isFile(join(absDir, e.name))))
    .map((e) => e.name)
    .sort();
  for (const name of files) {
    if (!goodOSArchFile(name)) continue;
    let src: string;
    try {
      src = readFileSync(join(absDir, name), "utf8");
    } catch {
      continue;
    }
    const h = parseGoFileHeader(src);
    if (h.packageName === undefined || h.packageName === "documentation") continue;
    if (!headerAllows(h, tag)) continue;
    // Like go/build, the first buildable file names the package.
    return h.packageName;
  }
  return undefined;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds `package main` directories by reading sources, the way `go list ./...` would for the
 * given modules: skips vendor/, testdata/, node_modules/, "." and "_" directories, go.mod
 * `ignore` paths, symlinked directories, and nested modules.
 */
export function scanMainPackages(
  root: string,
  modules: readonly LoadedModule[],
  goMinor: number | undefined,
): MainPackage[] {
  const out: MainPackage[] = [];
  walkPackageDirs(modules, (absDir, entries, relInModule, m) => {
    if (dirPackageName(absDir, entries, goMinor) === "main") {
      const dir = relDir(root, absDir);
      out.push({
        dir: dir === "." ? "." : `./${dir}`,
        importPath: relInModule === "" ? m.mod.module.path : `${m.mod.module.path}/${relInModule}`,
        module: m.mod.module.path,
      });
    }
  });
  return sortMains(out);
}

/**
 * Visits every package directory of the repo's modules as `./...` would: skips vendor/,
 * testdata/, node_modules/, "." and "_" directories, go.mod `ignore` paths, symlinked directories,
 * and nested modules.
 */
export function walkPackageDirs(
  modules: readonly LoadedModule[],
  visit: (absDir: string, entries: Dirent[], relInModule: string, m: LoadedModule) => void,
): void {
  for (const m of modules) {
    if (m.dir.startsWith("../") || m.dir === "..") continue;
    const ignores = m.mod.ignores.map((i) => i.path);
    const walk = (absDir: string, relInModule: string) => {
      let entries: Dirent[];
      try {
        entries = readdirSync(absDir, { withFileTypes: true });
      } catch {
        return;
      }
      visit(absDir, entries, relInModule, m);
      for (const e of entries) {
        if (!e.isDirectory() || isSkippedDirName(e.name)) continue;
        const childRel = relInModule === "" ? e.name : `${relInModule}/${e.name}`;
        const childAbs = join(absDir, e.name);
        if (ignoredByGoMod(childRel, ignores)) continue;
        if (existsSync(join(childAbs, "go.mod"))) continue; // another module
        walk(childAbs, childRel);
      }
    };
    walk(m.absDir, "");
  }
}

export function sortMains(mains: MainPackage[]): MainPackage[] {
  return mains.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}
