import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  imageCommand,
  isDevContainerDockerfile,
  runsDelve,
} from "../../check/rules/docker/util/repo.js";
import type { Stage } from "../../check/rules/docker/util/stages.js";
import { finalStage, lineOf, stageGraph } from "../../check/rules/docker/util/stages.js";
import type { DockerfileModel, RepoModel } from "../../check/types.js";
import { dockerfileBuilds } from "./dockerfile.js";
import { GORELEASER_FILES, goreleaserBuilds } from "./goreleaser.js";
import { makefileBuilds } from "./makefile.js";
import type { ShippedBuild } from "./types.js";

export type { ShippedBuild } from "./types.js";

/** Whether a file sits in a nested module that is not one of the repo's (its own go.mod). */
function inForeignModule(root: string, path: string, moduleDirs: ReadonlySet<string>): boolean {
  const parts = path.split("/").slice(0, -1);
  for (let n = parts.length; n > 0; n--) {
    const dir = parts.slice(0, n).join("/");
    if (existsSync(join(root, dir, "go.mod"))) return !moduleDirs.has(dir);
  }
  return false;
}

/**
 * Every binary the repo's own build files build: GoReleaser first, then Dockerfiles, Makefiles.
 * Build files inside a nested module the repo does not list (a test fixture's own go.mod) build
 * that module, not the repo's apps.
 */
export function shippedBuilds(
  root: string,
  model: RepoModel,
  moduleDirs: ReadonlySet<string>,
): ShippedBuild[] {
  const goreleaser = GORELEASER_FILES.find((p) => existsSync(join(root, p)));
  const fromGoreleaser = goreleaser
    ? goreleaserBuilds(goreleaser, readFileSync(join(root, goreleaser), "utf8"))
    : [];
  const fromDockerfiles = model.dockerfiles
    .filter((d) => !isDevContainerDockerfile(d.path) && !inForeignModule(root, d.path, moduleDirs))
    .flatMap(dockerfileBuilds);
  const fromMakefiles = model.scripts
    .filter((s) => s.kind === "makefile" && !inForeignModule(root, s.path, moduleDirs))
    .flatMap((s) => makefileBuilds(s.path, s.text));
  return [...fromGoreleaser, ...fromDockerfiles, ...fromMakefiles];
}

/**
 * The stage a Dockerfile builds the app's image in: the last one that does not start Delve (a
 * repo's Dockerfile may end in a debug stage), with its name when it is not the last stage, since
 * a build must then name it as its target.
 */
export function imageStage(file: DockerfileModel): { stage: Stage | undefined; target?: string } {
  const graph = stageGraph(file);
  const last = finalStage(graph);
  const stage = [...graph.stages].reverse().find((s) => !runsDelve(imageCommand(s))) ?? last;
  return stage && stage !== last && stage.name ? { stage, target: stage.name } : { stage };
}

/** The ports the app's image stage EXPOSEs (imageStage), in order, with their lines. */
export function exposedPorts(file: DockerfileModel): { port: number; line: number }[] {
  const { stage } = imageStage(file);
  return (stage?.instructions ?? [])
    .filter((i) => i.getKeyword() === "EXPOSE")
    .flatMap((i) =>
      (i.getArgumentsContent() ?? "").split(/\s+/).map((p) => ({
        port: Number(/^(\d{1,5})(?:\/tcp)?$/.exec(p)?.[1]),
        line: lineOf(i),
      })),
    )
    .filter((p) => Number.isInteger(p.port) && p.port > 0 && p.port <= 65535);
}
