import { compareGoVersions, goMinor, parseGoVersion } from "../../../gomod/go-version.js";
import type { Rule, RuleFinding } from "../../types.js";
import { belowGoLineEffect } from "../go/sources/below-go-line.js";
import { golangTagVersion, isGolangImage } from "./util/image-ref.js";
import { goModFor } from "./util/repo.js";
import { runGoCalls } from "./util/run-script.js";
import { chainOf, scopeAtEnd, stageGraph } from "./util/stages.js";
import type { Stage, StageGraph } from "./util/stages.js";

export const DF012: Rule = {
  id: "DF012",
  severity: "warning",
  title: "golang image older than go.mod's `go` line",
  doc: {
    why:
      "go.mod's `go` line is the oldest Go that may build the module. Elsewhere a Go 1.21+ go " +
      "command would download a newer toolchain, but the official golang image sets " +
      'GOTOOLCHAIN=local, so a golang:1.22 builder stops with "go.mod requires go >= 1.25.0 ' +
      '(running go 1.22.x; GOTOOLCHAIN=local)". Images before Go 1.21 build anyway (the go line ' +
      "was advisory) unless the go line is in the `1.21.0` form they cannot parse.",
    fix:
      "Use a golang tag at or above the `go` line (an exact patch release such as " +
      "golang:1.26.8 is best), or set GOTOOLCHAIN=auto in the stage if you want the download. " +
      'A tag without a patch ("1.25") is read as the newest 1.25.x.',
    example: {
      file: "Dockerfile",
      bad: "# go.mod: go 1.25.0\nFROM golang:1.22-alpine AS build\n",
      good: "# go.mod: go 1.25.0\nFROM golang:1.26.8-alpine AS build\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const file of model.dockerfiles) {
      const gomod = goModFor(model, file.path);
      const goLine = gomod?.mod.go;
      if (!gomod || !goLine || !parseGoVersion(goLine.version)) continue;
      const graph = stageGraph(file);
      for (const stage of graph.stages) {
        const image = stage.image;
        const tagVersion = image && isGolangImage(image) ? golangTagVersion(image.tag) : undefined;
        if (!tagVersion || !runsGo(graph, stage) || toolchainMaySwitch(graph, stage)) continue;
        const exact = parseGoVersion(tagVersion)?.patch !== undefined || /rc|beta/.test(tagVersion);
        const older = exact
          ? compareGoVersions(tagVersion, goLine.version) < 0
          : compareGoVersions(tagVersion, goMinor(goLine.version)) < 0;
        if (!older) continue;
        const runner = { version: tagVersion, precision: exact ? "exact" : "minor" } as const;
        const effect = belowGoLineEffect(runner, goLine.version, "local", "the image's default");
        out.push({
          file: file.path,
          line: stage.line,
          message:
            `${image?.raw} has Go ${tagVersion}${exact ? "" : ".x"}, older than \`go ${goLine.version}\` ` +
            `in ${gomod.path}: ${effect} — use a golang tag of at least ${goLine.version}`,
          related: [{ file: gomod.path, line: goLine.line, message: `go ${goLine.version}` }],
        });
      }
    }
    return out;
  },
};

/** The stage, or a stage built on it, runs the go command. */
function runsGo(graph: StageGraph, stage: Stage): boolean {
  return graph.stages
    .filter((s) => chainOf(s).includes(stage))
    .some((s) => s.instructions.some((ins) => runGoCalls(ins).length > 0));
}

/** GOTOOLCHAIN set to anything but `local` lets the go command fetch the toolchain go.mod needs. */
function toolchainMaySwitch(graph: StageGraph, stage: Stage): boolean {
  const set = (v: string | undefined) => v !== undefined && v !== "" && v !== "local";
  if (set(scopeAtEnd(graph, stage).get("GOTOOLCHAIN"))) return true;
  return graph.stages
    .filter((s) => chainOf(s).includes(stage))
    .some((s) =>
      s.instructions.some((ins) => runGoCalls(ins).some((c) => set(c.env.get("GOTOOLCHAIN")))),
    );
}
