import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEVBOX_PROVIDERS, providerMirrorName } from "../../src/generate/devbox/providers/index.js";
import { cacheRoot } from "./test-cache.js";

// Keep in step with TERRAFORM_VERSION in .ci/run, which checks the one on PATH.
export const TERRAFORM_VERSION = "1.11.4";

/** The real Terraform (GOPAVE_TERRAFORM overrides PATH's); a missing one fails the test. */
export function terraformBinary(): string {
  const bin = process.env.GOPAVE_TERRAFORM ?? "terraform";
  const r = spawnSync(bin, ["version", "-json"], { encoding: "utf8", env: terraformEnv() });
  const version = r.status === 0 ? (JSON.parse(r.stdout) as { terraform_version: string }) : null;
  if (version?.terraform_version !== TERRAFORM_VERSION) {
    throw new Error(
      `Terraform ${TERRAFORM_VERSION} is needed (found ${version?.terraform_version ?? "none"} at ${bin}): put it on PATH or set GOPAVE_TERRAFORM`,
    );
  }
  return bin;
}

/**
 * The providers' filesystem mirror that .ci/run builds with `go build` from the module proxy (no
 * provider registry is reachable here), named after the versions gopave pins.
 */
export function providerMirror(): string {
  const dir = join(cacheRoot(), providerMirrorName());
  for (const p of DEVBOX_PROVIDERS) {
    const bin = join(
      dir,
      "registry.terraform.io",
      p.source,
      p.version,
      "linux_amd64",
      `terraform-provider-${p.name}_v${p.version}`,
    );
    if (!existsSync(bin))
      throw new Error(`provider ${p.source} ${p.version} is missing at ${bin}: run .ci/run`);
  }
  return dir;
}

let config: string | undefined;

/**
 * The environment Terraform runs in: a CLI config of its own that installs providers only from
 * the mirror, and no update checks.
 */
export function terraformEnv(): NodeJS.ProcessEnv {
  if (config === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "gopave-tfrc-"));
    config = join(dir, "terraformrc");
    writeFileSync(
      config,
      `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(providerMirror())}\n  }\n}\n`,
    );
  }
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: config,
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    NO_COLOR: "1",
  };
}
