import { builderRef } from "./container/build-plan.js";
import { devStage } from "./container/stages.js";
import type { GenerateContext, GeneratedFile, Generator } from "./types.js";

export const DEVCONTAINER_DOCKERFILE = ".devcontainer/Dockerfile";

/**
 * The dev container's image, in a file of its own so it works whatever the repo's own Dockerfile
 * is (a hand-written one gopave leaves alone has no `dev` stage to build).
 */
export const generateDevcontainerDockerfile: Generator = (
  ctx: GenerateContext,
): GeneratedFile[] => {
  if (ctx.spec.keep.devcontainer !== undefined) return [];
  const lines = [
    "# syntax=docker/dockerfile:1",
    "",
    ...devStage(ctx.spec, ctx.tools, builderRef(ctx.spec)),
  ];
  return [{ path: DEVCONTAINER_DOCKERFILE, format: "text", text: `${lines.join("\n")}\n` }];
};
