import type { Rule, RuleFinding } from "../../types.js";
import { referencedVars } from "./util/expand.js";
import { lineOf, stageGraph, walkChain } from "./util/stages.js";

/** BuildKit's automatic platform arguments: defined in the global scope only. */
const PLATFORM_ARGS = new Set([
  "TARGETPLATFORM",
  "TARGETOS",
  "TARGETARCH",
  "TARGETVARIANT",
  "BUILDPLATFORM",
  "BUILDOS",
  "BUILDARCH",
  "BUILDVARIANT",
]);

/** Run-time instructions: build arguments never reach them, declared or not. */
const SKIPPED = new Set(["CMD", "ENTRYPOINT", "HEALTHCHECK", "ONBUILD"]);

export const DF011: Rule = {
  id: "DF011",
  severity: "error",
  title: "TARGETOS/TARGETARCH used in a stage that does not declare them",
  doc: {
    why:
      "BuildKit defines TARGETOS, TARGETARCH and the other platform arguments in the global " +
      "scope only: FROM lines see them, build stages do not. Inside a stage that lacks " +
      "`ARG TARGETARCH`, `$TARGETARCH` is empty, so `GOARCH=$TARGETARCH go build` silently " +
      "builds for the build machine and a multi-platform image ships the wrong binary.",
    fix:
      "Declare them, without a value, in each stage that uses them (or in a stage it is based " +
      "on): `ARG TARGETOS TARGETARCH`.",
    example: {
      file: "Dockerfile",
      bad:
        "FROM --platform=$BUILDPLATFORM golang:1.26.8 AS build\n" +
        "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n",
      good:
        "FROM --platform=$BUILDPLATFORM golang:1.26.8 AS build\nARG TARGETOS TARGETARCH\n" +
        "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const file of model.dockerfiles) {
      const graph = stageGraph(file);
      for (const stage of graph.stages) {
        const reported = new Set<string>();
        walkChain(graph, stage, (ins, scope, owner) => {
          if (owner !== stage || SKIPPED.has(ins.getKeyword())) return;
          // Comment lines inside a continued instruction are not part of it.
          const text = ins
            .getTextContent()
            .split("\n")
            .filter((l) => !l.trim().startsWith("#"))
            .join("\n");
          for (const name of referencedVars(text)) {
            if (!PLATFORM_ARGS.has(name) || scope.has(name) || reported.has(name)) continue;
            reported.add(name);
            const label = stage.name ? `stage "${stage.name}"` : `stage ${stage.index}`;
            out.push({
              file: file.path,
              line: lineOf(ins),
              message:
                `$${name} is used in ${label} without \`ARG ${name}\` in that stage, so it is ` +
                `empty here; add \`ARG ${name}\` after the FROM`,
            });
          }
        });
      }
    }
    return out;
  },
};
