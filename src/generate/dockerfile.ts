import { builderRef, nativeSources, planApp } from "./container/build-plan.js";
import {
  buildStageLines,
  debugBaseStage,
  debugStage,
  depsStages,
  liveStage,
  nativeSourceStage,
  runtimeStage,
} from "./container/stages.js";
import { wasmBuildStageLines, wasmExportStageLines } from "./container/wasm-stages.js";
import { tiltBuildsApps } from "./dev-loop.js";
import type { GenerateContext, GeneratedFile, Generator } from "./types.js";

/**
 * The multi-stage Dockerfile: cross-compiled app images, Delve debug targets and Tilt's live
 * targets (the dev container has its own, .devcontainer/Dockerfile). Stages only run when a target needs them, so their order
 * is for the reader, except the last one: the first app's image is what `docker build` makes.
 * wasm programs' export stages come before the app images; with no apps the first program's
 * export is the last stage. A library without wasm programs has nothing to build: no Dockerfile.
 */
export const generateDockerfile: Generator = (ctx: GenerateContext): GeneratedFile[] => {
  const { spec, repo, tools } = ctx;
  const builder = builderRef(spec);
  const plans = spec.apps.map((app) => planApp(spec, repo, app));
  const dlv = tools.find((t) => t.name === "dlv");
  const wasm = spec.wasm;
  if ((plans.length === 0 && wasm.length === 0) || spec.keep.dockerfile !== undefined) return [];
  const stages: string[][] = [];
  stages.push(depsStages(spec, repo, builder));
  stages.push(...nativeSources(spec).map((s) => nativeSourceStage(spec, repo, s)));
  stages.push(...plans.map((p) => buildStageLines(spec, p)));
  if (dlv && plans.length > 0) {
    stages.push(debugBaseStage(dlv));
    stages.push(...plans.map((p) => debugStage(spec, p)));
  }
  if (tiltBuildsApps(ctx)) stages.push(...plans.map((p, i) => liveStage(spec, p, i === 0)));
  stages.push(...wasm.map((p) => wasmBuildStageLines(spec, repo, p)));
  const exports = wasm.map(wasmExportStageLines);
  stages.push(...(plans.length > 0 ? exports : [...exports.slice(1), ...exports.slice(0, 1)]));
  stages.push(...[...plans.slice(1), ...plans.slice(0, 1)].map(runtimeStage));
  const text = ["# syntax=docker/dockerfile:1", ...stages.flatMap((s) => ["", ...s])].join("\n");
  return [{ path: "Dockerfile", format: "text", text: `${text}\n` }];
};
