import type { Spec } from "../spec/schema.js";
import { outsideContexts } from "./container/stages.js";
import { resolveServices } from "./service-env.js";
import type { GenerateContext } from "./types.js";

/**
 * Whether the repo gets a Tiltfile: as the spec says, else when apps run beside backing services
 * (the stack Tilt orders and rebuilds; an app alone is `go run`).
 */
export function tiltLoop(spec: Spec): boolean {
  if (spec.dev.loop !== undefined) return spec.dev.loop === "tilt";
  return spec.apps.length > 0 && resolveServices(spec).length > 0;
}

/**
 * Whether Tilt builds the apps itself, from the generated Dockerfile's live targets with
 * live_update. A kept Dockerfile has no such targets, a kept compose file names its own images,
 * and docker_build has no named build contexts (for modules outside the repo): there Tilt runs
 * compose's own builds.
 */
export function tiltBuildsApps(ctx: GenerateContext): boolean {
  const { spec } = ctx;
  return (
    tiltLoop(spec) &&
    spec.apps.length > 0 &&
    spec.keep.dockerfile === undefined &&
    spec.keep.compose === undefined &&
    outsideContexts(ctx.repo).size === 0
  );
}

/**
 * The image the Compose CLI runs an app's service from: `<project>-<service>` when the file names
 * none. Tilt guesses `<project>_<service>` (an older compose's name), so the Tiltfile names this
 * one for it, and Tilt's build lands where compose looks.
 */
export function appImageName(project: string, app: string): string {
  return `${project}-${app}`;
}
