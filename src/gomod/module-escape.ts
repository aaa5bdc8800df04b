/**
 * Module path and version rules of golang.org/x/mod/module: CheckPath, SplitPathVersion,
 * CheckPathMajor, canonical semver, and the proxy's case encoding ("bang" escaping). The module
 * proxy protocol and the module cache must work on case-insensitive file systems, so every
 * uppercase ASCII letter travels as "!" + its lowercase form.
 */

/** A module path or version the go command would reject; the message follows x/mod's wording. */
export class ModulePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModulePathError";
  }
}

/** Windows device names, which no path element may be (with any extension). */
export const BAD_WINDOWS_NAMES: ReadonlySet<string> = new Set([
  "con",
  "prn",
  "aux",
  "nul",
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`com${n}`, `lpt${n}`]),
]);

type PathKind = "module" | "import" | "file";

function modPathOK(c: string): boolean {
  return /^[-._~0-9A-Za-z]$/.test(c);
}

function fileNameOK(c: string): boolean {
  if ((c.codePointAt(0) ?? 0) < 0x80) return /^[0-9A-Za-z!#$%&()+,\-.=@[\]^_{}~ ]$/.test(c);
  return /^\p{L}$/u.test(c);
}

function charOK(c: string, kind: PathKind): boolean {
  if (kind === "module") return modPathOK(c);
  if (kind === "import") return modPathOK(c) || c === "+";
  return fileNameOK(c);
}

/** x/mod checkElem: the reason an element is invalid, or undefined. */
function checkElem(elem: string, kind: PathKind): string | undefined {
  if (elem === "") return "empty path element";
  if (/^\.+$/.test(elem)) return `invalid path element "${elem}"`;
  if (elem.startsWith(".") && kind === "module") return "leading dot in path element";
  if (elem.endsWith(".")) return "trailing dot in path element";
  for (const c of elem) {
    if (!charOK(c, kind)) return `invalid char '${c}'`;
  }
  const dot = elem.indexOf(".");
  const short = dot >= 0 ? elem.slice(0, dot) : elem;
  if (BAD_WINDOWS_NAMES.has(short.toLowerCase())) {
    return `"${short}" disallowed as path element component on Windows`;
  }
  // Windows short names ("PROGRA~1") would alias other paths.
  if (kind !== "file" && /~\d+$/.test(short)) return "trailing tilde and digits in path element";
  return undefined;
}

function checkPathElems(path: string, kind: PathKind): string | undefined {
  if (path === "") return "empty string";
  if (path.startsWith("-") && kind !== "file") return "leading dash";
  if (path.includes("//")) return "double slash";
  if (path.endsWith("/")) return "trailing slash";
  for (const elem of path.split("/")) {
    const err = checkElem(elem, kind);
    if (err) return err;
  }
  return undefined;
}

/** x/mod CheckPath: undefined when `path` is a valid module path, else the reason. */
export function checkModulePath(path: string): string | undefined {
  const reason = modulePathProblem(path);
  return reason === undefined ? undefined : `malformed module path "${path}": ${reason}`;
}

function modulePathProblem(path: string): string | undefined {
  const err = checkPathElems(path, "module");
  if (err) return err;
  const slash = path.indexOf("/");
  const first = slash < 0 ? path : path.slice(0, slash);
  if (first === "") return "leading slash";
  if (!first.includes(".")) return "missing dot in first path element";
  if (path.startsWith("-")) return "leading dash in first path element";
  for (const c of first) {
    if (!/^[-.0-9a-z]$/.test(c)) return `invalid char '${c}' in first path element`;
  }
  if (!splitPathVersion(path).ok) return "invalid version";
  return undefined;
}

export function isValidModulePath(path: string): boolean {
  return modulePathProblem(path) === undefined;
}

export interface PathVersionSplit {
  prefix: string;
  /** "/v2", ".v1" (gopkg.in) or "" */
  pathMajor: string;
  ok: boolean;
}

/** x/mod SplitPathVersion: "example.com/x/v2" -> prefix "example.com/x", pathMajor "/v2". */
export function splitPathVersion(path: string): PathVersionSplit {
  if (path.startsWith("gopkg.in/")) return splitGopkgIn(path);
  let i = path.length;
  let dot = false;
  while (i > 0 && /[0-9.]/.test(path[i - 1] as string)) {
    if (path[i - 1] === ".") dot = true;
    i--;
  }
  if (i <= 1 || i === path.length || path[i - 1] !== "v" || path[i - 2] !== "/") {
    return { prefix: path, pathMajor: "", ok: true };
  }
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (dot || pathMajor.length <= 2 || pathMajor[2] === "0" || pathMajor === "/v1") {
    return { prefix: path, pathMajor: "", ok: false };
  }
  return { prefix, pathMajor, ok: true };
}

function splitGopkgIn(path: string): PathVersionSplit {
  let i = path.length;
  if (path.endsWith("-unstable")) i -= "-unstable".length;
  while (i > 0 && /[0-9]/.test(path[i - 1] as string)) i--;
  if (i <= 1 || path[i - 1] !== "v" || path[i - 2] !== ".") {
    return { prefix: path, pathMajor: "", ok: false };
  }
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (pathMajor.length <= 2 || (pathMajor[2] === "0" && pathMajor !== ".v0")) {
    return { prefix: path, pathMajor: "", ok: false };
  }
  return { prefix, pathMajor, ok: true };
}

/** The module path without its major-version suffix: "github.com/jackc/pgx/v5" -> "github.com/jackc/pgx". */
export function stripMajorSuffix(path: string): string {
  const split = splitPathVersion(path);
  return split.ok && split.pathMajor.startsWith("/") ? split.prefix : path;
}

const NUM = "(?:0|[1-9]\\d*)";
const PRE_ID = "(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)";
const SEMVER_RE = new RegExp(
  `^v(${NUM})(?:\\.(${NUM})(?:\\.(${NUM})(-${PRE_ID}(?:\\.${PRE_ID})*)?(\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?)?)?$`,
);

/**
 * x/mod CanonicalVersion: golang.org/x/mod/semver.Canonical ("v1.2" -> "v1.2.0", build metadata
 * dropped) except that "+incompatible" is kept. undefined for a string that is not Go semver.
 */
export function canonicalVersion(v: string): string | undefined {
  const m = SEMVER_RE.exec(v);
  if (!m) return undefined;
  const [, major, minor = "0", patch = "0", pre = "", build = ""] = m;
  return `v${major}.${minor}.${patch}${pre}${build === "+incompatible" ? build : ""}`;
}

/** x/mod CheckPathMajor: undefined when version `v` fits the path's major suffix, else the reason. */
export function checkPathMajor(v: string, pathMajor: string): string | undefined {
  let want = pathMajor;
  if (want.startsWith(".v") && want.endsWith("-unstable"))
    want = want.slice(0, -"-unstable".length);
  // Old pseudo-versions of gopkg.in .v1 packages were generated as v0.0.0-...
  if (v.startsWith("v0.0.0-") && want === ".v1") return undefined;
  const major = /^v(\d+)/.exec(v)?.[0] ?? "";
  if (want === "") {
    if (major === "v0" || major === "v1" || v.endsWith("+incompatible")) return undefined;
    want = "v0 or v1";
  } else {
    want = want.slice(1);
    if (major === want) return undefined;
  }
  return `version "${v}" invalid: should be ${want}, not ${major}`;
}

function escapeString(s: string): string {
  let out = "";
  for (const c of s) {
    // CheckPath / checkElem rule these out; escaping would be ambiguous if they slipped through.
    if (c === "!" || (c.codePointAt(0) ?? 0) >= 0x80) {
      throw new ModulePathError(`internal error: cannot escape "${s}"`);
    }
    out += c >= "A" && c <= "Z" ? `!${c.toLowerCase()}` : c;
  }
  return out;
}

function unescapeString(escaped: string): string | undefined {
  let out = "";
  let bang = false;
  for (const c of escaped) {
    if ((c.codePointAt(0) ?? 0) >= 0x80) return undefined;
    if (bang) {
      bang = false;
      if (c < "a" || c > "z") return undefined;
      out += c.toUpperCase();
      continue;
    }
    if (c === "!") {
      bang = true;
      continue;
    }
    if (c >= "A" && c <= "Z") return undefined;
    out += c;
  }
  return bang ? undefined : out;
}

/** x/mod EscapePath: "github.com/Azure/x" -> "github.com/!azure/x". Throws on an invalid path. */
export function escapeModulePath(path: string): string {
  const err = checkModulePath(path);
  if (err) throw new ModulePathError(err);
  return escapeString(path);
}

/** x/mod EscapeVersion. Versions need not be semver (branch names) but must be file names. */
export function escapeVersion(v: string): string {
  if (checkElem(v, "file") !== undefined || v.includes("!")) {
    throw new ModulePathError(`version "${v}" invalid: disallowed version string`);
  }
  return escapeString(v);
}

/** x/mod UnescapePath; throws on a malformed escaped form or an invalid resulting path. */
export function unescapeModulePath(escaped: string): string {
  const path = unescapeString(escaped);
  if (path === undefined) throw new ModulePathError(`invalid escaped module path "${escaped}"`);
  const err = modulePathProblem(path);
  if (err) throw new ModulePathError(`invalid escaped module path "${escaped}": ${err}`);
  return path;
}

/** x/mod UnescapeVersion. */
export function unescapeVersion(escaped: string): string {
  const v = unescapeString(escaped);
  if (v === undefined) throw new ModulePathError(`invalid escaped version "${escaped}"`);
  const err = checkElem(v, "file");
  if (err) throw new ModulePathError(`invalid escaped version "${v}": ${err}`);
  return v;
}
