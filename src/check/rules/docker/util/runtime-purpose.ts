import { posix } from "node:path";
import type { DockerfileModel, RepoModel } from "../../../types.js";
import { dockerfileRole } from "./image-role.js";
import { idles } from "./compose.js";
import { imageEntrypointCmd, isDevContainerDockerfile, runsDelve } from "./repo.js";
import { expandVars } from "./expand.js";
import { runCommands } from "./run-script.js";
import { contextCopy } from "./sources.js";
import { chainOf, finalStage, scopeAtEnd, stageGraph, walkChain } from "./stages.js";
import type { Stage, StageGraph } from "./stages.js";

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
  if (idles(words)) {
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
export function dropsPrivileges(
  model: RepoModel,
  file: DockerfileModel,
  last = finalStage(stageGraph(file)),
): boolean {
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
  const { entrypoint, cmd } = imageEntrypointCmd(last);
  const script = startScript(entrypoint.length > 0 ? entrypoint : cmd);
  const text = script === undefined ? undefined : repoFileFor(model, file, last, script);
  return text !== undefined && DROPS.test(text);
}

const INITS = /(?:^|\/)(?:tini|tini-static|dumb-init|catatonit)$/;

/**
 * The script a command starts: its first word, past an init (`tini --`, `dumb-init`) and a
 * shell that runs a script file (`sh /entrypoint.sh`, not `sh -c`).
 */
function startScript(words: readonly string[]): string | undefined {
  let i = 0;
  if (INITS.test(words[i] ?? "")) {
    i++;
    while (words[i]?.startsWith("-")) if (words[i++] === "--") break;
  }
  if (SHELLS.test(words[i] ?? "") && words[i + 1] !== undefined && !words[i + 1]?.startsWith("-"))
    i++;
  return words[i];
}

interface ContextCopy {
  sources: string[];
  /** Absolute, normalized. */
  dest: string;
  /** Several sources or a trailing slash: the destination is a directory. */
  intoDir: boolean;
}

/**
 * The repo file an image path most likely came from. First through the COPY/ADD instructions
 * from the build context in the final stage's chain, the last one that puts something at the
 * path winning: a file copied to it (or into its directory), or a directory copied above it
 * (`COPY /scripts/dist/ /scripts/` puts scripts/dist/entrypoint.sh at /scripts/entrypoint.sh).
 * Sources are relative to the contexts the repo builds the Dockerfile with, else to the
 * Dockerfile's directory or the repo root. Failing that, the longest suffix of the path that
 * exists beside the Dockerfile or at the repo root (`/usr/local/app/entrypoint.sh` ->
 * `entrypoint.sh`).
 */
function repoFileFor(
  model: RepoModel,
  file: DockerfileModel,
  last: Stage,
  path: string,
): string | undefined {
  const read = (p: string) => model.readFile?.(posix.normalize(p));
  const { copies, workdir } = contextCopies(stageGraph(file), last);
  const target = posix.isAbsolute(path)
    ? posix.normalize(path)
    : workdir === undefined
      ? undefined
      : posix.join(workdir, path);
  if (target !== undefined) {
    const contexts = [
      ...new Set(
        model.builds.flatMap((b) =>
          b.dockerfile === file.path && b.context !== undefined ? [b.context] : [],
        ),
      ),
    ];
    if (contexts.length === 0) contexts.push(posix.dirname(file.path), ".");
    for (const copy of [...copies].reverse()) {
      for (const source of copySourcesFor(copy, target)) {
        for (const ctx of contexts) {
          const text = read(posix.join(ctx, source));
          if (text !== undefined) return text;
        }
      }
    }
  }
  const parts = path
    .replace(/^\.?\/+/, "")
    .split("/")
    .filter((p) => p !== "" && p !== ".");
  const dir = posix.dirname(file.path);
  for (let i = 0; i < parts.length; i++) {
    const rest = parts.slice(i).join("/");
    for (const base of [dir, "."]) {
      const text = read(posix.join(base, rest));
      if (text !== undefined) return text;
    }
  }
  return undefined;
}

/** The chain's COPY/ADD from the context with absolute destinations, and the final WORKDIR. */
function contextCopies(
  graph: StageGraph,
  last: Stage,
): { copies: ContextCopy[]; workdir: string | undefined } {
  const copies: ContextCopy[] = [];
  // undefined once a WORKDIR names a variable with no known value.
  let workdir: string | undefined = "/";
  walkChain(graph, last, (ins, scope) => {
    const keyword = ins.getKeyword();
    if (keyword === "WORKDIR") {
      const e = expandVars(ins.getArgumentsContent() ?? "", scope);
      const dir = e.value.trim();
      if (!e.resolved) workdir = undefined;
      else if (posix.isAbsolute(dir)) workdir = posix.normalize(dir);
      else if (workdir !== undefined) workdir = posix.join(workdir, dir);
      return;
    }
    const copy = contextCopy(ins);
    if (!copy || copy.sources.length === 0) return;
    const e = expandVars(copy.dest, scope);
    if (!e.resolved) return;
    const dest = posix.isAbsolute(e.value)
      ? posix.normalize(e.value)
      : workdir === undefined
        ? undefined
        : posix.join(workdir, e.value);
    if (dest === undefined) return;
    const sources = copy.sources.map((src) => expandVars(src, scope).value);
    const intoDir = copy.sources.length > 1 || /\/\.?$/.test(e.value);
    copies.push({ sources, dest: dest.replace(/(.)\/+$/, "$1"), intoDir });
  });
  return { copies, workdir };
}

/** Context paths (no leading slash) that a COPY would have put at `target`, if any. */
function copySourcesFor(copy: ContextCopy, target: string): string[] {
  const out: string[] = [];
  for (const src of copy.sources) {
    const source = posix.normalize(src.replace(/^\/+/, "") || ".").replace(/\/+$/, "");
    const under = copy.dest === "/" ? "/" : `${copy.dest}/`;
    if (/[*?[]/.test(source)) {
      // `COPY scripts/*.sh /usr/local/bin/`: the matching files land in the destination.
      const name = posix.basename(target);
      if (posix.dirname(target) === copy.dest && globRegExp(posix.basename(source)).test(name)) {
        out.push(posix.join(posix.dirname(source), name));
      }
      continue;
    }
    // A directory's contents go under the destination.
    if (target.startsWith(under)) out.push(posix.join(source, target.slice(under.length)));
    // A file goes to the destination, or into it when it is a directory.
    const fileAt = copy.intoDir ? posix.join(copy.dest, posix.basename(source)) : copy.dest;
    if (fileAt === target) out.push(source);
  }
  return out;
}

function globRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|\\]/g, "\\$&")
    .replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]");
  return new RegExp(`^${body}$`);
}
