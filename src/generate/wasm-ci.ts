import {
  programsFor,
  wasmSupportDir,
  wasmTargets,
  wasmTestPatterns,
  WASI_RUNTIME,
  WASM_OUT_DIR,
} from "../spec/wasm.js";
import type { WasmTarget } from "../spec/wasm.js";
import { wasmBuildCommands } from "./container/wasm-stages.js";
import { packagePatterns } from "./github-workflow.js";
import type { GenerateContext } from "./types.js";

/**
 * One CI leg per wasm target, as commands both CI generators (and the editor's tasks) run, so the
 * GitHub job, the GitLab job and the tests that run these commands cannot drift apart.
 */
export interface WasmLeg {
  target: WasmTarget;
  /** Job name: wasm-js, wasm-wasip1. */
  job: string;
  /** Variables for the vet, test and build commands. */
  env: Record<string, string>;
  /** Installs the runtime the tests need (wazero for wasip1), if any. */
  install: string | undefined;
  vet: string;
  test: string;
  /** Builds every program of the target into dist/wasm, as the Dockerfile's stage does. */
  build: string[];
}

/**
 * The go command runs a test binary for another GOOS/GOARCH through `go_<goos>_<goarch>_exec` when
 * one is on PATH: the toolchain ships both (js under Node, wasip1 under GOWASIRUNTIME) in its wasm
 * support directory. wazero is installed by `go install` into GOPATH/bin, which GitLab's
 * project-local GOPATH keeps off PATH, so both go first.
 */
export function wasmTestPath(goVersion: string, target: WasmTarget): string {
  const support = `$(go env GOROOT)/${wasmSupportDir(goVersion)}`;
  return target === "wasip1" ? `${support}:$(go env GOPATH)/bin:$PATH` : `${support}:$PATH`;
}

export function wasmLegs(ctx: GenerateContext): WasmLeg[] {
  const { spec, repo } = ctx;
  const wazero = ctx.tools.find((t) => t.name === "wazero");
  return wasmTargets(spec).map((target) => {
    const patterns = wasmTestPatterns(spec, target, packagePatterns(repo)).join(" ");
    return {
      target,
      job: `wasm-${target}`,
      env: {
        GOOS: target,
        GOARCH: "wasm",
        ...(target === "wasip1" ? { GOWASIRUNTIME: WASI_RUNTIME } : {}),
      },
      install:
        target === "wasip1" && wazero
          ? `go install ${wazero.package}@${wazero.version}`
          : undefined,
      vet: `go vet ${patterns}`,
      test: `PATH="${wasmTestPath(spec.go.version, target)}" go test ${patterns}`,
      // Every js program copies the same wasm_exec.js into the same directory: once is enough.
      build: [
        ...new Set(
          programsFor(spec, target).flatMap((p) =>
            wasmBuildCommands(spec, repo, p, WASM_OUT_DIR, target),
          ),
        ),
      ],
    };
  });
}
