import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { LIST_BUILD_ENV } from "./build-context.js";
import { goEnv, runGo } from "./go-command.js";
import type { GoRun } from "./go-command.js";
import type { LoadedModule, LoadedRepo } from "./repo-files.js";
import { relDir } from "./repo-files.js";
import { isSkippedDirName, sortMains } from "./source-scan.js";
import type { MainPackage } from "./types.js";

export type GoListResult = { ok: true; mains: MainPackage[] } | { ok: false; reason: string };

// GoFiles/CgoFiles: a directory with only _test.go files reports the test files' package name.
const FORMAT = "{{.ImportPath}}\t{{.Name}}\t{{.Dir}}\t{{len .GoFiles}}\t{{len .CgoFiles}}";

/** The modules `./...` can reach from the repo root (a go.work may use ../elsewhere). */
export function modulesInRepo(repo: LoadedRepo): LoadedModule[] {
  return repo.modules.filter((m) => m.dir !== ".." && !m.dir.startsWith("../"));
}

/**
 * Runs `go list <args>` in the repo offline and without touching it: GOPROXY=off,
 * GOTOOLCHAIN=local, and in single-module mode -mod=mod against a scratch copy of go.mod (via
 * -modfile) because -mod=mod may rewrite go.mod, e.g. to add a missing go line. A module with a
 * vendor/modules.txt is listed from vendor/, which has every dependency's source.
 */
export async function goListOffline(
  repo: LoadedRepo,
  args: string[],
  baseEnv: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<GoRun> {
  const vendored = !repo.work && existsSync(join(repo.root, "vendor", "modules.txt"));
  let scratch: string | undefined;
  const flags: string[] = [];
  if (!repo.work && !vendored) {
    scratch = mkdtempSync(join(tmpdir(), "gopave-golist-"));
    copyFileSync(join(repo.root, "go.mod"), join(scratch, "go.mod"));
    if (existsSync(join(repo.root, "go.sum")))
      copyFileSync(join(repo.root, "go.sum"), join(scratch, "go.sum"));
    flags.push(`-modfile=${join(scratch, "go.mod")}`);
  }
  const env = goEnv(baseEnv, {
    ...LIST_BUILD_ENV,
    GOPROXY: "off",
    // The go command refuses -mod=mod in workspace mode; readonly still ignores a stale vendor/.
    GOFLAGS: repo.work ? "-mod=readonly" : vendored ? "-mod=vendor" : "-mod=mod",
    // A go.work above the repo must not capture it; the repo's own go.work must cover it.
    GOWORK: repo.work ? join(repo.root, "go.work") : "off",
  });
  try {
    const [verb, ...rest] = args;
    return await runGo([verb ?? "list", ...flags, ...rest], { cwd: repo.root, env, timeoutMs });
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/** `go list -e -find` over every module's tree for main packages, offline (see goListOffline). */
export async function goListMains(
  repo: LoadedRepo,
  baseEnv: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<GoListResult> {
  const modules = modulesInRepo(repo);
  // ./... stops at module boundaries even in workspace mode, so name every module's tree.
  const patterns = repo.work
    ? modules.map((m) => (m.dir === "." ? "./..." : `./${m.dir}/...`))
    : ["./..."];
  const r = await goListOffline(
    repo,
    ["list", "-e", "-find", "-f", FORMAT, ...patterns],
    baseEnv,
    timeoutMs,
  );
  if (!r.ok) return { ok: false, reason: r.reason };
  return { ok: true, mains: parseListOutput(r.stdout, repo.root, modules) };
}

function parseListOutput(stdout: string, root: string, modules: LoadedModule[]): MainPackage[] {
  const byDepth = [...modules].sort((a, b) => b.absDir.length - a.absDir.length);
  const out: MainPackage[] = [];
  for (const line of stdout.split("\n")) {
    const [importPath, name, dir, goFiles, cgoFiles] = line.split("\t");
    if (name !== "main" || !importPath || !dir) continue;
    if (Number(goFiles) + Number(cgoFiles) === 0) continue;
    const rel = relDir(root, resolve(dir));
    if (rel === ".." || rel.startsWith("../")) continue;
    if (rel !== "." && rel.split("/").some(isSkippedDirName)) continue;
    const owner = byDepth.find((m) => dir === m.absDir || dir.startsWith(m.absDir + sep));
    out.push({
      dir: rel === "." ? "." : `./${rel}`,
      importPath,
      module: owner?.mod.module.path ?? "",
    });
  }
  return sortMains(out);
}
