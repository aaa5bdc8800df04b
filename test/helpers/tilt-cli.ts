import { existsSync } from "node:fs";
import { join } from "node:path";
import { cacheRoot } from "./test-cache.js";

// Keep in step with TILT_VERSION in .ci/run.
export const TILT_VERSION = "v0.34.0";

/**
 * The real Tilt, which .ci/run builds from its module source into the CI cache (GOPAVE_TILT
 * overrides where it is): `go install` refuses its module, whose go.mod has replace directives.
 */
export function tiltBinary(): string {
  const bin = process.env.GOPAVE_TILT ?? join(cacheRoot(), `tilt-${TILT_VERSION}`, "tilt");
  if (!existsSync(bin)) {
    throw new Error(
      `Tilt is missing at ${bin}: run .ci/run, which builds it from the module source, or set GOPAVE_TILT`,
    );
  }
  return bin;
}
