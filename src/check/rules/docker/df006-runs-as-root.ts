import type { Instruction } from "dockerfile-ast";
import type { Rule, RuleFinding } from "../../types.js";
import { expandVars } from "./util/expand.js";
import { isNonrootVariant, isScratch } from "./util/image-ref.js";
import { dropsPrivileges, notADeployedService } from "./util/runtime-purpose.js";
import { chainOf, finalStage, lineOf, rootOf, scopeAtEnd, stageGraph } from "./util/stages.js";

export const DF006: Rule = {
  id: "DF006",
  severity: "warning",
  title: "final image runs as root",
  doc: {
    why:
      "A process running as uid 0 that is compromised owns the whole container filesystem and " +
      "is one kernel or runtime bug away from the host. A Go server needs no root: it can bind " +
      "ports above 1024 and read its own binary as any user. Images without a USER run as root " +
      "unless their base image sets a user (distroless :nonroot sets 65532; scratch has no users).",
    fix:
      "End the final stage with a numeric non-root USER (USER 65532:65532), or base it on a " +
      "nonroot variant such as gcr.io/distroless/static-debian13:nonroot. Images that are " +
      "never deployed are not reported: test harnesses (under test/, e2e/, named *.test.Dockerfile, " +
      "or built only by test compose services), dev containers and other dev or debug images, " +
      "images under tools/ or hack/, images that name no command or only idle, and images that " +
      "install su-exec, gosu or setpriv, or whose entrypoint script (the repo file the final stage " +
      "COPYs to that path) drops privileges with one of them, runuser or su -c.",
    example: {
      file: "Dockerfile",
      bad: 'FROM gcr.io/distroless/static-debian13\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
      good: 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n',
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const file of model.dockerfiles) {
      // Test harnesses, dev and debug images, tool images: never deployed, so root risks nothing
      // the person running them does not already have.
      if (notADeployedService(model, file)) continue;
      const graph = stageGraph(file);
      const last = finalStage(graph);
      if (!last) continue;
      let user: Instruction | undefined;
      for (const s of chainOf(last))
        for (const ins of s.instructions) if (ins.getKeyword() === "USER") user = ins;
      if (user) {
        const e = expandVars(user.getArgumentsContent() ?? "", scopeAtEnd(graph, last));
        const name = (e.value.trim().split(":")[0] ?? "").trim();
        if (!e.resolved || (name !== "root" && name !== "0") || dropsPrivileges(model, file))
          continue;
        out.push({
          file: file.path,
          line: lineOf(user),
          message: `the final stage's last USER is ${name}, so the container runs as root; switch to a non-root user (USER 65532:65532)`,
        });
        continue;
      }
      const root = rootOf(last);
      const image = root.image;
      if (!image || isNonrootVariant(image) || dropsPrivileges(model, file)) continue;
      const why = isScratch(image)
        ? "scratch has no users, so without USER the process runs as uid 0"
        : `no USER is set, so the container runs as root unless ${image.raw} sets a user itself`;
      out.push({
        file: file.path,
        line: last.line,
        message: `final image runs as root: ${why}; add USER 65532:65532 or use a :nonroot base`,
      });
    }
    return out;
  },
};
