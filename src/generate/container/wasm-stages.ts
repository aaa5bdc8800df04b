import type { Spec, WasmProgram } from "../../spec/schema.js";
import { wasmArtifact, wasmSupportDir, WASM_OUT_DIR } from "../../spec/wasm.js";
import type { WasmTarget } from "../../spec/wasm.js";
import type { RepoFacts } from "../types.js";
import { OUT_DIR, SRC_STAGE, wasmBuildStage, wasmExportStage } from "./names.js";
import { shellWord } from "./quote.js";
import { BUILD_CACHE, fetchMounts, MOD_CACHE, run } from "./stages.js";

/**
 * The go build of one program for one target, as the Dockerfile runs it. js builds also copy the
 * wasm_exec.js of the very toolchain that compiled them: the glue and the runtime must match.
 */
export function wasmBuildCommands(
  spec: Spec,
  repo: RepoFacts,
  program: WasmProgram,
  outRoot: string,
  only?: WasmTarget,
): string[] {
  const vendor = repo.vendor ? " -mod=vendor" : "";
  const targets = program.targets.filter((t) => only === undefined || t === only);
  return targets.flatMap((target) => {
    const out = `${outRoot}/${wasmArtifact(program, target)}`;
    const build = `GOOS=${target} GOARCH=wasm go build -trimpath -ldflags=-s${vendor} -o ${shellWord(out)} ${shellWord(program.main)}`;
    if (target !== "js") return [build];
    const glue = `"$(go env GOROOT)/${wasmSupportDir(spec.go.version)}/wasm_exec.js"`;
    return [build, `cp ${glue} ${shellWord(`${outRoot}/${target}/`)}`];
  });
}

/**
 * A wasm program's build stage (on the build platform: a .wasm file is the same whatever the
 * image platform) and its `FROM scratch` export stage, which holds nothing but the artifacts, so
 * `docker build --target <name>-wasm --output type=local,dest=dist/wasm .` writes just them.
 */
export function wasmBuildStageLines(spec: Spec, repo: RepoFacts, program: WasmProgram): string[] {
  const mounts = repo.vendor ? [BUILD_CACHE] : [MOD_CACHE, BUILD_CACHE, ...fetchMounts(spec)];
  const commands = wasmBuildCommands(spec, repo, program, OUT_DIR);
  return [
    `FROM ${SRC_STAGE} AS ${wasmBuildStage(program.name)}`,
    ...run(
      mounts,
      commands.map((c, i) => (i === 0 ? c : `&& ${c}`)),
    ),
  ];
}

export function wasmExportStageLines(program: WasmProgram): string[] {
  return [
    `# docker build --target ${wasmExportStage(program.name)} --output type=local,dest=${WASM_OUT_DIR} .`,
    `FROM scratch AS ${wasmExportStage(program.name)}`,
    `COPY --from=${wasmBuildStage(program.name)} ${OUT_DIR}/ /`,
  ];
}
