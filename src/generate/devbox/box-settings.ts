import type { DevboxSpec, Spec } from "../../spec/schema.js";
import { moduleEnv } from "../module-env.js";
import { str } from "./hcl.js";
import type { DevboxProvider } from "./providers/types.js";

/**
 * The devcontainer CLI the box pre-builds the dev container with: the release gopave's own
 * dev container proof runs (package.json's devDependency; a test keeps the two equal).
 */
export const DEVCONTAINER_CLI_VERSION = "0.89.0";

/** Debian/Ubuntu packages cloud-init installs before provision.sh runs. */
export function devboxPackages(devbox: DevboxSpec): string[] {
  const engine = devbox.engine === "docker" ? ["docker.io"] : ["podman", "podman-compose"];
  // golang-go only bootstraps: it downloads go.version. nodejs/npm run the devcontainer CLI.
  return ["git", "ca-certificates", "golang-go", "nodejs", "npm", ...engine];
}

/** The checkout on the box. */
export function devboxWorkspace(spec: Pick<Spec, "name">): string {
  return `/srv/dev/${spec.name}`;
}

/**
 * provision.sh's settings, as HCL expressions by name: what the spec fixes is literal, what each
 * developer may change is a variable. The spec's module settings follow, for the toolchain
 * download only (GOTOOLCHAIN is the download's own, so it is left out).
 */
export function provisionEnv(
  spec: Spec,
  devbox: DevboxSpec,
  provider: DevboxProvider,
): [string, string][] {
  return [
    ["DEVBOX_USER", "local.user"],
    ["DEVBOX_ENGINE", str(devbox.engine)],
    ["GO_VERSION", str(spec.go.version)],
    ["WORKSPACE", str(devboxWorkspace(spec))],
    ["REPO_URL", "var.repo_url"],
    ["REPO_REF", "var.repo_ref"],
    ["DATA_DEVICE", str(provider.dataDevice)],
    ["DEVCONTAINER_CLI", str(DEVCONTAINER_CLI_VERSION)],
    ...moduleEnv(spec)
      .filter(([k]) => k !== "GOTOOLCHAIN")
      .map(([k, v]): [string, string] => [k, str(v)]),
  ];
}
