/**
 * Pulling module paths, versions, URLs and hosts out of go command messages, so fixes can name
 * them. The go command prefixes most module errors with "path@version: " or "module path: "
 * (x/mod module.ModuleError); proxy and checksum-database URLs carry the path too, case-encoded.
 */

import type { MatchContext } from "./types.js";

export interface ModuleRef {
  path: string;
  version?: string;
}

// First element lowercase with a dot, as module.CheckPath requires; then any path elements.
const PATH = String.raw`[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+(?:/[A-Za-z0-9._~+-]+)*`;
const VERSION = String.raw`[A-Za-z0-9][A-Za-z0-9._+-]*`;
const WITH_VERSION = new RegExp(String.raw`(?:^|[\s"'(])(?:module )?(${PATH})@(${VERSION})`);
const WITHOUT_VERSION = new RegExp(String.raw`(?:^|\s)module (${PATH})(?::|,|\s|$)`);
const URL_RE = /\b(?:https?|file):\/\/[^\s"'<>`]+/g;

/** Modules the go command itself fetches; errors about them are toolchain problems. */
export const TOOLCHAIN_MODULE = "golang.org/toolchain";

/** The first module reference in a line of go command output. */
export function findModuleRef(text: string): ModuleRef | undefined {
  const v = WITH_VERSION.exec(text);
  if (v?.[1] !== undefined && v[2] !== undefined) return { path: v[1], version: v[2] };
  const m = WITHOUT_VERSION.exec(text);
  if (m?.[1] !== undefined) return { path: m[1] };
  for (const url of findUrls(text)) {
    const ref = moduleFromProxyUrl(url);
    if (ref) return ref;
  }
  return undefined;
}

/** The module named on this line, or on one of the few lines before it (error bodies). */
export function moduleNear(ctx: MatchContext, back = 4): ModuleRef | undefined {
  for (let i = ctx.index; i >= 0 && i >= ctx.index - back; i--) {
    const ref = findModuleRef(ctx.lines[i] ?? "");
    if (ref) return ref;
  }
  return undefined;
}

export function findUrls(text: string): string[] {
  return [...text.matchAll(URL_RE)].map((m) => m[0].replace(/[:.,;)\]]+$/, ""));
}

export function hostOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.host === "" ? undefined : u.host;
  } catch {
    return undefined;
  }
}

/**
 * The module in a proxy (".../@v/...", ".../@latest") or checksum-database ("/lookup/p@v") URL.
 * A proxy URL may have its own path prefix, so the module starts at the first element that
 * looks like a host name.
 */
export function moduleFromProxyUrl(url: string): ModuleRef | undefined {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
  const lookup = /\/lookup\/(.+?)@([^/@]+)$/.exec(path);
  if (lookup?.[1] !== undefined && lookup[2] !== undefined) {
    return { path: unescapeBang(lookup[1]), version: unescapeBang(lookup[2]) };
  }
  const at = /^(.*?)\/@(?:v\/(.+?)\.(?:info|mod|zip)|v\/list|latest)$/.exec(path);
  if (at?.[1] === undefined) return undefined;
  const parts = at[1].split("/").filter((p) => p !== "");
  const start = parts.findIndex((p) => /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/.test(p));
  if (start < 0) return undefined;
  const modPath = unescapeBang(parts.slice(start).join("/"));
  return at[2] === undefined ? { path: modPath } : { path: modPath, version: unescapeBang(at[2]) };
}

/** Undo the proxy protocol's case encoding: "!azure" is "Azure". */
export function unescapeBang(s: string): string {
  return s.replace(/!([a-z])/g, (_m, c: string) => c.toUpperCase());
}

export function formatRef(ref: ModuleRef): string {
  return ref.version === undefined ? ref.path : `${ref.path}@${ref.version}`;
}

/** The lines indented under an error ("\tserver response: ...", git's stderr), up to `max`. */
export function indentedBody(ctx: MatchContext, max = 9): string[] {
  const body: string[] = [];
  for (let i = ctx.index + 1; i < ctx.lines.length && body.length < max; i++) {
    const l = ctx.lines[i] ?? "";
    if (!/^\s/.test(l) || l.trim() === "") break;
    body.push(l.trim());
  }
  return body;
}
