import { posix } from "node:path";
import type { Instruction } from "dockerfile-ast";
import type { DockerfileModel, RepoModel, Rule, RuleFinding } from "../../types.js";
import { builtModule, isVendored, localReplaceDirs } from "./util/built-module.js";
import { cacheTargets, coversModCache, lookupIn } from "./util/cache-mounts.js";
import { modCacheCopy } from "./util/module-cache.js";
import { buildsApp, runGoCalls } from "./util/run-script.js";
import { bindsSources, contextSources, isGoSource } from "./util/sources.js";
import { lineOf, stageGraph, walkChain } from "./util/stages.js";
import type { Stage, StageGraph } from "./util/stages.js";

export const DF003: Rule = {
  id: "DF003",
  severity: "warning",
  title: "sources copied before `go mod download`",
  doc: {
    why:
      "Docker reuses a layer only while everything it was built from is unchanged. Copying the " +
      "sources before downloading modules ties the download to every source edit, so each " +
      "rebuild fetches all dependencies again. Copying go.mod and go.sum alone and running " +
      "`go mod download` first keeps that layer cached until the dependencies change.",
    fix:
      "COPY go.mod go.sum first, RUN go mod download, then COPY the rest and build — in one " +
      "stage, or in a `deps` stage the build stage starts FROM or copies /go/pkg from. A RUN " +
      "with a cache mount on the module cache needs no separate download step, and directories " +
      "that go.mod's local `replace` directives point into belong with go.mod.",
    example: {
      file: "Dockerfile",
      bad: "COPY . .\nRUN go mod download\nRUN go build -o /app ./cmd/app\n",
      good:
        "COPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n" +
        "COPY . .\nRUN --mount=type=cache,target=/go/pkg/mod go build -o /app ./cmd/app\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const file of model.dockerfiles) {
      const deps = dependencyDirs(model, file);
      if (!deps) continue;
      const graph = stageGraph(file);
      const reported = new Set<number>();
      for (const stage of graph.stages) {
        for (const ins of stage.instructions) {
          const calls = runGoCalls(ins);
          if (!calls.some(buildsApp) || calls.some((c) => c.args.includes("-mod=vendor"))) continue;
          const f = orderFinding(file, graph, stage, ins, deps);
          if (f && !reported.has(f.line)) {
            reported.add(f.line);
            out.push(f);
          }
        }
      }
    }
    return out;
  },
};

/**
 * The local `replace` directories of the module the Dockerfile builds (copied with go.mod, as
 * `go mod download` needs them), or undefined when there is nothing to download: no
 * requirements, or a vendor directory the build uses instead.
 */
function dependencyDirs(model: RepoModel, file: DockerfileModel): string[] | undefined {
  const gomod = builtModule(model, file);
  if (!gomod) return [];
  if (gomod.mod.requires.length === 0 || isVendored(model, gomod)) return undefined;
  return localReplaceDirs(gomod).filter((d) => !d.startsWith(".."));
}

/** A COPY source that is a replace directory, inside one, or a parent of one (`COPY api/ api/`). */
function isDependencyDir(src: string, deps: readonly string[]): boolean {
  const p = posix.normalize(src.replace(/\/+$/, "") || ".");
  if (p === ".") return false;
  return deps.some((d) => d === p || d.startsWith(`${p}/`) || p.startsWith(`${d}/`));
}

function copiesSources(ins: Instruction, deps: readonly string[]): boolean {
  return (
    contextSources(ins).some((s) => isGoSource(s) && !isDependencyDir(s, deps)) || bindsSources(ins)
  );
}

interface Order {
  /** The first instruction that brought Go sources in, if any. */
  sources: Instruction | undefined;
  /** Modules are in place: downloaded, or copied from a stage that downloaded them. */
  downloaded: boolean;
  /** A download that ran after the sources, without a cache mount to keep its modules. */
  late: { sources: Instruction; download: Instruction } | undefined;
  /** `until` has a cache mount on the module cache. */
  untilCached: boolean;
}

/**
 * Walks a stage's chain up to `until` (or its end): where sources arrive and where modules do.
 * `COPY --from=<stage>` of the module cache counts as a download when that stage downloaded
 * before copying its own sources — a separate `modules` stage is the same layering.
 */
function order(
  graph: StageGraph,
  stage: Stage,
  deps: readonly string[],
  until?: Instruction,
  seen = new Set<Stage>(),
): Order {
  const o: Order = { sources: undefined, downloaded: false, late: undefined, untilCached: false };
  seen.add(stage);
  let done = false;
  walkChain(graph, stage, (ins, scope, owner) => {
    if (done) return;
    const copied = modCacheCopy(graph, owner, ins, scope);
    if (copied && !seen.has(copied.from)) {
      const inner = order(graph, copied.from, deps, undefined, seen);
      o.late ??= inner.late;
      if (inner.downloaded && !inner.late) o.downloaded = true;
    }
    if (!o.sources && copiesSources(ins, deps)) o.sources = ins;
    for (const call of runGoCalls(ins)) {
      if (call.sub !== "mod download") continue;
      const cached = coversModCache(cacheTargets(ins, scope), lookupIn(call.env, scope));
      // With a cache mount, a re-run after a source change finds every module in the cache.
      if (o.sources && !o.downloaded && !cached) {
        o.late ??= { sources: o.sources, download: ins };
      }
      o.downloaded = true;
    }
    if (ins !== until) return;
    done = true;
    o.untilCached = coversModCache(
      cacheTargets(ins, scope),
      (name) => scope.get(name) ?? undefined,
    );
  });
  return o;
}

function orderFinding(
  file: DockerfileModel,
  graph: StageGraph,
  stage: Stage,
  build: Instruction,
  deps: readonly string[],
): RuleFinding | undefined {
  const o = order(graph, stage, deps, build);
  if (o.late) {
    return {
      file: file.path,
      line: lineOf(o.late.sources),
      message:
        "sources are copied before `go mod download`, so every source change re-downloads " +
        "all modules; copy go.mod and go.sum first, download, then copy the rest",
      related: [{ file: file.path, line: lineOf(o.late.download), message: "go mod download" }],
    };
  }
  if (!o.sources || o.downloaded || o.untilCached) return undefined;
  return {
    file: file.path,
    line: lineOf(o.sources),
    message:
      "sources are copied and built with no `go mod download` after copying only go.mod and " +
      "go.sum, so the dependencies are never a cached layer and every source change " +
      "downloads them again",
    related: [{ file: file.path, line: lineOf(build), message: "go build" }],
  };
}
