import { posix } from "node:path";
import type { DockerfileModel, GoModModel, RepoModel, StructuredFile } from "../../../types.js";
import type { ComposeService } from "./compose.js";
import { composeServices, idles, isIdle, isRecord, serviceImage, words } from "./compose.js";
import { buildsOfImage, imageMatches, ownImageBeside } from "./local-images.js";
import { commandWords } from "./run-script.js";
import { chainOf, finalStage, rootOf, stageGraph } from "./stages.js";
import type { Stage } from "./stages.js";

/** Links between a repo's Dockerfiles, compose files and go.mod files. */

/** Dev container images are meant to carry the toolchain and a shell user. */
export function isDevContainerDockerfile(path: string): boolean {
  return path.startsWith(".devcontainer/") || path.includes("/.devcontainer/");
}

/** The go.mod a Dockerfile most likely builds: the one beside it, else the repo root's. */
export function goModFor(model: RepoModel, dockerfilePath: string): GoModModel | undefined {
  const dir = posix.dirname(dockerfilePath);
  return model.gomods.find((m) => m.dir === dir) ?? model.gomods.find((m) => m.dir === ".");
}

export interface ServiceBuild {
  dockerfile: DockerfileModel;
  /** The stage the service builds: its `target`, else the last one. */
  stage: Stage | undefined;
  /** Context directory relative to the repo root. */
  context: string;
}

/**
 * The Dockerfile a compose service builds. Relative paths resolve against the compose file's
 * directory, or the repo root when the file is an override merged into a root compose file
 * (the dev container's compose files are).
 */
export function serviceBuild(
  model: RepoModel,
  compose: StructuredFile,
  service: ComposeService,
): ServiceBuild | undefined {
  const build = service.data.build;
  const spec = typeof build === "string" ? { context: build } : isRecord(build) ? build : undefined;
  if (!spec) return undefined;
  const context = typeof spec.context === "string" ? spec.context : ".";
  const name = typeof spec.dockerfile === "string" ? spec.dockerfile : "Dockerfile";
  if (posix.isAbsolute(context) || posix.isAbsolute(name) || /^[a-z]+:\/\//i.test(context)) {
    return undefined;
  }
  for (const base of [posix.dirname(compose.path), "."]) {
    const ctx = posix.normalize(posix.join(base, context));
    const path = posix.normalize(posix.join(ctx, name));
    const dockerfile = model.dockerfiles.find((d) => d.path === path);
    if (!dockerfile) continue;
    const graph = stageGraph(dockerfile);
    const target = typeof spec.target === "string" ? spec.target.toLowerCase() : undefined;
    const stage = target ? graph.stages.find((s) => s.name === target) : finalStage(graph);
    return { dockerfile, stage, context: ctx };
  }
  return undefined;
}

export interface RunningService {
  compose: StructuredFile;
  service: ComposeService;
}

/**
 * The compose services that run a Dockerfile's stage (its final one unless told): those that
 * `build:` it, and those without `build:` whose `image:` is a name the repo's builds of the
 * Dockerfile tag, or an image of the repo's own namespace beside it (ownImageBeside).
 */
export function servicesRunning(
  model: RepoModel,
  file: DockerfileModel,
  stage = finalStage(stageGraph(file)),
): RunningService[] {
  const last = finalStage(stageGraph(file));
  // The names of builds of that stage: a build's `--target`, else the last stage.
  const names = model.builds.flatMap((b) =>
    b.dockerfile === file.path &&
    (b.target === undefined ? stage === last : b.target.toLowerCase() === stage?.name)
      ? b.images
      : [],
  );
  const out: RunningService[] = [];
  for (const compose of model.composes) {
    for (const service of composeServices(compose)) {
      if (service.data.build !== undefined) {
        const built = serviceBuild(model, compose, service);
        if (built?.dockerfile === file && built.stage === stage) out.push({ compose, service });
        continue;
      }
      const image = serviceImage(service);
      if (image === undefined) continue;
      if (
        names.some((n) => imageMatches(n, image)) ||
        (stage === last && ownImageBeside(model, image, compose.path, file.path))
      ) {
        out.push({ compose, service });
      }
    }
  }
  return out;
}

/** The last ENTRYPOINT and CMD of a stage's chain, as words. */
export function imageEntrypointCmd(stage: Stage): { entrypoint: string[]; cmd: string[] } {
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  for (const s of chainOf(stage)) {
    for (const ins of s.instructions) {
      if (ins.getKeyword() === "ENTRYPOINT") entrypoint = commandWords(ins).words;
      else if (ins.getKeyword() === "CMD") cmd = commandWords(ins).words;
    }
  }
  return { entrypoint, cmd };
}

/** What a stage's image starts: its ENTRYPOINT followed by its CMD. */
export function imageCommand(stage: Stage): string[] {
  const { entrypoint, cmd } = imageEntrypointCmd(stage);
  return [...entrypoint, ...cmd];
}

/** Whether words start Delve (`dlv`, `/go/bin/dlv`, `sh -c "dlv ..."` split into words). */
export function runsDelve(words: readonly string[]): boolean {
  return words.some((w) => /(?:^|\/)dlv$/.test(w) || /(?:^|[\s/;&|])dlv\s/.test(w));
}

/** The port of Delve's `--listen`/`-l` in a command line, if given. */
export function delveListenPort(words: readonly string[]): number | undefined {
  const joined = words.join(" ");
  const m = /(?:--listen|-l)(?:=|\s+)(\S+)/.exec(joined);
  const port = m?.[1] ? /:(\d+)$/.exec(m[1])?.[1] : undefined;
  return port === undefined ? undefined : Number(port);
}

/**
 * Whether a compose service only idles (a development container to exec into): its own
 * `command`, else the CMD of the image it builds or runs — followed through the repo's own base
 * images when a Dockerfile sets none (photoprism's dev service builds FROM photoprism/develop,
 * whose Dockerfile ends with `CMD ["tail", "-f", "/dev/null"]`). An entrypoint script before an
 * idle CMD runs it after its set-up.
 */
export function serviceIdles(
  model: RepoModel,
  compose: StructuredFile,
  service: ComposeService,
): boolean {
  if (isIdle(service)) return true;
  if (words(service.data.command) !== undefined) return false;
  if (words(service.data.entrypoint) !== undefined) return false;
  let stage = serviceBuild(model, compose, service)?.stage;
  const image = serviceImage(service);
  if (!stage && image !== undefined) stage = stageOfImage(model, image);
  const cmd = stage ? inheritedCommand(model, stage, 0) : undefined;
  return cmd !== undefined && idles(cmd);
}

/** The stage the repo builds under an image name, when one build tags it. */
function stageOfImage(model: RepoModel, image: string): Stage | undefined {
  const build = buildsOfImage(model, image)[0];
  const file = build && model.dockerfiles.find((d) => d.path === build.dockerfile);
  if (!file) return undefined;
  const graph = stageGraph(file);
  const target = build.target?.toLowerCase();
  return target ? graph.stages.find((s) => s.name === target) : finalStage(graph);
}

/** The CMD an image ends up with, looking into the repo's own base images for one. */
function inheritedCommand(model: RepoModel, stage: Stage, depth: number): string[] | undefined {
  const { cmd } = imageEntrypointCmd(stage);
  if (cmd.length > 0) return cmd;
  const base = rootOf(stage).image;
  if (!base || depth >= 4) return undefined;
  const parent = stageOfImage(model, base.raw);
  return parent ? inheritedCommand(model, parent, depth + 1) : undefined;
}
