import { compareGoVersions } from "../gomod/go-version.js";
import type { Spec, WasmProgram } from "./schema.js";

/** The GOOS values Go's wasm port runs under; GOARCH is always wasm. */
export const WASM_TARGETS = ["js", "wasip1"] as const;
export type WasmTarget = (typeof WASM_TARGETS)[number];

/** GOOS=wasip1 first shipped in Go 1.21. */
export const WASIP1_SINCE = "1.21.0";

/** The WASI runtime the wasip1 legs run tests under (go_wasip1_wasm_exec's GOWASIRUNTIME). */
export const WASI_RUNTIME = "wazero";

/**
 * Where the toolchain keeps wasm_exec.js and the go_*_wasm_exec runners, relative to GOROOT.
 * Go 1.24 moved them from misc/wasm to lib/wasm; a path from the wrong release finds nothing.
 */
export function wasmSupportDir(goVersion: string): string {
  return compareGoVersions(goVersion, "1.24.0") >= 0 ? "lib/wasm" : "misc/wasm";
}

/** The targets the spec's programs build for, in WASM_TARGETS order. */
export function wasmTargets(spec: Pick<Spec, "wasm">): WasmTarget[] {
  return WASM_TARGETS.filter((t) => spec.wasm.some((p) => p.targets.includes(t)));
}

export function programsFor(spec: Pick<Spec, "wasm">, target: WasmTarget): WasmProgram[] {
  return spec.wasm.filter((p) => p.targets.includes(target));
}

/**
 * The packages `go test` runs for a target: every program's `test` list (default: `fallback`,
 * every package of the repo), without repeats, in spec order.
 */
export function wasmTestPatterns(
  spec: Pick<Spec, "wasm">,
  target: WasmTarget,
  fallback: readonly string[],
): string[] {
  // Repeats are dropped, overlaps kept: in a go.work repo "./..." stops at nested modules, so
  // whether one pattern covers another is the go command's call, not a string comparison.
  return [...new Set(programsFor(spec, target).flatMap((p) => p.test ?? fallback))];
}

/** The artifact a program's build writes, relative to the output root: `<target>/<name>.wasm`. */
export function wasmArtifact(program: WasmProgram, target: WasmTarget): string {
  return `${target}/${program.name}.wasm`;
}

/** The directory VS Code's build tasks write to; the Docker export stage has the same layout. */
export const WASM_OUT_DIR = "dist/wasm";
