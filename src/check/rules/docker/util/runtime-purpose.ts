import { posix } from "node:path";
import type { DockerfileModel, RepoModel } from "../../../types.js";
import { dockerfileRole } from "./image-role.js";
import { imageEntrypointCmd, isDevContainerDockerfile, runsDelve } from "./repo.js";
import { runCommands } from "./run-script.js";
import { chainOf, finalStage, scopeAtEnd, stageGraph } from "./stages.js";

/**
 * Why a Dockerfile's final image is not a service that gets deployed, if it is not: production
 * rules such as DF001 and DF006 leave those alone.
 */

const SHELLS = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash|zsh|busybox\/sh)$/;
/** Variables frameworks read to run in development mode (NODE_ENV=development and kin). */
const DEV_ENV_NAMES = ["NODE_ENV", "APP_ENV", "GO_ENV", "RAILS_ENV", "ENVIRONMENT"];
/** Commands that rebuild the app from source when it changes: a development image. */
const RELOADERS = /(?:^|\/)(?:reflex|air|CompileDaemon|gow|modd|watchexec|nodemon|realize)$/;

export function notADeployedService(model: RepoModel, file: DockerfileModel): string | undefined {
  if (isDevContainerDockerfile(file.path)) return "a dev container image";
  const role = dockerfileRole(model, file);
  if (role) return `a ${role.role} image (${role.why})`;
  const last = finalStage(stageGraph(file));
  if (!last) return undefined;
  const { entrypoint, cmd } = imageEntrypointCmd(last);
  const words = [...entrypoint, ...cmd];
  if (runsDelve(words)) return "a Delve debug image";
  if (words.length === 0) {
    // Nothing to run: a base image others build FROM, an OLM bundle, a builder a script runs.
    return "an image that names no command (a base, bundle or tool image)";
  }
  const first = words[0] ?? "";
  if (words.length === 1 && SHELLS.test(first)) return "a shell image for interactive use";
  const joined = words.join(" ");
  if (/^(?:\S*\/)?tail -f \/dev\/null$|^(?:\S*\/)?sleep infinity$/.test(joined)) {
    return "an image that only idles (a container to exec into)";
  }
  if (RELOADERS.test(first) || (/(?:^|\/)go$/.test(first) && words[1] === "run")) {
    return "a development image that builds the app when it starts";
  }
  const scope = scopeAtEnd(stageGraph(file), last);
  for (const name of DEV_ENV_NAMES) {
    const v = scope.get(name);
    if (v !== undefined && /^dev(?:elop(?:ment)?)?$/i.test(v))
      return `a development image (${name}=${v})`;
  }
  return undefined;
}

const DROPS =
  /\b(?:su-exec|gosu|setpriv|runuser|chpst)\b|\bsu\s+(?:-\S*\s+)*["$\w.-]+\s+-c\b|\bchroot\s+--userspec\b/;

/**
 * The image starts as root to hand over to another user: it installs su-exec, gosu or setpriv,
 * or its entrypoint script (found in the repo) switches user with one of them or `su … -c`,
 * typically after fixing the ownership of a mounted volume.
 */
export function dropsPrivileges(model: RepoModel, file: DockerfileModel): boolean {
  const last = finalStage(stageGraph(file));
  if (!last) return false;
  const installs = chainOf(last).some((s) =>
    s.instructions.some((ins) => {
      const text =
        ins.getKeyword() === "RUN"
          ? runCommands(ins).flat().join(" ")
          : ins.getKeyword() === "COPY" || ins.getKeyword() === "ADD"
            ? (ins.getArgumentsContent() ?? "")
            : "";
      return /\b(?:su-exec|gosu|setpriv)\b/.test(text);
    }),
  );
  if (installs) return true;
  const script = imageEntrypointCmd(last).entrypoint[0];
  const text = script === undefined ? undefined : repoFileFor(model, file, script);
  return text !== undefined && DROPS.test(text);
}

/**
 * The repo file an image path most likely came from: the longest suffix of the path that exists
 * beside the Dockerfile or at the repo root (`/usr/local/app/entrypoint.sh` -> `entrypoint.sh`).
 */
function repoFileFor(model: RepoModel, file: DockerfileModel, path: string): string | undefined {
  const parts = path
    .replace(/^\.?\/+/, "")
    .split("/")
    .filter((p) => p !== "" && p !== ".");
  const dir = posix.dirname(file.path);
  for (let i = 0; i < parts.length; i++) {
    const rest = parts.slice(i).join("/");
    for (const base of [dir, "."]) {
      const text = model.readFile?.(posix.normalize(posix.join(base, rest)));
      if (text !== undefined) return text;
    }
  }
  return undefined;
}
