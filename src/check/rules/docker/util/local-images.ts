import { posix } from "node:path";
import type { RepoModel } from "../../../types.js";
import { composeServices, serviceImage } from "./compose.js";
import { parseImageRef } from "./image-ref.js";

/**
 * Images the repo builds itself, so that a compose service naming one runs what was built here
 * rather than pulling it: the `image:` of every compose service that also has `build:` (compose
 * tags its build with that name, and other services may reuse it), and every `-t`/`--tag` of a
 * `docker build`, `docker buildx build` or `podman build` in the repo's scripts and Makefiles.
 * Names are compared without the `:latest` tag and the docker.io/library prefix.
 */
export function locallyBuiltImages(model: RepoModel): Set<string> {
  const out = new Set<string>();
  for (const compose of model.composes) {
    for (const service of composeServices(compose)) {
      const image = serviceImage(service);
      if (image !== undefined && service.data.build !== undefined) out.add(imageKey(image));
    }
  }
  for (const script of model.scripts) {
    const text = script.text.replace(/\\\r?\n/g, " ");
    for (const m of text.matchAll(/\b(?:docker|podman)\s+(?:buildx\s+)?build\b[^\n;&|]*/g)) {
      for (const t of m[0].matchAll(/(?:^|\s)(?:-t|--tag)(?:=|\s+)["']?([^\s"']+)/g)) {
        if (t[1] && !t[1].includes("$")) out.add(imageKey(t[1]));
      }
    }
  }
  return out;
}

/** `docker.io/library/app:latest`, `app:latest` and `app` are one image name. */
export function imageKey(image: string): string {
  return image
    .trim()
    .replace(/^(?:docker\.io|index\.docker\.io)\//, "")
    .replace(/^library\//, "")
    .replace(/:latest$/, "");
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
