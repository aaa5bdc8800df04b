import type { Instruction } from "dockerfile-ast";
import { expandVars } from "./expand.js";
import type { Vars } from "./expand.js";
import { runMounts } from "./run-script.js";

/**
 * Whether a RUN's cache mounts cover Go's module cache and build cache. The defaults follow the
 * golang image (GOPATH=/go, so GOMODCACHE=/go/pkg/mod) and `go help cache` (GOCACHE is
 * $XDG_CACHE_HOME/go-build, else $HOME/.cache/go-build: /root/.cache/go-build for root).
 */

/** Matches everything: a target we cannot resolve gets the benefit of the doubt. */
const UNKNOWN = "*";

export function cacheTargets(ins: Instruction, scope: Vars): string[] {
  return runMounts(ins)
    .filter((m) => m.type === "cache" && m.target !== undefined)
    .map((m) => {
      const e = expandVars(m.target as string, scope);
      return e.resolved ? e.value.replace(/\/+$/, "") || "/" : UNKNOWN;
    });
}

const covers = (target: string, path: string) =>
  target === UNKNOWN || target === path || path.startsWith(target === "/" ? "/" : `${target}/`);

export type Lookup = (name: string) => string | undefined;

/**
 * With GOMODCACHE/GOPATH set, the mount must cover that path; otherwise any `.../pkg/mod` target
 * passes, since the base image's GOPATH is not visible here.
 */
export function coversModCache(targets: readonly string[], env: Lookup): boolean {
  const custom =
    env("GOMODCACHE") ?? (env("GOPATH") === undefined ? undefined : `${env("GOPATH")}/pkg/mod`);
  if (custom !== undefined) return targets.some((t) => covers(t, custom));
  return targets.some((t) => t === UNKNOWN || /\/pkg\/mod$/.test(t) || covers(t, "/go/pkg/mod"));
}

/**
 * With GOCACHE, XDG_CACHE_HOME or HOME set, the mount must cover the cache they place; otherwise
 * any `.../go-build` target passes: a stage that switched USER has a home we cannot see.
 */
export function coversBuildCache(targets: readonly string[], env: Lookup): boolean {
  const xdg = env("XDG_CACHE_HOME");
  const home = env("HOME");
  const custom =
    env("GOCACHE") ??
    (xdg !== undefined
      ? `${xdg}/go-build`
      : home !== undefined
        ? `${home}/.cache/go-build`
        : undefined);
  if (custom !== undefined) return targets.some((t) => covers(t, custom));
  return targets.some(
    (t) => t === UNKNOWN || /\/go-build$/.test(t) || covers(t, "/root/.cache/go-build"),
  );
}

/** Looks a name up in a RUN's own environment first, then the stage's ARG/ENV scope. */
export function lookupIn(own: ReadonlyMap<string, string>, scope: Vars): Lookup {
  return (name) => own.get(name) ?? scope.get(name) ?? undefined;
}
