import { posix } from "node:path";
import type { ShippedBuild } from "./builds/types.js";
import { hasFuncMain, toolingReason } from "./dev-tooling.js";
import type { LoadedRepo } from "./repo-files.js";
import type { MainPackage } from "./types.js";

/** A main package init proposes as an app, and the builds of the repo that ship it. */
export interface AppCandidate {
  pkg: MainPackage;
  builds: ShippedBuild[];
}

export interface LeftOut {
  dir: string;
  reason: string;
}

export interface AppSelection {
  apps: AppCandidate[];
  leftOut: LeftOut[];
  /** How the apps were chosen, for init's summary. */
  basis: "shipped" | "main packages" | "chosen";
}

/** The main packages a build target names: "./cmd/x", ".", "./cmd/...", or an import path. */
export function resolveTarget(
  build: Pick<ShippedBuild, "target" | "cwd">,
  mains: readonly MainPackage[],
  repo: LoadedRepo,
): MainPackage[] {
  let target = build.target.replace(/\/+$/, "");
  const recursive = target.endsWith("/...") || target === "...";
  if (recursive) target = target.replace(/\/?\.\.\.$/, "") || ".";
  let dir: string | undefined;
  if (target === "." || target.startsWith("./") || target.startsWith("../")) {
    dir = posix.normalize(posix.join(build.cwd, target));
  } else {
    const mod = [...repo.modules]
      .sort((a, b) => b.mod.module.path.length - a.mod.module.path.length)
      .find((m) => target === m.mod.module.path || target.startsWith(`${m.mod.module.path}/`));
    if (!mod) return [];
    dir = posix.normalize(posix.join(mod.dir, target.slice(mod.mod.module.path.length)));
  }
  const want = dir === "." ? "." : `./${dir}`;
  return mains.filter((m) =>
    recursive ? want === "." || m.dir === want || m.dir.startsWith(`${want}/`) : m.dir === want,
  );
}

/** A build file of a test, example or benchmark: what it builds is not shipped. */
function isHarnessFile(path: string): boolean {
  const reason = toolingReason("/nonexistent", posix.dirname(path));
  return reason !== undefined && !reason.startsWith("development tooling");
}

/**
 * Chooses the apps: what the repo already builds and ships (GoReleaser builds, `go build` in its
 * Dockerfiles and Makefiles) when it says so; otherwise every main package that is not development
 * tooling. Every main package left out is listed with the reason.
 */
export function selectApps(
  root: string,
  repo: LoadedRepo,
  mains: readonly MainPackage[],
  builds: readonly ShippedBuild[],
): AppSelection {
  const leftOut: LeftOut[] = [];
  const runnable = mains.filter((m) => {
    if (hasFuncMain(posix.join(root, m.dir))) return true;
    leftOut.push({ dir: m.dir, reason: "no func main in a file that builds (not a program)" });
    return false;
  });
  const tooling = new Map(runnable.map((m) => [m.dir, toolingReason(root, m.dir)]));
  const shipped = new Map<string, AppCandidate>();
  for (const b of builds) {
    // A Makefile or a Dockerfile under tools/ builds development tools too, and a Dockerfile
    // under test/ builds a harness; a release config ships what it builds.
    if (isHarnessFile(b.file)) continue;
    for (const pkg of resolveTarget(b, runnable, repo)) {
      if (b.source !== "goreleaser" && tooling.get(pkg.dir) !== undefined) continue;
      const c = shipped.get(pkg.dir) ?? { pkg, builds: [] };
      c.builds.push(b);
      shipped.set(pkg.dir, c);
    }
  }
  if (shipped.size > 0) {
    for (const m of runnable) {
      if (shipped.has(m.dir)) continue;
      leftOut.push({
        dir: m.dir,
        reason:
          tooling.get(m.dir) ??
          "not built by the repo's GoReleaser config, Dockerfiles or Makefiles",
      });
    }
    const apps = runnable.flatMap((m) => {
      const c = shipped.get(m.dir);
      return c ? [c] : [];
    });
    return { apps, leftOut, basis: "shipped" };
  }
  const apps: AppCandidate[] = [];
  for (const m of runnable) {
    const reason = tooling.get(m.dir);
    if (reason) leftOut.push({ dir: m.dir, reason });
    else apps.push({ pkg: m, builds: [] });
  }
  return { apps, leftOut, basis: "main packages" };
}
