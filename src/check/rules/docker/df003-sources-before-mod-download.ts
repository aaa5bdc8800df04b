import { posix } from "node:path";
import type { Instruction } from "dockerfile-ast";
import type { DockerfileModel, RepoModel, Rule, RuleFinding } from "../../types.js";
import { goModFor } from "./util/repo.js";
import { cacheTargets, coversModCache } from "./util/cache-mounts.js";
import { buildsApp, runGoCalls } from "./util/run-script.js";
import { bindsSources, contextSources, isGoSource } from "./util/sources.js";
import { chainOf, lineOf, stageGraph } from "./util/stages.js";
import type { Stage } from "./util/stages.js";

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
      "COPY go.mod go.sum first, RUN go mod download, then COPY the rest and build. A RUN that " +
      "builds with a cache mount on the module cache needs no separate download step.",
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
      if (!hasDependencies(model, file)) continue;
      const reported = new Set<number>();
      for (const stage of stageGraph(file).stages) {
        for (const ins of stage.instructions) {
          const calls = runGoCalls(ins);
          if (!calls.some(buildsApp) || calls.some((c) => c.args.includes("-mod=vendor"))) continue;
          const f = orderFinding(file, stage, ins);
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

/** Modules to download: requirements in go.mod, and no vendor directory that replaces them. */
function hasDependencies(model: RepoModel, file: DockerfileModel): boolean {
  const gomod = goModFor(model, file.path);
  if (!gomod) return true;
  if (gomod.mod.requires.length === 0) return false;
  return model.readFile?.(posix.join(gomod.dir, "vendor/modules.txt")) === undefined;
}

/** Walks the build's stage chain up to the build RUN, tracking sources and downloads. */
function orderFinding(
  file: DockerfileModel,
  stage: Stage,
  build: Instruction,
): RuleFinding | undefined {
  let sources: Instruction | undefined;
  let downloaded = false;
  for (const ins of chainOf(stage).flatMap((s) => s.instructions)) {
    if (!sources && (contextSources(ins).some(isGoSource) || bindsSources(ins))) sources = ins;
    for (const call of runGoCalls(ins)) {
      if (call.sub !== "mod download") continue;
      if (sources && !downloaded) {
        return {
          file: file.path,
          line: lineOf(sources),
          message:
            "sources are copied before `go mod download`, so every source change re-downloads " +
            "all modules; copy go.mod and go.sum first, download, then copy the rest",
          related: [{ file: file.path, line: lineOf(ins), message: "go mod download" }],
        };
      }
      downloaded = true;
    }
    if (ins !== build) continue;
    const cached = coversModCache(cacheTargets(ins, new Map()), () => undefined);
    if (!sources || downloaded || cached) return undefined;
    return {
      file: file.path,
      line: lineOf(sources),
      message:
        "sources are copied and built with no `go mod download` after copying only go.mod and " +
        "go.sum, so the dependencies are never a cached layer and every source change " +
        "downloads them again",
      related: [{ file: file.path, line: lineOf(ins), message: "go build" }],
    };
  }
  return undefined;
}
