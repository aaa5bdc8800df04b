import type { Rule, RuleFinding } from "../../types.js";
import { goModFor } from "./util/repo.js";
import { packageArgs, runGoCalls } from "./util/run-script.js";
import { lineOf, stageGraph } from "./util/stages.js";

/** Versions that name a moving target rather than a release. */
const MOVING = new Set(["latest", "master", "main", "head"]);

export const DF009: Rule = {
  id: "DF009",
  severity: "warning",
  title: "`go install` without a pinned version",
  doc: {
    why:
      "`go install tool@latest` installs whatever was released last, so the same Dockerfile " +
      "builds a different tool next week — and a new release may need a newer Go than the image " +
      "has (the golang image sets GOTOOLCHAIN=local, so that install fails). Without any " +
      "@version it installs the version the current directory's go.mod selects, or fails " +
      "outside a module.",
    fix:
      "Pin each tool: go install github.com/go-delve/delve/cmd/dlv@v1.27.1. Tools the module " +
      "requires in go.mod are already pinned and are not reported.",
    example: {
      file: "Dockerfile",
      bad: "RUN go install github.com/go-delve/delve/cmd/dlv@latest\n",
      good: "RUN go install github.com/go-delve/delve/cmd/dlv@v1.27.1\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const file of model.dockerfiles) {
      const requires = goModFor(model, file.path)?.mod.requires ?? [];
      const pinnedByGoMod = (pkg: string) =>
        requires.some((r) => pkg === r.path || pkg.startsWith(`${r.path}/`));
      for (const stage of stageGraph(file).stages) {
        for (const ins of stage.instructions) {
          for (const call of runGoCalls(ins)) {
            if (call.sub !== "install") continue;
            for (const arg of packageArgs(call.args)) {
              const at = arg.indexOf("@");
              const pkg = at === -1 ? arg : arg.slice(0, at);
              // Local packages (./cmd/x) build from the module itself; `$TOOL` is unknowable.
              const host = pkg.split("/")[0] ?? "";
              if (host.startsWith(".") || !host.includes(".") || pkg.includes("$")) continue;
              const version = at === -1 ? undefined : arg.slice(at + 1);
              if (version === undefined && pinnedByGoMod(pkg)) continue;
              if (version !== undefined && !MOVING.has(version.toLowerCase())) continue;
              out.push({
                file: file.path,
                line: lineOf(ins),
                message:
                  version === undefined
                    ? `go install ${pkg} has no @version: pin it (${pkg}@vX.Y.Z) so every build installs the same tool`
                    : `go install ${pkg}@${version} installs a moving target; pin a release (${pkg}@vX.Y.Z)`,
              });
            }
          }
        }
      }
    }
    return out;
  },
};
