import type { Rule, RuleFinding } from "../../types.js";
import { builtModule, isVendored } from "./util/built-module.js";
import { cacheTargets, coversBuildCache, coversModCache, lookupIn } from "./util/cache-mounts.js";
import { modCacheCopy, modCacheDir, modCacheExporters } from "./util/module-cache.js";
import { packageArgs, runGoCalls } from "./util/run-script.js";
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
      "in the image. A cache mount is not part of any layer, though: a `deps` stage whose " +
      "/go/pkg a later stage copies with `COPY --from` must download into the layer, and a " +
      "stage that received its modules that way only needs the build cache.",
    fix:
      "Add `--mount=type=cache,target=/go/pkg/mod` (the module cache, or your GOMODCACHE) and, " +
      "for builds, `--mount=type=cache,target=/root/.cache/go-build` (the build cache, or your " +
      "GOCACHE; another path when the stage runs as a different user). Vendored modules need " +
      "only the build cache.",
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
      const gomod = builtModule(model, file);
      const vendored = gomod !== undefined && isVendored(model, gomod);
      // A download whose modules another stage copies out must stay in the layer.
      const exporters = modCacheExporters(graph, (s, v) => walkChain(graph, s, v));
      for (const stage of graph.stages) {
        // Modules copied in from another stage are already in the layer: a mount would hide them.
        let modulesCopied = false;
        walkChain(graph, stage, (ins, scope, owner) => {
          if (modCacheCopy(graph, owner, ins, scope)) modulesCopied = true;
          if (owner !== stage) return;
          const calls = runGoCalls(ins);
          const missing = new Set<string>();
          const targets = cacheTargets(ins, scope);
          for (const call of calls) {
            const env = lookupIn(call.env, scope);
            // `go install pkg@version` downloads pkg's module whatever the main module has.
            const remote = packageArgs(call.args).some((a) => a.includes("@"));
            const noModCache =
              (!remote && (vendored || modulesCopied || call.args.includes("-mod=vendor"))) ||
              (call.sub === "mod download" && exporters.has(stage));
            if (DOWNLOADS.has(call.sub) && !noModCache && !coversModCache(targets, env)) {
              missing.add(`the module cache (${modCacheDir(env)})`);
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
