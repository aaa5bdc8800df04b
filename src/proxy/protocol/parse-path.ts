import {
  ModulePathError,
  canonicalVersion,
  checkPathMajor,
  escapeModulePath,
  escapeVersion,
  splitPathVersion,
  unescapeModulePath,
  unescapeVersion,
} from "../../gomod/module-escape.js";
import type { ModuleFile, ProxyRequest } from "../types.js";

/**
 * Turns a request path into a ProxyRequest, or the reason it is not one. Nothing here touches
 * storage or the network: every path that reaches them was decoded and validated with Go's own
 * module path and version rules first, so a request can never name a file outside the cache.
 */
export type ParsedPath =
  | { ok: true; request: ProxyRequest }
  /** 400: malformed; 404: well-formed but names nothing a proxy can serve (e.g. master.zip). */
  | { ok: false; status: 400 | 404; message: string };

/** Longer paths are refused before decoding; real module paths are far shorter. */
export const MAX_PATH_LENGTH = 4096;

/** Queries the go command resolves itself; a proxy answers them with 404 like other proxies do. */
const RESERVED_QUERIES = new Set(["latest", "upgrade", "patch"]);

const bad = (message: string): ParsedPath => ({
  ok: false,
  status: 400,
  message: `bad request: ${message}`,
});
const notFound = (message: string): ParsedPath => ({
  ok: false,
  status: 404,
  message: `not found: ${message}`,
});

/** Parses `req.url` (path and optional query; the query is ignored, the protocol has none). */
export function parseProxyPath(url: string): ParsedPath {
  const q = url.indexOf("?");
  const raw = q >= 0 ? url.slice(0, q) : url;
  if (raw.length > MAX_PATH_LENGTH) return bad(`request path longer than ${MAX_PATH_LENGTH} bytes`);
  let path: string;
  try {
    // Clients may send "+incompatible" as "%2B"; decoding once (never twice) keeps "%252e" literal.
    path = decodeURIComponent(raw);
  } catch {
    return bad("invalid percent-encoding in request path");
  }
  const shape = pathShapeProblem(path);
  if (shape) return bad(shape);
  if (path.startsWith("/sumdb/")) return parseSumdb(path.slice("/sumdb/".length));
  if (path.endsWith("/@latest")) {
    const mod = decodeModule(path.slice(1, -"/@latest".length));
    return mod.ok ? { ok: true, request: { kind: "latest", module: mod.path } } : mod.error;
  }
  const at = path.indexOf("/@v/");
  if (at < 0) return notFound(`${path} is not a module proxy path`);
  const mod = decodeModule(path.slice(1, at));
  if (!mod.ok) return mod.error;
  const tail = path.slice(at + "/@v/".length);
  if (tail === "list") return { ok: true, request: { kind: "list", module: mod.path } };
  const m = /^(.+)\.(info|mod|zip)$/.exec(tail);
  if (!m || tail.includes("/")) {
    return bad(`unknown file "@v/${tail}" (want list, <version>.info, .mod or .zip)`);
  }
  const file = m[2] as ModuleFile;
  return parseVersioned(mod.path, m[1] as string, file);
}

/** Rejects anything a clean, absolute, printable path would not contain. */
function pathShapeProblem(path: string): string | undefined {
  if (!path.startsWith("/")) return "request path must start with /";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return "control character in request path";
  if (path.includes("\\")) return "backslash in request path";
  if (path.includes("//")) return "empty element in request path";
  if (path.length > 1 && path.endsWith("/")) return "trailing slash in request path";
  for (const elem of path.split("/")) {
    if (elem === "." || elem === "..") return `"${elem}" element in request path`;
  }
  return undefined;
}

type Decoded<T> = ({ ok: true } & T) | { ok: false; error: ParsedPath };

function decodeModule(escaped: string): Decoded<{ path: string }> {
  try {
    return { ok: true, path: unescapeModulePath(escaped) };
  } catch (err) {
    if (err instanceof ModulePathError) return { ok: false, error: bad(err.message) };
    throw err;
  }
}

function parseVersioned(module: string, escaped: string, file: ModuleFile): ParsedPath {
  let version: string;
  try {
    version = unescapeVersion(escaped);
  } catch (err) {
    if (err instanceof ModulePathError) return bad(err.message);
    throw err;
  }
  // CVE-2025-68119: versions that look like flags or paths must never reach go or git.
  if (version.startsWith("-") || version.startsWith("/")) {
    return bad(`invalid version "${version}": must not start with "-" or "/"`);
  }
  const canonical = canonicalVersion(version) === version;
  if (!canonical) {
    if (file !== "info") {
      return notFound(
        `${module}@${version}: .mod and .zip are served only for canonical versions (like v1.2.3)`,
      );
    }
    if (RESERVED_QUERIES.has(version)) {
      return notFound(`${module}@${version}: "${version}" is a go command query, not a version`);
    }
    return { ok: true, request: { kind: "file", module, version, file } };
  }
  const problem = majorProblem(module, version);
  if (problem) return notFound(`${module}@${version}: invalid version: ${problem}`);
  return { ok: true, request: { kind: "file", module, version, file } };
}

/** x/mod CheckPathMajor, plus modfetch's rule that +incompatible needs a v2+ major. */
function majorProblem(module: string, version: string): string | undefined {
  const split = splitPathVersion(module);
  const err = checkPathMajor(version, split.pathMajor);
  if (err) return err;
  if (version.endsWith("+incompatible")) {
    if (split.pathMajor !== "") return "+incompatible suffix not allowed with a major-version path";
    if (/^v[01]\./.test(version))
      return "+incompatible suffix not allowed: v0 and v1 are compatible";
  }
  return undefined;
}

/** Checksum-database names are host names; the sumdb proxy checks them against its allowlist. */
function parseSumdb(rest: string): ParsedPath {
  const slash = rest.indexOf("/");
  const name = slash >= 0 ? rest.slice(0, slash) : rest;
  const tail = slash >= 0 ? rest.slice(slash + 1) : "";
  if (!/^[a-z0-9][a-z0-9.-]*$/i.test(name)) return bad(`invalid checksum database name "${name}"`);
  if (tail === "") return notFound(`/sumdb/${name} has no such endpoint`);
  if (!/^[A-Za-z0-9._~!+@/-]+$/.test(tail)) return bad(`invalid checksum database path "${tail}"`);
  return { ok: true, request: { kind: "sumdb", name, rest: tail } };
}

/** The escaped protocol path of a request (no leading slash), e.g. "github.com/!azure/x/@v/list". */
export function requestKey(req: ProxyRequest): string {
  switch (req.kind) {
    case "list":
      return `${escapeModulePath(req.module)}/@v/list`;
    case "latest":
      return `${escapeModulePath(req.module)}/@latest`;
    case "file":
      return `${escapeModulePath(req.module)}/@v/${escapeVersion(req.version)}.${req.file}`;
    case "sumdb":
      return `sumdb/${req.name}/${req.rest}`;
  }
}
