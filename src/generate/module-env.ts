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
 * Unset is "local" in the places gopave builds (images, dev container, CI): each has exactly
 * go.version installed, so local pins it.
 */
export function goToolchainValue(spec: Spec): string {
  const policy = spec.go.toolchain ?? "local";
  return policy === "local" ? "local" : `go${spec.go.version}+${policy}`;
}

/**
 * The settings written into a developer's own go env (setup script, doctor --fix): go env -w
 * changes every repo on that machine, so GOTOOLCHAIN only when the spec asks for it.
 */
export function developerEnv(spec: Spec): [string, string][] {
  const env = moduleEnv(spec);
  return spec.go.toolchain === undefined ? env.filter(([k]) => k !== "GOTOOLCHAIN") : env;
}

/** Whether Docker builds need credentials for private modules (a netrc build secret). */
export function needsPrivateFetch(spec: Spec): boolean {
  return spec.modules.private.length > 0 || (spec.modules.noproxy?.length ?? 0) > 0;
}
