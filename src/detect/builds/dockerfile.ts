import { goCalls, runCommands } from "../../check/rules/docker/util/run-script.js";
import { lineOf, stageGraph } from "../../check/rules/docker/util/stages.js";
import type { DockerfileModel } from "../../check/types.js";
import { goBuildCall } from "./go-build-call.js";
import type { ShippedBuild } from "./types.js";

/**
 * `go build` / `go install` of local packages in a Dockerfile's RUN instructions. Package paths
 * are taken relative to the build context, assumed to be the repo root (what a root Dockerfile
 * and most compose files use); ENV CGO_ENABLED in the stage counts like an inline one.
 */
export function dockerfileBuilds(file: DockerfileModel): ShippedBuild[] {
  const out: ShippedBuild[] = [];
  for (const stage of stageGraph(file).stages) {
    const env = new Map<string, string>();
    for (const ins of stage.instructions) {
      const keyword = ins.getKeyword();
      if (keyword === "ENV") {
        const m = /\bCGO_ENABLED[= ]\s*"?([01])"?/.exec(ins.getArgumentsContent() ?? "");
        if (m?.[1]) env.set("CGO_ENABLED", m[1]);
        continue;
      }
      if (keyword !== "RUN") continue;
      for (const call of goCalls(runCommands(ins), env)) {
        const b = goBuildCall(call);
        if (!b) continue;
        for (const target of b.targets) {
          out.push({
            source: "dockerfile",
            file: file.path,
            line: lineOf(ins),
            target,
            cwd: ".",
            tags: b.tags,
            ldflags: b.ldflags,
            cgo: b.cgo,
          });
        }
      }
    }
  }
  return out;
}
