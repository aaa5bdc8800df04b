import type { Rule, RuleFinding } from "../../types.js";
import type { Vars } from "./util/expand.js";
import { golangTagVersion, isAlpineTag, isGolangImage, isStaticRuntime } from "./util/image-ref.js";
import type { ImageRef } from "./util/image-ref.js";
import { buildsApp, runCommands, runGoCalls } from "./util/run-script.js";
import {
  chainOf,
  feedingStages,
  finalStage,
  lineOf,
  rootOf,
  stageGraph,
  walkChain,
} from "./util/stages.js";

const C_TOOLCHAIN = /^(?:gcc|g\+\+|clang|build-base|build-essential|musl-dev|libc6-dev|libc-dev)$/;
const INSTALLERS = new Set(["apk", "apt-get", "apt", "yum", "dnf", "microdnf"]);

export const DF005: Rule = {
  id: "DF005",
  severity: "error",
  title: "cgo not disabled for a binary that runs on a static image",
  doc: {
    why:
      "With cgo on (Go's default wherever a C compiler is installed, as in the Debian-based " +
      "golang images), a binary that uses net or os/user links against the builder's libc. " +
      "scratch and distroless static have no libc, so the container fails at start with a " +
      'misleading "no such file or directory".',
    fix:
      "Build with CGO_ENABLED=0 (in the RUN, or as ENV/ARG in the build stage). If you really " +
      "need cgo, run on distroless base or cc, which carry glibc. An alpine golang image with no " +
      "C compiler installed already builds without cgo and is not reported, nor is a GOARCH=wasm " +
      "build (a wasm module links no libc) exported from a scratch stage.",
    example: {
      file: "Dockerfile",
      bad:
        "FROM golang:1.26.8 AS build\nRUN go build -o /app .\n" +
        "FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\n",
      good:
        "FROM golang:1.26.8 AS build\nRUN CGO_ENABLED=0 go build -o /app .\n" +
        "FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const file of model.dockerfiles) {
      const graph = stageGraph(file);
      const last = finalStage(graph);
      const runtime = last && rootOf(last).image;
      if (!last || !runtime || !isStaticRuntime(runtime)) continue;
      const runtimeChain = new Set(chainOf(last));
      for (const stage of feedingStages(graph, last)) {
        if (runtimeChain.has(stage)) continue;
        const builder = rootOf(stage).image;
        let compiler = false;
        let goEnvCgo: string | undefined;
        walkChain(graph, stage, (ins, scope, owner) => {
          const calls = runGoCalls(ins);
          for (const call of calls) {
            const set = call.sub === "env" && call.args.find((a) => a.startsWith("CGO_ENABLED="));
            if (set && call.args.includes("-w")) goEnvCgo = set.slice("CGO_ENABLED=".length);
          }
          if (installsCompiler(runCommands(ins))) compiler = true;
          if (owner !== stage) return;
          for (const call of calls.filter(buildsApp)) {
            // A wasm module links no libc whatever CGO_ENABLED says (the wasm port has no cgo),
            // and what copies it into scratch is an artifact export, not a runtime image.
            if ((call.env.get("GOARCH") ?? scope.get("GOARCH")) === "wasm") continue;
            const cgo = call.env.get("CGO_ENABLED") ?? scope.get("CGO_ENABLED") ?? goEnvCgo;
            if (cgo === "0") continue;
            if (cgo === undefined && cgoOffByDefault(builder, compiler, scope)) continue;
            const state =
              cgo === undefined ? "does not set CGO_ENABLED=0" : `sets CGO_ENABLED=${cgo}`;
            out.push({
              file: file.path,
              line: lineOf(ins),
              message:
                `go ${call.sub} in stage "${stage.name ?? stage.index}" ${state}, but the binary ` +
                `runs on ${runtime.raw}, which has no libc: a cgo-linked binary will not start ` +
                "there; build with CGO_ENABLED=0",
              related: [{ file: file.path, line: last.line, message: "the static runtime stage" }],
            });
          }
        });
      }
    }
    return out;
  },
};

function installsCompiler(commands: readonly string[][]): boolean {
  return commands.some((w) => INSTALLERS.has(w[0] ?? "") && w.some((x) => C_TOOLCHAIN.test(x)));
}

/**
 * Since Go 1.20 the go command turns cgo off when CGO_ENABLED and CC are unset and no C compiler
 * is on PATH — the case of an alpine golang image nobody installed gcc into.
 */
function cgoOffByDefault(builder: ImageRef | undefined, compiler: boolean, scope: Vars): boolean {
  if (!builder || !isGolangImage(builder) || !isAlpineTag(builder)) return false;
  if (compiler || scope.get("CC") !== undefined) return false;
  const v = golangTagVersion(builder.tag);
  const m = v === undefined ? undefined : /^(\d+)\.(\d+)/.exec(v);
  return !m || Number(m[1]) > 1 || Number(m[2]) >= 20;
}
