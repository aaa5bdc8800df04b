import type { Rule, RuleFinding } from "../../types.js";
import { cacheTargets, coversBuildCache, coversModCache, lookupIn } from "./util/cache-mounts.js";
import { runGoCalls } from "./util/run-script.js";
import { lineOf, stageGraph, walkChain } from "./util/stages.js";

/** Subcommands that download modules, and those that also compile. */
const DOWNLOADS = new Set(["build", "install", "test", "mod download"]);
const COMPILES = new Set(["build", "install", "test"]);

export const DF004: Rule = {
  id: "DF004",
  severity: "note",
  title: "go command RUN without a cache mount",
  doc: {
    why:
      "Without BuildKit cache mounts, any change that invalidates the layer makes `go build` " +
      "download every module and recompile every package from nothing. A cache mount keeps Go's " +
      "module cache and build cache between builds on the same builder without putting them " +
      "in the image.",
    fix:
      "Add `--mount=type=cache,target=/go/pkg/mod` (the module cache, or your GOMODCACHE) and, " +
      "for builds, `--mount=type=cache,target=/root/.cache/go-build` (the build cache, or your " +
      "GOCACHE; another path when the stage runs as a different user).",
    example: {
      file: "Dockerfile",
      bad: "RUN go mod download\nRUN go build -o /app .\n",
      good:
        "RUN --mount=type=cache,target=/go/pkg/mod go mod download\n" +
        "RUN --mount=type=cache,target=/go/pkg/mod \\\n" +
        "    --mount=type=cache,target=/root/.cache/go-build \\\n    go build -o /app .\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const file of model.dockerfiles) {
      const graph = stageGraph(file);
      for (const stage of graph.stages) {
        walkChain(graph, stage, (ins, scope, owner) => {
          if (owner !== stage) return;
          const calls = runGoCalls(ins);
          const missing = new Set<string>();
          const targets = cacheTargets(ins, scope);
          for (const call of calls) {
            const env = lookupIn(call.env, scope);
            const vendored = call.args.includes("-mod=vendor");
            if (DOWNLOADS.has(call.sub) && !vendored && !coversModCache(targets, env)) {
              missing.add(
                `the module cache (${env("GOMODCACHE") ?? `${env("GOPATH") ?? "/go"}/pkg/mod`})`,
              );
            }
            if (COMPILES.has(call.sub) && !coversBuildCache(targets, env)) {
              missing.add(`the build cache (${env("GOCACHE") ?? "/root/.cache/go-build"})`);
            }
          }
          if (missing.size === 0) return;
          const what = calls
            .filter((c) => DOWNLOADS.has(c.sub))
            .map((c) => `go ${c.sub}`)
            .filter((c, i, a) => a.indexOf(c) === i);
          out.push({
            file: file.path,
            line: lineOf(ins),
            message:
              `${what.join(" and ")} ${what.length > 1 ? "run" : "runs"} without a cache mount ` +
              `for ${[...missing].join(" or ")}: ` +
              "each rebuild of this layer starts from an empty cache; add --mount=type=cache",
          });
        });
      }
    }
    return out;
  },
};
