import { posix } from "node:path";
import { compareGoVersions } from "../../../../gomod/go-version.js";
import type { DockerfileModel, GoModModel, RepoModel } from "../../../types.js";
import { goModFor } from "./repo.js";
import { contextSources } from "./sources.js";

/**
 * The Go module a Dockerfile builds, and what that module needs from the network. A Dockerfile
 * beside a go.mod builds that module; a root Dockerfile that copies a module's directory
 * (`ADD backend /build/backend`) builds that one; otherwise the repo root's.
 */
export function builtModule(model: RepoModel, file: DockerfileModel): GoModModel | undefined {
  const dir = posix.dirname(file.path);
  const beside = model.gomods.find((m) => m.dir === dir);
  if (beside) return beside;
  // The context is the repo root or the Dockerfile's directory, the two usual `docker build` forms.
  const copied = new Set<string>();
  for (const ins of file.ast.getInstructions()) {
    for (const src of contextSources(ins)) {
      const p = posix.normalize(src.replace(/\/+$/, "") || ".");
      copied.add(p);
      copied.add(posix.join(dir, p));
    }
  }
  const root = model.gomods.find((m) => m.dir === ".");
  // The whole root context holds the root module; otherwise a module directory copied by name.
  if (root && copied.has(".")) return root;
  return model.gomods.find((m) => m.dir !== "." && copied.has(m.dir)) ?? goModFor(model, file.path);
}

/**
 * `go build` uses vendor/ without -mod=vendor when vendor/modules.txt exists and the go line is
 * 1.14 or later (cmd/go's modload: "-mod=vendor is set by default when the go version is 1.14 or
 * higher and a vendor directory is present").
 */
export function isVendored(model: RepoModel, gomod: GoModModel): boolean {
  const go = gomod.mod.go?.version ?? "1.16";
  if (compareGoVersions(go, "1.14") < 0) return false;
  return model.readFile?.(posix.join(gomod.dir, "vendor/modules.txt")) !== undefined;
}

/** Directories (relative to the module) that go.mod's local `replace` directives point into. */
export function localReplaceDirs(gomod: GoModModel): string[] {
  return gomod.mod.replaces
    .filter((r) => r.local)
    .map((r) => posix.normalize(r.new.path.replace(/\\/g, "/")).replace(/\/+$/, ""));
}
