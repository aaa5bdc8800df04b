import type { Spec } from "../spec/schema.js";

/**
 * The Go environment the spec prescribes, as NAME -> value, in a fixed order. Every generated place
 * (Dockerfile, dev container, CI, setup script) takes its values from here, which is what keeps
 * them equal. Unset spec values are omitted so Go's own defaults apply everywhere alike.
 */
export function moduleEnv(spec: Spec): [string, string][] {
  const m = spec.modules;
  const env: [string, string][] = [["GOTOOLCHAIN", goToolchainValue(spec)]];
  const proxy = goproxyValue(spec);
  if (proxy !== undefined) env.push(["GOPROXY", proxy]);
  if (m.sumdb !== undefined) env.push(["GOSUMDB", m.sumdb]);
  if (m.private.length > 0) env.push(["GOPRIVATE", m.private.join(",")]);
  if (m.noproxy !== undefined) env.push(["GONOPROXY", m.noproxy.join(",")]);
  if (m.nosumdb !== undefined) env.push(["GONOSUMDB", m.nosumdb.join(",")]);
  if (m.flags.length > 0) env.push(["GOFLAGS", m.flags.join(" ")]);
  return env;
}

/**
 * GOPROXY: the team proxy first when there is one, falling through to `modules.proxy` on any
 * error ("|": the team proxy being down must not stop builds that have a fallback).
 */
export function goproxyValue(spec: Spec): string | undefined {
  const { teamProxy, proxy } = spec.modules;
  if (teamProxy === undefined) return proxy;
  return proxy === undefined ? teamProxy : `${teamProxy}|${proxy}`;
}

/**
 * GOTOOLCHAIN for the spec's policy. "auto"/"path" name the exact release so every machine runs
 * go.version (switching to a newer one only when go.mod demands it); "local" never switches.
 */
export function goToolchainValue(spec: Spec): string {
  return spec.go.toolchain === "local" ? "local" : `go${spec.go.version}+${spec.go.toolchain}`;
}

/** Whether Docker builds need credentials for private modules (a netrc build secret). */
export function needsPrivateFetch(spec: Spec): boolean {
  return spec.modules.private.length > 0 || (spec.modules.noproxy?.length ?? 0) > 0;
}
