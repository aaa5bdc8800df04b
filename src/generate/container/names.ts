import type { LocalReplacement } from "../types.js";

/**
 * Names other generated files depend on: the dev container builds target `dev`, compose builds the
 * app and debug targets, launch.json attaches to the Delve port. Kept in one place so they agree.
 */

/** Dockerfile target of the dev container image. */
export const DEV_TARGET = "dev";
/** Port Delve listens on inside a debug container (published on 127.0.0.1 only). */
export const DELVE_CONTAINER_PORT = 2345;
/** Module download stage, on the build machine's platform. */
export const DEPS_STAGE = "deps";
/** The source tree on top of the downloaded modules; pure-Go builds cross-compile from it. */
export const SRC_STAGE = "src";
/** Delve, installed once for every debug target. */
export const DEBUG_BASE_STAGE = "debug-base";
/** Where build stages put binaries. */
export const OUT_DIR = "/out";
/** The dev container user; uid 1000 matches the usual first user on Linux hosts. */
export const DEV_USER = { name: "vscode", uid: 1000, gid: 1000, home: "/home/vscode" } as const;
/** GOPATH of the official golang image. */
export const GOPATH = "/go";

export function buildStage(app: string): string {
  return `build-${app}`;
}

export function debugTarget(app: string): string {
  return `${app}-debug`;
}

/** The target Tilt builds an app from: its binary built in the source tree it rebuilds in place. */
export function liveTarget(app: string): string {
  return `${app}-live`;
}

/** Module directories outside the repo (go.work members, replacements): not in the build context. */
export function outsideDirs(
  moduleDirs: readonly string[],
  replacements: readonly LocalReplacement[] = [],
): string[] {
  const outside = (dir: string) => dir.startsWith("/") || dir === ".." || dir.startsWith("../");
  return [
    ...moduleDirs.filter(outside),
    ...replacements.filter((r) => !r.inRepo).map((r) => r.dir),
  ].sort();
}

/**
 * BuildKit named build contexts (`docker build --build-context NAME=DIR`) for module directories
 * outside the repo: `gomod-<last element>`, numbered when two share one.
 */
export function buildContextNames(dirs: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const dir of [...dirs].sort()) {
    const last =
      dir
        .split("/")
        .filter((p) => p !== "" && p !== "..")
        .at(-1) ?? "";
    const base = `gomod-${
      last
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "") || "dir"
    }`;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    names.set(dir, name);
  }
  return names;
}

/** The stage that compiles a wasm program for each of its targets. */
export function wasmBuildStage(program: string): string {
  return `build-${program}-wasm`;
}

/** The `FROM scratch` stage holding only a wasm program's files, for `--output`. */
export function wasmExportStage(program: string): string {
  return `${program}-wasm`;
}
