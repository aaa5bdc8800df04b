import { existsSync } from "node:fs";
import { join } from "node:path";
import { cacheRoot } from "./test-cache.js";

// Keep in step with COMPOSE_VERSION in .ci/run.
export const COMPOSE_VERSION = "v2.40.3";

/**
 * The real Compose CLI, which .ci/run builds from its module source into the CI cache
 * (GOPAVE_COMPOSE overrides where it is). It runs as a docker CLI plugin or on its own.
 */
export function composeBinary(): string {
  const bin =
    process.env.GOPAVE_COMPOSE ?? join(cacheRoot(), `compose-${COMPOSE_VERSION}`, "docker-compose");
  if (!existsSync(bin)) {
    throw new Error(
      `the Compose CLI is missing at ${bin}: run .ci/run, which builds it from the module source, or set GOPAVE_COMPOSE`,
    );
  }
  return bin;
}
