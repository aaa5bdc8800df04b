import { posix } from "node:path";
import { exposedPorts } from "./builds/index.js";
import type { ShippedBuild } from "./builds/types.js";
import { composeServices, portMappings, words } from "../check/rules/docker/util/compose.js";
import { serviceBuild } from "../check/rules/docker/util/repo.js";
import type { RepoModel } from "../check/types.js";
import type { ImportGraph } from "./import-graph.js";
import { reachableDepths } from "./import-graph.js";
import { findHealthPath, findPort } from "./ports.js";
import type { PortEvidence } from "./ports.js";
import type { DetectedApp, MainPackage } from "./types.js";

const SOURCE_RANK: Record<ShippedBuild["source"], number> = {
  goreleaser: 0,
  dockerfile: 1,
  makefile: 2,
};

/**
 * The app's own packages where its options are set: its main package, then the repo packages it
 * imports up to two imports away, closest first, with their distance. Further away are libraries
 * whose defaults are about something else.
 */
function ownDirs(graph: ImportGraph, pkg: MainPackage): { dir: string; depth: number }[] {
  const out = new Map<string, number>([[pkg.dir, 0]]);
  for (const [p, depth] of reachableDepths(graph, pkg.importPath, 2)) {
    const dir = graph.packages.get(p)?.dir;
    if (dir !== undefined && !out.has(dir)) out.set(dir, depth);
  }
  return [...out].map(([dir, depth]) => ({ dir, depth }));
}

/**
 * EXPOSE of a Dockerfile that builds the app, or sits in its main package: the port its image is
 * run with.
 */
function exposedBy(
  model: RepoModel,
  pkg: MainPackage,
  builds: readonly ShippedBuild[],
): PortEvidence | undefined {
  const own = ["Dockerfile", "Containerfile"].map((f) =>
    pkg.dir === "." ? f : `${pkg.dir.slice(2)}/${f}`,
  );
  const paths = [...builds.filter((x) => x.source === "dockerfile").map((b) => b.file), ...own];
  for (const path of paths) {
    const file = model.dockerfiles.find((d) => d.path === path);
    const expose = file ? exposedPorts(file)[0] : undefined;
    if (file && expose) return { ...expose, file: path, kind: "EXPOSE" };
  }
  return undefined;
}

/** The container port of the kept compose service that runs an image built with the app. */
function composePort(
  model: RepoModel,
  compose: string | undefined,
  builds: readonly ShippedBuild[],
): PortEvidence | undefined {
  const file = model.composes.find((c) => c.path === compose);
  if (!file) return undefined;
  const dockerfiles = new Set(builds.filter((b) => b.source === "dockerfile").map((b) => b.file));
  for (const s of composeServices(file)) {
    const built = serviceBuild(model, file, s);
    if (!built || !dockerfiles.has(built.dockerfile.path)) continue;
    const target =
      portMappings(s.data["ports"])[0]?.target ?? String(words(s.data["expose"])?.[0] ?? "");
    const port = Number(/^\d{1,5}$/.exec(target)?.[0]);
    if (port > 0 && port <= 65535) {
      return {
        port,
        file: file.path,
        line: file.lineOf(["services", s.name, "ports"]),
        kind: "compose",
      };
    }
  }
  return undefined;
}

/** Port, health path, tags and ldflags of an app, each from evidence or not at all. */
export function appDetails(
  root: string,
  model: RepoModel,
  graph: ImportGraph,
  pkg: MainPackage,
  builds: readonly ShippedBuild[],
  compose: string | undefined,
): DetectedApp {
  const dirs = ownDirs(graph, pkg);
  const found = findPort(root, dirs);
  const exposed = exposedBy(model, pkg, builds);
  const inMain =
    found !== undefined &&
    (pkg.dir === "." ? !found.file.includes("/") : `./${found.file}`.startsWith(`${pkg.dir}/`));
  const port =
    found?.kind === "listen call" && inMain
      ? found
      : (composePort(model, compose, builds) ?? exposed ?? found);
  const ranked = [...builds].sort((a, b) => SOURCE_RANK[a.source] - SOURCE_RANK[b.source]);
  const primary = ranked[0];
  return {
    pkg,
    evidence: [...new Set(ranked.map((b) => `${b.file}:${b.line}`))],
    binary: ranked.find((b) => b.binary !== undefined)?.binary,
    port,
    health: port
      ? findHealthPath(
          root,
          dirs.map((d) => d.dir),
        )
      : undefined,
    tags: primary?.tags ?? [],
    ldflags: primary?.ldflags,
  };
}

/** "./cmd/api" or "api" (a main package's last element, or the project's name for "."). */
export function matchesChoice(pkg: MainPackage, choice: string, project: string): boolean {
  const c = choice.replace(/\/+$/, "");
  if (c.startsWith(".")) return posix.normalize(c) === posix.normalize(pkg.dir);
  const last = pkg.dir === "." ? project : pkg.dir.split("/").pop();
  return last === c || pkg.importPath === c;
}
