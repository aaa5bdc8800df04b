import type { GopaveError } from "../util/errors.js";
import type { ModDirective, ModToken } from "./modfile-syntax.js";
import {
  flattenDirectives,
  isPunct,
  modError,
  parseModStatements,
  parseModString,
  throwIfAny,
} from "./modfile-syntax.js";
import { canonicalVersion, checkPathMajor, splitPathVersion } from "./module-escape.js";

/**
 * go.mod parsing with golang.org/x/mod/modfile's grammar and its strict (main-module) rules, so
 * a file gopave accepts is one the go command accepts, and errors point at file:line:col.
 */

export interface GoModRequire {
  path: string;
  /** Canonical, as the go command reads it ("v1.2" -> "v1.2.0"). */
  version: string;
  /** Marked `// indirect`. */
  indirect: boolean;
  line: number;
}

export interface ModuleVersion {
  path: string;
  /** undefined for a local directory replacement, or a replace of every version. */
  version: string | undefined;
}

export interface GoModReplace {
  old: ModuleVersion;
  new: ModuleVersion;
  /** The replacement is a directory ("./x", "../x", "/abs"), not a module. */
  local: boolean;
  line: number;
}

export interface GoModFile {
  module: { path: string; line: number };
  go?: { version: string; line: number };
  toolchain?: { name: string; line: number };
  godebug: { key: string; value: string; line: number }[];
  requires: GoModRequire[];
  replaces: GoModReplace[];
  excludes: { path: string; version: string; line: number }[];
  retracts: { low: string; high: string; line: number }[];
  /** Present only when the file has `tool` directives (Go 1.24+). */
  tools?: { path: string; line: number }[];
  /** `ignore` directives (Go 1.25+): directories `./...` patterns skip. */
  ignores: { path: string; line: number }[];
}

/** golang.org/x/mod/modfile GoVersionRE: what a `go` line may say. */
export const GO_LINE_RE = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$/;
/** modfile ToolchainRE: deliberately loose so newer toolchain names still parse. */
export const TOOLCHAIN_RE = /^default$|^go1($|\.)/;

function parseModVersion(
  verb: string,
  path: string,
  t: ModToken,
  file: string,
  errs: GopaveError[],
): string | undefined {
  const s = parseModString(t, file, errs);
  if (s === undefined) return undefined;
  const v = canonicalVersion(s);
  if (v === undefined) {
    const what = path === "" ? verb : `${verb} ${path}`;
    errs.push(modError(file, t, `${what}: version "${s}" invalid: must be of the form v1.2.3`));
  }
  return v;
}

/** modfile IsDirectoryPath: relative or rooted paths (Unix or Windows) are directories. */
export function isDirectoryPath(p: string): boolean {
  return /^(\.{1,2}[/\\]|[/\\]|[A-Za-z]:)/.test(p);
}

/** modfile parseReplace, shared by go.mod and go.work. */
export function parseReplaceDirective(
  d: ModDirective,
  file: string,
  errs: GopaveError[],
): GoModReplace | undefined {
  const a = d.args;
  const arrow = a.length >= 2 && a[1]?.text === "=>" ? 1 : 2;
  if (a.length < arrow + 2 || a.length > arrow + 3 || a[arrow]?.text !== "=>") {
    errs.push(
      modError(
        file,
        d.at,
        `usage: ${d.verb} module/path [v1.2.3] => other/module v1.4\n\t or ${d.verb} module/path [v1.2.3] => ../local/directory`,
      ),
    );
    return undefined;
  }
  const n = errs.length;
  const oldPath = parseModString(a[0] as ModToken, file, errs);
  if (oldPath === undefined) return undefined;
  const split = splitPathVersion(oldPath);
  if (!split.ok) {
    errs.push(modError(file, a[0] as ModToken, `${d.verb} ${oldPath}: invalid module path`));
    return undefined;
  }
  let oldVersion: string | undefined;
  if (arrow === 2) {
    oldVersion = parseModVersion(d.verb, oldPath, a[1] as ModToken, file, errs);
    const bad = oldVersion && checkPathMajor(oldVersion, split.pathMajor);
    if (bad) errs.push(modError(file, a[1] as ModToken, `${d.verb} ${oldPath}: ${bad}`));
  }
  const newTok = a[arrow + 1] as ModToken;
  const newPath = parseModString(newTok, file, errs);
  if (newPath === undefined) return undefined;
  const local = isDirectoryPath(newPath);
  let newVersion: string | undefined;
  if (a.length === arrow + 2) {
    if (!local) {
      const msg = newPath.includes("@")
        ? "replacement module must match format 'path version', not 'path@version'"
        : "replacement module without version must be directory path (rooted or starting with ./ or ../)";
      errs.push(modError(file, newTok, msg));
    }
  } else {
    newVersion = parseModVersion(d.verb, newPath, a[arrow + 2] as ModToken, file, errs);
    if (local) {
      errs.push(
        modError(
          file,
          newTok,
          `replacement module directory path "${newPath}" cannot have version`,
        ),
      );
    }
  }
  if (errs.length > n) return undefined;
  return {
    old: { path: oldPath, version: oldVersion },
    new: { path: newPath, version: newVersion },
    local,
    line: d.at.line,
  };
}

/** `go` and `toolchain` lines, the same in go.mod and go.work. */
export function parseGoOrToolchain(
  d: ModDirective,
  file: string,
  errs: GopaveError[],
): string | undefined {
  const what = d.verb;
  if (d.args.length !== 1) {
    errs.push(modError(file, d.at, `${what} directive expects exactly one argument`));
    return undefined;
  }
  const t = d.args[0] as ModToken;
  if (what === "go" && !GO_LINE_RE.test(t.text)) {
    errs.push(modError(file, t, `invalid go version '${t.text}': must match format 1.23.0`));
    return undefined;
  }
  if (what === "toolchain" && !TOOLCHAIN_RE.test(t.text)) {
    errs.push(
      modError(
        file,
        t,
        `invalid toolchain version '${t.text}': must match format go1.23.0 or default`,
      ),
    );
    return undefined;
  }
  return t.text;
}

/** `godebug key=value`, the same in go.mod and go.work. */
export function parseGodebug(d: ModDirective, file: string, errs: GopaveError[]) {
  const t = d.args[0];
  const eq = t?.text.indexOf("=") ?? -1;
  if (d.args.length !== 1 || !t || /["`',]/.test(t.text) || eq < 0) {
    errs.push(modError(file, d.at, "usage: godebug key=value"));
    return undefined;
  }
  return { key: t.text.slice(0, eq), value: t.text.slice(eq + 1), line: d.at.line };
}

function isIndirect(comment: string | undefined): boolean {
  const f = (comment ?? "").trim().split(/\s+/);
  return (f.length === 1 && f[0] === "indirect") || (f.length > 1 && f[0] === "indirect;");
}

const MOD_BLOCK_VERBS = new Set([
  "module",
  "godebug",
  "require",
  "exclude",
  "replace",
  "retract",
  "tool",
  "ignore",
]);

/** Parses go.mod text. `file` is only used in error positions. Throws GOMOD_INVALID. */
export function parseGoMod(text: string, file: string): GoModFile {
  const errs: GopaveError[] = [];
  const dirs = flattenDirectives(parseModStatements(text, file), file, MOD_BLOCK_VERBS, errs);
  let module: GoModFile["module"] | undefined;
  const f: Omit<GoModFile, "module"> = {
    godebug: [],
    requires: [],
    replaces: [],
    excludes: [],
    retracts: [],
    ignores: [],
  };
  const once = (d: ModDirective, seen: unknown) => {
    if (seen !== undefined) errs.push(modError(file, d.at, `repeated ${d.verb} statement`));
    return seen === undefined;
  };
  const oneArg = (d: ModDirective, usage: string): ModToken | undefined => {
    if (d.args.length === 1) return d.args[0];
    errs.push(modError(file, d.at, usage));
    return undefined;
  };

  for (const d of dirs) {
    const line = d.at.line;
    switch (d.verb) {
      case "module": {
        if (!once(d, module)) break;
        const t = oneArg(d, "usage: module module/path");
        const path = t && parseModString(t, file, errs);
        module = { path: path ?? "", line };
        break;
      }
      case "go":
      case "toolchain": {
        if (!once(d, d.verb === "go" ? f.go : f.toolchain)) break;
        const v = parseGoOrToolchain(d, file, errs);
        if (v === undefined) break;
        if (d.verb === "go") f.go = { version: v, line };
        else f.toolchain = { name: v, line };
        break;
      }
      case "godebug": {
        const g = parseGodebug(d, file, errs);
        if (g) f.godebug.push(g);
        break;
      }
      case "require":
      case "exclude": {
        if (d.args.length !== 2) {
          errs.push(modError(file, d.at, `usage: ${d.verb} module/path v1.2.3`));
          break;
        }
        const path = parseModString(d.args[0] as ModToken, file, errs);
        if (path === undefined) break;
        const version = parseModVersion(d.verb, path, d.args[1] as ModToken, file, errs);
        if (version === undefined) break;
        const split = splitPathVersion(path);
        const bad = split.ok ? checkPathMajor(version, split.pathMajor) : "invalid module path";
        if (bad) {
          errs.push(
            modError(file, d.args[split.ok ? 1 : 0] as ModToken, `${d.verb} ${path}: ${bad}`),
          );
          break;
        }
        if (d.verb === "require") {
          f.requires.push({ path, version, indirect: isIndirect(d.comment), line });
        } else f.excludes.push({ path, version, line });
        break;
      }
      case "replace": {
        const r = parseReplaceDirective(d, file, errs);
        if (r) f.replaces.push(r);
        break;
      }
      case "retract": {
        const r = parseRetract(d, file, errs);
        if (r) f.retracts.push(r);
        break;
      }
      case "tool":
      case "ignore": {
        const t = oneArg(d, `${d.verb} directive expects exactly one argument`);
        const path = t && parseModString(t, file, errs);
        if (path === undefined) break;
        if (d.verb === "tool") (f.tools ??= []).push({ path, line });
        else f.ignores.push({ path, line });
        break;
      }
      default:
        errs.push(modError(file, d.at, `unknown directive: ${d.verb}`));
    }
  }
  throwIfAny(errs);
  if (module === undefined) {
    throw modError(
      file,
      { line: 1, col: 1 },
      "missing module declaration",
      "add a `module <path>` line, e.g. run: go mod edit -module=example.com/mod",
    );
  }
  return { module, ...f };
}

/** `retract v1.0.0` or `retract [v1.0.0, v1.9.9]`. */
function parseRetract(d: ModDirective, file: string, errs: GopaveError[]) {
  const a = d.args;
  const fail = (t: ModToken | undefined, msg: string) => {
    errs.push(modError(file, t ?? d.at, msg));
    return undefined;
  };
  const version = (t: ModToken | undefined) =>
    t ? parseModVersion("retract", "", t, file, errs) : undefined;
  let low: string | undefined;
  let high: string | undefined;
  let rest: ModToken[];
  if (a.length === 0 || isPunct(a[0], "(")) return fail(a[0], "expected '[' or version");
  if (!isPunct(a[0], "[")) {
    low = high = version(a[0]);
    rest = a.slice(1);
  } else {
    if (a.length < 2) return fail(a[0], "expected version after '['");
    low = version(a[1]);
    if (!isPunct(a[2], ",")) return fail(a[2], "expected ',' after version");
    if (a.length < 4) return fail(a[2], "expected version after ','");
    high = version(a[3]);
    if (!isPunct(a[4], "]")) return fail(a[4], "expected ']' after version");
    rest = a.slice(5);
  }
  if (rest.length > 0) return fail(rest[0], `unexpected token after version: "${rest[0]?.text}"`);
  if (low === undefined || high === undefined) return undefined;
  return { low, high, line: d.at.line };
}
