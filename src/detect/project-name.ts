import { basename } from "node:path";
import { splitPathVersion } from "../gomod/module-escape.js";

/**
 * Words that name a role, not a project: a module `github.com/gotify/server` is the gotify
 * project's server, so the project is "gotify".
 */
const GENERIC = new Set([
  "app",
  "api",
  "backend",
  "cmd",
  "core",
  "go",
  "golang",
  "main",
  "server",
  "service",
  "src",
  "web",
]);

function sanitize(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "");
}

/** A module path's first element is a host: "miniflux.app" names the project by its first label. */
function hostLabel(host: string): string {
  const labels = host.split(".");
  return labels.length > 1 ? (labels[0] === "go" ? (labels[1] ?? "") : (labels[0] ?? "")) : host;
}

/**
 * A project name from a module path: its last element that is neither a major-version suffix nor
 * a generic role word ("server", "backend"), lowercased, runs of other characters turned into "-",
 * starting with a letter ("github.com/acme/Order_Service/v2" -> "order-service",
 * "github.com/gotify/server/v2" -> "gotify"). The repo directory's name is the next choice, then
 * the module's host ("miniflux.app/v2" -> "miniflux").
 */
export function projectName(modulePath: string, repoDir?: string): string {
  const split = splitPathVersion(modulePath);
  const base = split.ok ? split.prefix : modulePath;
  const elems = base.split("/").filter((e) => e !== "");
  // A first element with a dot is a host, even alone ("miniflux.app/v2").
  const hasHost = elems[0]?.includes(".") === true;
  const host = hasHost ? elems[0] : undefined;
  const rest = hasHost ? elems.slice(1) : elems;
  // A module that is only a host ("miniflux.app/v2") is named by it before the checkout's folder,
  // whose name is often just the major version ("v2") or the role ("server").
  const candidates = [
    ...rest.reverse(),
    ...(host && rest.length === 0 ? [hostLabel(host)] : []),
    ...(repoDir ? [basename(repoDir)] : []),
  ];
  for (const c of candidates) {
    const name = sanitize(c);
    if (name !== "" && !GENERIC.has(name) && !/^v\d+$/.test(name)) return name;
  }
  const any = candidates.map(sanitize).find((n) => n !== "");
  return any ?? "app";
}
