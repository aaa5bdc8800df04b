import type { DockerfileModel, RepoModel } from "../../../types.js";
import { dockerfileRole } from "./image-role.js";
import { imageEntrypointCmd, isDevContainerDockerfile, runsDelve } from "./repo.js";
import { runCommands } from "./run-script.js";
import { chainOf, finalStage, stageGraph } from "./stages.js";

/**
 * Why a Dockerfile's final image is not a service that gets deployed, if it is not: production
 * rules such as DF001 and DF006 leave those alone.
 */

const SHELLS = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash|zsh|busybox\/sh)$/;
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
  return undefined;
}

/**
 * The image starts as root to hand over to another user: it installs su-exec, gosu or setpriv,
 * which an entrypoint uses to drop privileges after fixing volume permissions.
 */
export function dropsPrivileges(file: DockerfileModel): boolean {
  const last = finalStage(stageGraph(file));
  if (!last) return false;
  return chainOf(last).some((s) =>
    s.instructions.some((ins) => {
      const text =
        ins.getKeyword() === "RUN"
          ? runCommands(ins).flat().join(" ")
          : ins.getKeyword() === "COPY" || ins.getKeyword() === "ADD"
            ? (ins.getArgumentsContent() ?? "")
            : "";
      return /\b(?:su-exec|gosu|setpriv|chpst)\b/.test(text);
    }),
  );
}
