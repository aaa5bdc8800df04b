import type { Rule, RuleFinding } from "../../types.js";
import { shipsGoToolchain } from "./util/image-ref.js";
import { notADeployedService } from "./util/runtime-purpose.js";
import { buildsApp, runGoCalls } from "./util/run-script.js";
import { finalStage, lineOf, rootOf, stageGraph } from "./util/stages.js";

export const DF001: Rule = {
  id: "DF001",
  severity: "warning",
  title: "final image ships the Go toolchain",
  doc: {
    why:
      "When the image you run is built FROM golang (directly or through a stage based on it), it " +
      "carries the compiler, the module cache and your sources: hundreds of megabytes more to " +
      "pull, and far more for a scanner to flag and an attacker to use. A Go binary needs none of " +
      "it at run time.",
    fix:
      "Build in a golang stage and start a second, small stage (distroless static, scratch or " +
      "alpine) that copies only the binary with COPY --from. Dev containers, Delve debug " +
      "images, test images and development images that `go run` or hot-reload the app are " +
      "exempt: they need the toolchain, or are never deployed.",
    example: {
      file: "Dockerfile",
      bad: 'FROM golang:1.26.8\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n',
      good:
        "FROM golang:1.26.8 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n\n" +
        'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const file of model.dockerfiles) {
      // Dev, test, debug (Delve) and tool images need the toolchain, or are never deployed.
      if (notADeployedService(model, file)) continue;
      const graph = stageGraph(file);
      const last = finalStage(graph);
      const base = last && rootOf(last).image;
      if (!last || !base || !shipsGoToolchain(base)) continue;
      const build = graph.stages
        .flatMap((s) => s.instructions)
        .find((ins) => runGoCalls(ins).some(buildsApp));
      if (!build) continue;
      const via = last.parent ? ` (through stage "${last.parent.name ?? last.parent.index}")` : "";
      out.push({
        file: file.path,
        line: last.line,
        message:
          `the final image is based on ${base.raw}${via}, so it ships the Go toolchain and ` +
          "sources with the binary; build in one stage and copy only the binary into a small " +
          "runtime stage (distroless static or scratch)",
        related: [{ file: file.path, line: lineOf(build), message: "the Go build" }],
      });
    }
    return out;
  },
};
