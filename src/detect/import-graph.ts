import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseImports } from "./go-imports.js";
import { packageSources } from "./package-sources.js";
import { goListOffline, modulesInRepo } from "./go-list.js";
import type { LoadedRepo } from "./repo-files.js";
import { relDir } from "./repo-files.js";
import type { MainPackage } from "./types.js";

/** A package in the import graph of the repo's main packages. */
export interface GraphPackage {
  importPath: string;
  /** Repo-relative POSIX dir ("./x", "."), for packages in the repo; undefined otherwise. */
  dir: string | undefined;
  /** Has files that `import "C"` (in the list build context). */
  cgo: boolean;
  /** Unknown (empty) for packages whose source was not at hand. */
  imports: string[];
}

export interface ImportGraph {
  packages: Map<string, GraphPackage>;
  /** How the graph was read: the go command, or gopave's own parsing of the repo's sources. */
  source: "go list" | "parsed";
  /** Why go list could not be used, when it could not. */
  fallbackReason?: string;
}

const FORMAT = '{{.ImportPath}}\t{{.Dir}}\t{{len .CgoFiles}}\t{{.Standard}}\t{{join .Imports " "}}';

/**
 * The packages the given main packages import, transitively, standard library left out. `go list
 * -deps` offline first (complete when the module cache or vendor/ has the dependencies); when it
 * fails, the repo's own sources are parsed and third-party packages are leaves whose imports are
 * unknown.
 */
export async function importGraph(
  repo: LoadedRepo,
  mains: readonly MainPackage[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<ImportGraph> {
  if (mains.length === 0) return { packages: new Map(), source: "go list" };
  const r = await goListOffline(
    repo,
    ["list", "-e", "-deps", "-f", FORMAT, ...mains.map((m) => m.dir)],
    env,
    timeoutMs,
  );
  if (r.ok) return { packages: parseDeps(r.stdout, repo.root), source: "go list" };
  return { ...parseGraph(repo, mains), fallbackReason: r.reason };
}

function parseDeps(stdout: string, root: string): Map<string, GraphPackage> {
  const packages = new Map<string, GraphPackage>();
  for (const line of stdout.split("\n")) {
    const [importPath, dir, cgo, standard, imports] = line.split("\t");
    if (!importPath || standard === "true" || importPath === "C") continue;
    const rel = dir ? relDir(root, resolve(dir)) : undefined;
    // vendor/ holds other modules' code, listed with -mod=vendor.
    const inRepo =
      rel !== undefined && rel !== ".." && !rel.startsWith("../") && !/(?:^|\/)vendor\//.test(rel);
    packages.set(importPath, {
      importPath,
      dir: inRepo ? (rel === "." ? "." : `./${rel}`) : undefined,
      cgo: Number(cgo) > 0,
      imports: (imports ?? "").split(" ").filter((p) => p !== "" && p !== "C"),
    });
  }
  return packages;
}

/** Module roots in the repo by import path prefix, longest first: modules and local replacements. */
function repoRoots(repo: LoadedRepo): { path: string; absDir: string }[] {
  const roots: { path: string; absDir: string }[] = [];
  for (const m of modulesInRepo(repo)) {
    roots.push({ path: m.mod.module.path, absDir: m.absDir });
    for (const r of m.mod.replaces) {
      if (r.local) roots.push({ path: r.old.path, absDir: resolve(m.absDir, r.new.path) });
    }
  }
  return roots.sort((a, b) => b.path.length - a.path.length);
}

/** Imports of a directory's Go files that build in the list context; undefined without any. */
function dirImports(absDir: string): { imports: string[]; cgo: boolean } | undefined {
  const sources = packageSources(absDir);
  if (sources.length === 0) return undefined;
  const imports = new Set<string>();
  let cgo = false;
  for (const { text } of sources) {
    for (const p of parseImports(text)) {
      if (p === "C") cgo = true;
      else imports.add(p);
    }
  }
  return { imports: [...imports].sort(), cgo };
}

/** Standard library paths have no dot in their first element (as the go command decides). */
function isStandard(importPath: string): boolean {
  const first = importPath.split("/")[0] ?? "";
  return !first.includes(".") && first !== "";
}

function parseGraph(repo: LoadedRepo, mains: readonly MainPackage[]): ImportGraph {
  const roots = repoRoots(repo);
  const packages = new Map<string, GraphPackage>();
  const locate = (importPath: string): string | undefined => {
    const root = roots.find((r) => importPath === r.path || importPath.startsWith(`${r.path}/`));
    if (!root) return undefined;
    const abs = join(root.absDir, importPath.slice(root.path.length));
    return existsSync(abs) ? abs : undefined;
  };
  const queue: { importPath: string; absDir: string | undefined }[] = mains.map((m) => ({
    importPath: m.importPath,
    absDir: join(repo.root, m.dir),
  }));
  while (queue.length > 0) {
    const { importPath, absDir } = queue.shift() as (typeof queue)[number];
    if (packages.has(importPath)) continue;
    const read = absDir ? dirImports(absDir) : undefined;
    const rel = absDir ? relDir(repo.root, absDir) : undefined;
    const inRepo = rel !== undefined && rel !== ".." && !rel.startsWith("../");
    const imports = (read?.imports ?? []).filter((p) => !isStandard(p));
    packages.set(importPath, {
      importPath,
      dir: inRepo ? (rel === "." ? "." : `./${rel}`) : undefined,
      cgo: read?.cgo ?? false,
      imports,
    });
    for (const p of imports) {
      if (!packages.has(p)) queue.push({ importPath: p, absDir: locate(p) });
    }
  }
  return { packages, source: "parsed" };
}

/** Every package reachable from `from` (itself included) in breadth-first order. */
/**
 * The graph from the repo's own sources alone: no go command, the same answer on every machine
 * whether or not the dependencies are downloaded, and fast on big repos.
 */
export function parsedImportGraph(repo: LoadedRepo, mains: readonly MainPackage[]): ImportGraph {
  return parseGraph(repo, mains);
}

/** Every package reachable from `from` (itself included), in breadth-first order. */
export function reachable(graph: ImportGraph, from: string): string[] {
  return [...reachableDepths(graph, from, Infinity).keys()];
}

/** Packages at most `maxDepth` imports away from `from`, in breadth-first order, with the distance. */
export function reachableDepths(
  graph: ImportGraph,
  from: string,
  maxDepth: number,
): Map<string, number> {
  const depth = new Map<string, number>([[from, 0]]);
  const order = [from];
  for (let i = 0; i < order.length; i++) {
    const cur = order[i] as string;
    const d = depth.get(cur) as number;
    if (d >= maxDepth) continue;
    for (const p of graph.packages.get(cur)?.imports ?? []) {
      if (!depth.has(p) && graph.packages.has(p)) {
        depth.set(p, d + 1);
        order.push(p);
      }
    }
  }
  return depth;
}

/** A shortest import chain from `from` to a package matching `target`, or undefined. */
export function importChain(
  graph: ImportGraph,
  from: string,
  target: (importPath: string) => boolean,
): string[] | undefined {
  const parent = new Map<string, string | undefined>([[from, undefined]]);
  const order = [from];
  for (let i = 0; i < order.length; i++) {
    const cur = order[i] as string;
    if (target(cur)) {
      const chain: string[] = [];
      for (let p: string | undefined = cur; p !== undefined; p = parent.get(p)) chain.unshift(p);
      return chain;
    }
    for (const p of graph.packages.get(cur)?.imports ?? []) {
      if (!parent.has(p) && graph.packages.has(p)) {
        parent.set(p, cur);
        order.push(p);
      }
    }
  }
  return undefined;
}
