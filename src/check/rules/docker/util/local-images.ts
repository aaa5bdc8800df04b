import { posix } from "node:path";
import type { DockerBuild, RepoModel } from "../../../types.js";
import { parseImageRef } from "./image-ref.js";

/**
 * Images the repo builds itself, from the names `model.builds` records for each build (compose
 * `image:` beside `build:`, `-t`/`--tag`, build-push-action `tags`, GoReleaser image templates),
 * so that a compose service or a FROM naming one runs what was built here rather than pulling
 * it. A `*` in a recorded name is a part set through a variable: it matches anything.
 */

/** Docker Hub's `library/app`, `app:latest` and `app` (with or without its host) are `app:latest`. */
export function imageKey(image: string): string {
  const name = image
    .trim()
    .split("@")[0]
    ?.replace(/^(?:docker\.io|index\.docker\.io)\//, "")
    .replace(/^library\//, "");
  const n = name ?? "";
  const slash = n.lastIndexOf("/");
  return n.indexOf(":", slash + 1) === -1 ? `${n}:latest` : n;
}

/**
 * Whether a name a build tags (possibly with `*` globs) is the image `image`. With `literalTag`
 * a tag set through a variable (`app:$(VERSION)`) does not count: which tags it takes is
 * unknown, and a version is what such builds tag, not `latest`.
 */
export function imageMatches(built: string, image: string, literalTag = false): boolean {
  const key = imageKey(built);
  if (literalTag && key.slice(key.lastIndexOf(":")).includes("*")) return false;
  const pattern = key
    .split("*")
    .map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, (c) => `\\${c}`))
    .join(".*");
  return new RegExp(`^${pattern}$`, "i").test(imageKey(image));
}

/** The builds that tag `image` (see imageMatches for `literalTag`). */
export function buildsOfImage(model: RepoModel, image: string, literalTag = false): DockerBuild[] {
  return model.builds.filter((b) => b.images.some((i) => imageMatches(i, image, literalTag)));
}

/** The image names the repo's builds of a Dockerfile tag. */
export function imagesOfDockerfile(model: RepoModel, dockerfile: string): string[] {
  return [...new Set(model.builds.flatMap((b) => (b.dockerfile === dockerfile ? b.images : [])))];
}

/**
 * Whether a compose file's `image:` is one the repo builds: a build tags it (under that tag: a
 * build tagging `app:$(VERSION)` does not make `app:latest`), or it is the repo's own name or
 * namespace beside a Dockerfile (namesOwnBuild, ownNamespaceBeside).
 */
export function builtLocally(model: RepoModel, image: string, composePath: string): boolean {
  return (
    buildsOfImage(model, image, true).length > 0 ||
    namesOwnBuild(model, image, composePath) ||
    ownNamespaceBeside(model, image, composePath)
  );
}

/**
 * A bare name (no registry, no namespace) that is a Go module's name in this repo, used by a
 * compose file beside a Dockerfile: Docker Hub's official images do not include the project, so
 * `docker compose up` can only run it after building it here (`image: writefreely` beside
 * writefreely's Dockerfile).
 */
export function namesOwnBuild(model: RepoModel, image: string, composePath: string): boolean {
  const ref = parseImageRef(image);
  if (!ref || ref.registry !== undefined || ref.path.includes("/")) return false;
  const dir = posix.dirname(composePath);
  const besideDockerfile = model.dockerfiles.some((d) => posix.dirname(d.path) === dir);
  if (!besideDockerfile) return false;
  return model.gomods.some((m) => {
    const elems = m.mod.module.path.split("/");
    const last = /^v\d+$/.test(elems.at(-1) ?? "") ? elems.at(-2) : elems.at(-1);
    return last?.toLowerCase() === ref.name;
  });
}

/**
 * An image in the repo's own namespace used by a compose file beside a Dockerfile that no build
 * names otherwise: the image of that Dockerfile, which CI builds and pushes under a tag the
 * model cannot read (authelia's `internal/suites/example/compose/duo-api/compose.yml` runs
 * `authelia/integration-duo` beside the duo-api Dockerfile). The namespace is the owner in a Go
 * module path (`<host>/<owner>/<repo>`) or of an image the repo builds.
 */
export function ownNamespaceBeside(model: RepoModel, image: string, composePath: string): boolean {
  const dir = posix.dirname(composePath);
  return model.dockerfiles.some(
    (d) => posix.dirname(d.path) === dir && ownImageBeside(model, image, composePath, d.path),
  );
}

/**
 * Whether a compose file's image in the repo's own namespace is taken to be built from the
 * Dockerfile `dockerfile` (ownNamespaceBeside): in the same directory, and not built by the repo
 * under other names, which it would then build instead of this image.
 */
export function ownImageBeside(
  model: RepoModel,
  image: string,
  composePath: string,
  dockerfile: string,
): boolean {
  const parts = parseImageRef(image)?.path.split("/") ?? [];
  if (parts.length < 2 || posix.dirname(composePath) !== posix.dirname(dockerfile)) return false;
  if (imagesOfDockerfile(model, dockerfile).length > 0) return false;
  return ownNamespaces(model).has(parts[0] ?? "");
}

function ownNamespaces(model: RepoModel): Set<string> {
  const out = new Set<string>();
  for (const m of model.gomods) {
    const elems = m.mod.module.path.split("/");
    if (elems.length >= 3 && elems[0]?.includes(".")) out.add((elems[1] ?? "").toLowerCase());
  }
  for (const b of model.builds) {
    for (const i of b.images) {
      const parts = parseImageRef(i)?.path.split("/") ?? [];
      if (parts.length >= 2 && !(parts[0] ?? "").includes("*")) out.add(parts[0] ?? "");
    }
  }
  out.delete("");
  return out;
}
