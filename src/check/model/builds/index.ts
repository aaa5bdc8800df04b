import { posix } from "node:path";
import type { DockerBuild, RepoModel } from "../../types.js";
import { gitlabBuilds, scriptBuilds, stepBuilds, woodpeckerBuilds } from "./command-sources.js";
import { composeBuilds, devcontainerBuilds, goreleaserBuilds } from "./declared.js";
import type { Declared } from "./declared.js";
import { hasVariables, imageGlob, matchPattern, repoPath, substitute } from "./path-pattern.js";

type Sources = Pick<
  RepoModel,
  | "dockerfiles"
  | "dockerignores"
  | "composes"
  | "devcontainers"
  | "workflows"
  | "actions"
  | "gitlab"
  | "gitlabIncludes"
  | "woodpeckers"
  | "scripts"
  | "goreleasers"
>;

/**
 * Which Dockerfile is built with which context, from every file that says so: compose `build`,
 * devcontainer.json `build`, workflow steps (build-push-action, `docker build` in `run`),
 * GitLab scripts, Woodpecker steps (docker plugins, `commands`), Makefile recipes, shell scripts
 * and GoReleaser `dockers`.
 *
 * A Dockerfile at the repo root that nothing builds is taken to be built with the root as its
 * context (`docker build .`, or `-f Dockerfile.dev .`): with the file at the top, no other
 * directory could be the context. For a Dockerfile deeper down that nothing builds, both its
 * own directory (`docker build deploy/`) and the root (`docker build -f deploy/Dockerfile .`)
 * are common, and picking one would judge a .dockerignore the build may never use: it gets no
 * build here, and rules that need a context say nothing about it rather than guess.
 */
export function resolveBuilds(model: Sources): DockerBuild[] {
  const known = model.dockerfiles.map((d) => d.path);
  const has = (p: string) => known.includes(p);
  const gitlab = model.gitlab ? [model.gitlab, ...model.gitlabIncludes] : model.gitlabIncludes;
  const declared: Declared[] = [
    ...composeBuilds(model.composes, has),
    ...devcontainerBuilds(model.devcontainers),
    ...stepBuilds(model.workflows, model.actions),
    ...gitlabBuilds(gitlab),
    ...woodpeckerBuilds(model.woodpeckers),
    ...scriptBuilds(model.scripts),
    ...goreleaserBuilds(model.goreleasers, has),
  ];
  const ignores = new Set(model.dockerignores.map((d) => d.path));
  const builds = new Map<string, DockerBuild>();
  const add = (b: Omit<DockerBuild, "dockerignore">) => {
    const key = `${b.dockerfile}\0${b.context ?? ""}\0${b.source.file}\0${b.source.line}`;
    const seen = builds.get(key);
    // One script line run by several calls tags what each call's arguments make.
    if (seen) seen.images = [...new Set([...seen.images, ...b.images])];
    else builds.set(key, { ...b, dockerignore: dockerignoreFor(b, ignores) });
  };
  for (const d of declared) {
    for (const { path, bindings } of matchPattern(d.dockerfile, known)) {
      let context: string | undefined;
      if (d.context !== undefined) {
        const bound = substitute(d.context, bindings);
        context = bound === undefined || hasVariables(bound) ? undefined : repoPath(".", bound);
        if (context === undefined) continue;
      }
      add({
        dockerfile: path,
        context,
        source: d.source,
        ...(d.target ? { target: d.target } : {}),
        images: [...new Set(d.images.flatMap((i) => imageGlob(i, bindings) ?? []))],
      });
    }
  }
  const built = new Set([...builds.values()].map((b) => b.dockerfile));
  for (const path of known) {
    if (posix.dirname(path) === "." && !built.has(path)) {
      add({
        dockerfile: path,
        context: ".",
        source: { kind: "default", file: path, line: 1 },
        images: [],
      });
    }
  }
  return [...builds.values()].sort(
    (a, b) =>
      cmp(a.dockerfile, b.dockerfile) ||
      cmp(a.source.file, b.source.file) ||
      a.source.line - b.source.line ||
      cmp(a.context ?? "", b.context ?? ""),
  );
}

/**
 * Docker reads `<Dockerfile>.dockerignore` beside the Dockerfile when it exists, else
 * `.dockerignore` at the root of the context. A staging context (GoReleaser) has neither.
 */
export function dockerignoreFor(
  b: { dockerfile: string; context: string | undefined },
  ignores: ReadonlySet<string>,
): string | undefined {
  if (b.context === undefined) return undefined;
  const specific = `${b.dockerfile}.dockerignore`;
  if (ignores.has(specific)) return specific;
  const atContext = b.context === "." ? ".dockerignore" : `${b.context}/.dockerignore`;
  return ignores.has(atContext) ? atContext : undefined;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
