import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar } from "yaml";
import type { Document } from "yaml";
import { defaultToolPin } from "../../src/spec/tools.js";
import { composeBinary } from "./compose-cli.js";
import type { Podman, Run } from "./podman.js";

/**
 * The real devcontainer CLI (pinned in devDependencies) on the test's rootful podman, for the
 * dev container proof and its bench.
 */

const ROOT = join(import.meta.dirname, "..", "..");
export const DEVCONTAINER = join(ROOT, "node_modules", ".bin", "devcontainer");

/** What `devcontainer up` prints last, on success. */
export interface Up {
  outcome: string;
  containerId: string;
  composeProjectName?: string;
  remoteUser: string;
  remoteWorkspaceFolder: string;
}

export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { ...opts, maxBuffer: 256 << 20 }, (err, stdout, stderr) =>
      err
        ? reject(
            new Error(
              `${cmd} ${args.join(" ")}: ${err.message}\n${stdout}\n${stderr.slice(-8000)}`,
            ),
          )
        : resolve({ stdout, stderr }),
    );
  });
}

/** Fails with what to do when the pinned CLI or the Compose CLI is missing. */
export async function requireDevcontainerCli(): Promise<void> {
  await run(DEVCONTAINER, ["--version"]).catch((e: Error) => {
    throw new Error(
      `${DEVCONTAINER} does not run (npm ci installs @devcontainers/cli): ${e.message}`,
    );
  });
  composeBinary();
}

/**
 * The podman the CLI runs, written into `dir`. (1) devcontainer CLI 0.89 adds --userns=keep-id
 * whenever the remote user is not root (devcontainers/cli#1004), and rootful podman refuses it
 * ("keep-id is only supported in rootless mode"); with no user namespace, ids are the container's
 * own anyway. (2) The CLI passes its own uid (0 here) to its uid-update image:
 * GOPAVE_PROOF_HOST_UID stands in for the uid of a developer who is not root.
 */
function podmanWrapper(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "podman");
  writeFileSync(
    path,
    [
      "#!/bin/sh",
      "for a do",
      "  shift",
      '  case "$a" in',
      "    --userns=keep-id) ;;",
      '    NEW_UID=0) set -- "$@" "NEW_UID=${GOPAVE_PROOF_HOST_UID:-0}" ;;',
      '    NEW_GID=0) set -- "$@" "NEW_GID=${GOPAVE_PROOF_HOST_UID:-0}" ;;',
      '    *) set -- "$@" "$a" ;;',
      "  esac",
      "done",
      'exec podman "$@"',
      "",
    ].join("\n"),
  );
  chmodSync(path, 0o755);
  return path;
}

export type DevcontainerCli = (
  repo: string,
  verb: "up" | "exec",
  args: string[],
  hostUid?: number,
) => Promise<Run>;

/** The CLI on `pm`, with its podman wrapper in `binDir`. */
export function devcontainerCli(pm: Podman, binDir: string): DevcontainerCli {
  const podman = podmanWrapper(binDir);
  return (repo, verb, args, hostUid) =>
    run(
      DEVCONTAINER,
      [
        verb,
        "--docker-path",
        podman,
        "--docker-compose-path",
        composeBinary(),
        "--workspace-folder",
        repo,
        ...args,
      ],
      {
        env: {
          ...pm.env,
          ...(hostUid === undefined ? {} : { GOPAVE_PROOF_HOST_UID: String(hostUid) }),
        },
      },
    );
}

/** This machine's Go release (what the golang stand-in carries), without the "go" prefix. */
export async function machineGo(): Promise<string> {
  const { stdout } = await run("go", ["env", "GOVERSION"], {
    env: { ...process.env, GOTOOLCHAIN: "local" },
  });
  return stdout.trim().slice(2);
}

/**
 * Sets a spec's Go to `version`, with the tool pins `init` gives that release, as if go.mod had
 * named it: how a fixture written for another Go runs on the stand-in.
 */
export function pinGo(doc: Document, version: string): void {
  doc.setIn(["go", "version"], version);
  const tools = doc.get("tools");
  if (!isMap(tools)) throw new Error("the gopave.yaml pins no tools");
  for (const { key } of tools.items) {
    const name = String(isScalar(key) ? key.value : key);
    const pin = defaultToolPin(name, version).version;
    if (!pin) throw new Error(`gopave has no ${name} pin for Go ${version}`);
    doc.setIn(["tools", name], pin);
  }
}
