import { posix } from "node:path";
import type { DockerBuild, GoReleaserModel, StructuredFile } from "../../types.js";
import { hasVariables, repoPath } from "./path-pattern.js";

/**
 * A build as one file declares it, before its paths are matched to the repo's Dockerfiles:
 * paths are relative to the repo root and may still hold variables (path-pattern.ts).
 */
export interface Declared {
  dockerfile: string;
  /** undefined: a context that is not a repo directory (GoReleaser's staging directory). */
  context: string | undefined;
  source: DockerBuild["source"];
  target?: string;
  /** Image names the build tags, variables still in them. */
  images: string[];
}

export type Data = Record<string, unknown>;
export const isRecord = (v: unknown): v is Data =>
  typeof v === "object" && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Whether a context names something other than a local directory (a URL, a git remote, stdin). */
export function isRemoteContext(ctx: string): boolean {
  return ctx === "-" || /^[a-z][a-z0-9+.-]*:\/\//i.test(ctx) || /^(?:git@|github\.com\/)/.test(ctx);
}

/** Compose's `${X:-default}` / `${X-default}` take their default; other variables stay. */
function composeDefaults(s: string): string {
  return s.replace(/\$\{[A-Za-z_]\w*:?-([^}]*)\}/g, "$1");
}

/**
 * A service's `build`: `context` (default ".") relative to the compose file's directory and
 * `dockerfile` (default "Dockerfile") relative to the context. Compose resolves them from the
 * project directory: the first file's directory, or `--project-directory`. A file merged into
 * another with `-f` (a dev container's compose files, a test suite's per-service files) so
 * resolves from a directory above its own: the nearest directory, from its own up to the repo
 * root, where the Dockerfile exists wins.
 */
export function composeBuilds(composes: readonly StructuredFile[], has: (p: string) => boolean) {
  const out: Declared[] = [];
  for (const file of composes) {
    const services = isRecord(file.data) ? file.data["services"] : undefined;
    if (!isRecord(services)) continue;
    for (const [name, svc] of Object.entries(services)) {
      if (!isRecord(svc)) continue;
      const build = svc["build"];
      const spec =
        typeof build === "string" ? { context: build } : isRecord(build) ? build : undefined;
      if (!spec || spec["dockerfile_inline"] !== undefined) continue;
      const context = composeDefaults(str(spec["context"]) ?? ".");
      const dockerfile = composeDefaults(str(spec["dockerfile"]) ?? "Dockerfile");
      if (isRemoteContext(context)) continue;
      const line = file.lineOf(["services", name, "build"]);
      const target = str(spec["target"]);
      const image = str(svc["image"]);
      const candidates = ancestors(posix.dirname(file.path)).flatMap((base) => {
        const ctx = repoPath(base, context);
        const df = ctx === undefined ? undefined : repoPath(ctx, dockerfile);
        return ctx !== undefined && df !== undefined ? [{ ctx, df }] : [];
      });
      const chosen = candidates.find((c) => hasVariables(c.df) || has(c.df)) ?? candidates[0];
      if (!chosen) continue;
      out.push({
        dockerfile: chosen.df,
        context: chosen.ctx,
        source: { kind: "compose", file: file.path, line },
        ...(target ? { target } : {}),
        // Compose tags what it builds with the service's `image:`.
        images: image === undefined ? [] : [composeDefaults(image)],
      });
    }
  }
  return out;
}

/** `a/b/c` -> [a/b/c, a/b, a, .] */
function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; d !== "." && d !== ""; d = posix.dirname(d)) out.push(d);
  out.push(".");
  return out;
}

/**
 * devcontainer.json `build.dockerfile` and `build.context` (default "."), both relative to the
 * devcontainer.json; the older top-level `dockerFile` / `context` too.
 */
export function devcontainerBuilds(devcontainers: readonly StructuredFile[]): Declared[] {
  return devcontainers.flatMap((file): Declared[] => {
    const data = isRecord(file.data) ? file.data : {};
    const build = isRecord(data["build"]) ? data["build"] : {};
    const dockerfile = str(build["dockerfile"]) ?? str(data["dockerFile"]);
    if (dockerfile === undefined) return [];
    const dir = posix.dirname(file.path);
    const context = repoPath(dir, str(build["context"]) ?? str(data["context"]) ?? ".");
    const df = repoPath(dir, dockerfile);
    if (context === undefined || df === undefined) return [];
    const key = str(build["dockerfile"]) !== undefined ? ["build", "dockerfile"] : ["dockerFile"];
    const target = str(build["target"]);
    return [
      {
        dockerfile: df,
        context,
        source: { kind: "devcontainer", file: file.path, line: file.lineOf(key) },
        ...(target ? { target } : {}),
        images: [],
      },
    ];
  });
}

/**
 * GoReleaser's `dockers[].dockerfile`, from where GoReleaser runs: the config's directory, or
 * the repo root for a config kept in a subdirectory and passed with `-f` (the first where the
 * Dockerfile exists). Its context is a staging directory of binaries and `extra_files`.
 */
export function goreleaserBuilds(
  configs: readonly GoReleaserModel[],
  has: (p: string) => boolean,
): Declared[] {
  return configs.flatMap((cfg) =>
    cfg.dockers.flatMap((d): Declared[] => {
      const bases = [posix.dirname(cfg.path), "."];
      if (posix.basename(posix.dirname(cfg.path)) === ".config")
        bases.unshift(posix.dirname(posix.dirname(cfg.path)) || ".");
      const paths = bases.flatMap((b) => repoPath(b, d.dockerfile) ?? []);
      const df = paths.find((p) => hasVariables(p) || has(p)) ?? paths[0];
      if (df === undefined) return [];
      return [
        {
          dockerfile: df,
          context: undefined,
          source: { kind: "goreleaser", file: cfg.path, line: d.line },
          images: d.images,
        },
      ];
    }),
  );
}
