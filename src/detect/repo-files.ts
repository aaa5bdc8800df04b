import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { Dirent } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { RepoFacts } from "../generate/types.js";
import { parseGoMod } from "../gomod/gomod-file.js";
import type { GoModFile } from "../gomod/gomod-file.js";
import { parseGoWork } from "../gomod/gowork-file.js";
import type { GoWorkFile } from "../gomod/gowork-file.js";
import { GopaveError } from "../util/errors.js";
import { isSkippedDirName } from "./source-scan.js";
import { buildContextNames, outsideDirs } from "../generate/container/names.js";
import { moduleShape } from "./module-shape.js";
import type { ModuleShape } from "./module-shape.js";
import { keptFileFacts } from "./kept-file-facts.js";

/** A module of the repo with its parsed go.mod. */
export interface LoadedModule {
  /** Relative to the repo root, POSIX, "." for the root. */
  dir: string;
  absDir: string;
  mod: GoModFile;
  hasGoSum: boolean;
}

export interface LoadedRepo {
  root: string;
  /** The root module, or the workspace's modules; root-first then by dir. */
  modules: LoadedModule[];
  /** The module at the root, else the first one go.work uses. */
  primary: LoadedModule;
  /** go.work at the root, if any. */
  work: GoWorkFile | undefined;
  workHasSum: boolean;
  /** Local replacements and vendoring, as the generated Dockerfile and CI need them. */
  shape?: ModuleShape;
  notes: string[];
}

/** Repo-relative POSIX form of an absolute path ("." for the root itself). */
export function relDir(root: string, abs: string): string {
  const rel = relative(root, abs).split(sep).join("/");
  return rel === "" ? "." : rel;
}

function readIfExists(file: string, shown: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new GopaveError("IO", `cannot read ${shown}: ${(err as Error).message}`);
  }
}

function loadModule(root: string, absDir: string): LoadedModule | undefined {
  const dir = relDir(root, absDir);
  const shown = dir === "." ? "go.mod" : `${dir}/go.mod`;
  const text = readIfExists(join(absDir, "go.mod"), shown);
  if (text === undefined) return undefined;
  return {
    dir,
    absDir,
    mod: parseGoMod(text, shown),
    hasGoSum: existsSync(join(absDir, "go.sum")),
  };
}

/** go.mod files up to three folders down (not vendor/, testdata/ or hidden folders), by dir. */
function nestedModules(root: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string, depth: number) => {
    if (depth > 3) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || isSkippedDirName(e.name)) continue;
      const childRel = rel === "" ? e.name : `${rel}/${e.name}`;
      if (existsSync(join(abs, e.name, "go.mod"))) out.push(childRel);
      else walk(join(abs, e.name), childRel, depth + 1);
    }
  };
  walk(root, "", 1);
  return out.sort();
}

/** Parses the root go.mod and go.work (and the go.mod of each `use`). No go command, no network. */
export function loadRepo(rootIn: string): LoadedRepo {
  const root = resolve(rootIn);
  const notes: string[] = [];
  const workText = readIfExists(join(root, "go.work"), "go.work");
  const work = workText === undefined ? undefined : parseGoWork(workText, "go.work");
  const modules: LoadedModule[] = [];
  if (work) {
    const seen = new Set<string>();
    for (const use of work.use) {
      const absDir = isAbsolute(use.dir) ? resolve(use.dir) : resolve(root, use.dir);
      if (seen.has(absDir)) continue;
      seen.add(absDir);
      const m = loadModule(root, absDir);
      if (m) modules.push(m);
      else notes.push(`go.work:${use.line} uses ${use.dir}, which has no go.mod; skipped it`);
    }
    if (!seen.has(root) && existsSync(join(root, "go.mod"))) {
      notes.push(
        "go.mod at the root is not listed in go.work (use .); the go command ignores it in workspace mode",
      );
    }
  } else {
    const m = loadModule(root, root);
    if (m) modules.push(m);
  }
  if (!work && modules.length === 0) {
    const nested = nestedModules(root);
    throw new GopaveError("GOMOD_MISSING", `no go.mod or go.work in ${root}`, {
      hint:
        nested.length > 0
          ? `the modules are below it (${nested.slice(0, 6).join(", ")}${nested.length > 6 ? ", …" : ""}): ` +
            `run gopave init in one of them, or make them one workspace first: go work init ${nested.map((d) => `./${d}`).join(" ")}`
          : "run gopave init in a Go module root (where go.mod is)",
    });
  }
  if (modules.length === 0) {
    throw new GopaveError("GOMOD_MISSING", "go.work lists no module that has a go.mod", {
      hint: "add modules with `go work use ./dir`, or run gopave init in a Go module root (where go.mod is)",
    });
  }
  const primary = modules.find((m) => m.dir === ".") ?? (modules[0] as LoadedModule);
  modules.sort((a, b) =>
    a.dir === "." ? -1 : b.dir === "." ? 1 : a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0,
  );
  const shape = moduleShape(modules, work, (p) => readIfExists(join(root, p), p));
  notes.push(...shapeNotes(shape, modules));
  return {
    root,
    modules,
    primary,
    work,
    workHasSum: work !== undefined && existsSync(join(root, "go.work.sum")),
    shape,
    notes,
  };
}

/** What the Docker build cannot take from the repo alone. With vendor/ nothing is downloaded. */
function shapeNotes(shape: ModuleShape, modules: readonly LoadedModule[]): string[] {
  if (shape.vendor) return [];
  const contexts = buildContextNames(
    outsideDirs(
      modules.map((m) => m.dir),
      shape.replacements,
    ),
  );
  return shape.replacements.flatMap((r) => {
    if (!r.inRepo) {
      return [
        `${r.replaces} is replaced by ${r.dir}, outside the repo and so outside the Docker build ` +
          `context: the Dockerfile copies it from a named build context, so build with ` +
          `\`docker build --build-context ${contexts.get(r.dir) ?? ""}=${r.dir} .\` ` +
          "(compose: build.additional_contexts); a CI checkout lacks it too",
      ];
    }
    if (!r.hasGoMod) {
      return [
        `${r.replaces} is replaced by ./${r.dir}, which has no go.mod: the go command refuses it`,
      ];
    }
    return [];
  });
}

/**
 * What generators know of the repo. `keep` is the spec's section: the kept compose file is read
 * for its services.
 */
export function toRepoFacts(
  repo: LoadedRepo,
  keep: { compose?: string | undefined; devcontainer?: string | undefined } = {},
): RepoFacts {
  const kept = keptFileFacts((p) => readIfExists(join(repo.root, p), p), keep);
  return {
    ...kept,
    modules: repo.modules.map((m) => ({
      dir: m.dir,
      path: m.mod.module.path,
      // The go command assumes 1.16 for a go.mod without a go line.
      goLine: m.mod.go?.version ?? "1.16",
      toolchain: m.mod.toolchain?.name,
      hasGoSum: m.hasGoSum,
    })),
    workspace: repo.work ? { hasSum: repo.workHasSum } : undefined,
    ...(repo.shape && repo.shape.replacements.length > 0
      ? { replacements: repo.shape.replacements }
      : {}),
    ...(repo.shape?.vendor ? { vendor: true as const } : {}),
  };
}

/** Sync read of go.mod / go.work and kept files (no go list, no network), for `sync` and generators. */
export function readRepoFacts(
  root: string,
  keep: { compose?: string | undefined; devcontainer?: string | undefined } = {},
): RepoFacts {
  return toRepoFacts(loadRepo(root), keep);
}
