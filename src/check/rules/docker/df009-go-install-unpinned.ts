import type { Rule, RuleFinding } from "../../types.js";
import { pinnedByGoMod, queryKind } from "../go/sources/module-query.js";
import { builtModule } from "./util/built-module.js";
import { packageArgs, runGoCalls } from "./util/run-script.js";
import { lineOfText, stageGraph } from "./util/stages.js";

/** `go install pkg@v` installs a tool; `go run pkg@v` builds and runs one (Go 1.17+). */
const TOOL_COMMANDS = new Set(["install", "run"]);

export const DF009: Rule = {
  id: "DF009",
  severity: "warning",
  title: "`go install` without a pinned version",
  doc: {
    why:
      "`go install tool@latest` installs whatever was released last, so the same Dockerfile " +
      "builds a different tool next week — and a new release may need a newer Go than the image " +
      "has (the golang image sets GOTOOLCHAIN=local, so that install fails). `go run tool@latest` " +
      "does the same on every build. Without any @version it installs the version the current " +
      "directory's go.mod selects, or fails outside a module. Every stage counts: a debug or " +
      "tools stage that installs Delve @latest drifts like any other.",
    fix:
      "Pin each tool: go install github.com/go-delve/delve/cmd/dlv@v1.27.1. Tools the module " +
      "requires in go.mod (or lists in a `tool` directive) and commit hashes are already pinned " +
      "and are not reported.",
    example: {
      file: "Dockerfile",
      bad: "RUN go install github.com/go-delve/delve/cmd/dlv@latest\n",
      good: "RUN go install github.com/go-delve/delve/cmd/dlv@v1.27.1\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const file of model.dockerfiles) {
      const gomod = builtModule(model, file);
      for (const stage of stageGraph(file).stages) {
        for (const ins of stage.instructions) {
          for (const call of runGoCalls(ins)) {
            if (!TOOL_COMMANDS.has(call.sub)) continue;
            // `go run` takes the program's own arguments after the package: only the first counts.
            const pkgs = packageArgs(call.args);
            for (const arg of call.sub === "run" ? pkgs.slice(0, 1) : pkgs) {
              const at = arg.indexOf("@");
              // `go run main.go` and `go run .` run the module's own code.
              if (call.sub === "run" && at === -1) continue;
              const pkg = at === -1 ? arg : arg.slice(0, at);
              // Local packages (./cmd/x) build from the module itself; `$TOOL` is unknowable.
              const host = pkg.split("/")[0] ?? "";
              if (host.startsWith(".") || !host.includes(".") || pkg.includes("$")) continue;
              const version = at === -1 ? undefined : arg.slice(at + 1);
              if (version === undefined && pinnedByGoMod(gomod, pkg)) continue;
              if (version !== undefined && queryKind(version) !== "moving") continue;
              out.push({
                file: file.path,
                line: lineOfText(file, ins, arg),
                message:
                  version === undefined
                    ? `go install ${pkg} has no @version: pin it (${pkg}@vX.Y.Z) so every build installs the same tool`
                    : `go ${call.sub} ${pkg}@${version} ${call.sub === "run" ? "runs" : "installs"} a moving target; pin a release (${pkg}@vX.Y.Z)`,
              });
            }
          }
        }
      }
    }
    return out;
  },
};
