import { GopaveError, GopaveErrors } from "../util/errors.js";
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

/** A token of the go.mod grammar. "eol" ends a line and carries its trailing // comment. */
export interface ModToken {
  kind: "ident" | "string" | "punct" | "eol" | "eof";
  text: string;
  line: number;
  col: number;
}

const HINT = "the go command rejects this too; see https://go.dev/ref/mod#go-mod-file";

export function modError(
  file: string,
  at: { line: number; col: number },
  msg: string,
  hint = HINT,
) {
  return new GopaveError("GOMOD_INVALID", msg, {
    position: { file, line: at.line, col: at.col },
    hint,
  });
}

const PUNCT = new Set(["(", ")", "[", "]", "{", "}", ","]);
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function isIdentChar(c: string): boolean {
  return !PUNCT.has(c) && !/^\s$/u.test(c) && PRINTABLE.test(c);
}

/** modfile's lexer. Throws GOMOD_INVALID on input the go command cannot tokenize. */
export function lexModFile(text: string, file: string): ModToken[] {
  // No BOM skipping: the go command rejects a byte order mark in go.mod too.
  const chars = Array.from(text);
  const tokens: ModToken[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  let lineHasToken = false;
  const advance = () => {
    if (chars[i++] === "\n") {
      line++;
      col = 1;
      lineHasToken = false;
    } else col++;
  };
  const starts = (s: string) => chars.slice(i, i + s.length).join("") === s;
  const fail = (msg: string, at = { line, col }): never => {
    throw modError(file, at, msg);
  };

  while (i < chars.length) {
    const c = chars[i] as string;
    if (c === " " || c === "\t" || c === "\r") {
      advance();
      continue;
    }
    const at = { line, col };
    if (starts("//")) {
      const from = i + 2;
      while (i < chars.length && chars[i] !== "\n") advance();
      const comment = chars.slice(from, i).join("").replace(/\r$/, "");
      // A comment alone on its line is a blank line to the grammar; a trailing one ends its line.
      tokens.push({ kind: "eol", text: lineHasToken ? comment : "", ...at });
      if (i < chars.length) advance();
      continue;
    }
    if (starts("/*")) fail("mod files must use // comments (not /* */ comments)");
    if (c === "\n") {
      tokens.push({ kind: "eol", text: "", ...at });
      advance();
      continue;
    }
    lineHasToken = true;
    if (PUNCT.has(c)) {
      tokens.push({ kind: "punct", text: c, ...at });
      advance();
      continue;
    }
    if (c === '"' || c === "`") {
      const from = i;
      advance();
      for (;;) {
        if (i >= chars.length) fail("unexpected EOF in string", at);
        if (chars[i] === "\n") fail("unexpected newline in string");
        const d = chars[i] as string;
        advance();
        if (d === c) break;
        if (d === "\\" && c === '"') {
          if (i >= chars.length) fail("unexpected EOF in string", at);
          advance();
        }
      }
      tokens.push({ kind: "string", text: chars.slice(from, i).join(""), ...at });
      continue;
    }
    if (!isIdentChar(c)) fail(`unexpected input character ${JSON.stringify(c)}`);
    const from = i;
    while (i < chars.length && isIdentChar(chars[i] as string)) {
      if (starts("//")) break;
      if (starts("/*")) fail("mod files must use // comments (not /* */ comments)");
      advance();
    }
    tokens.push({ kind: "ident", text: chars.slice(from, i).join(""), ...at });
  }
  tokens.push({ kind: "eof", text: "", line, col });
  return tokens;
}

const isEol = (t: ModToken) => t.kind === "eol" || t.kind === "eof";
const isPunct = (t: ModToken | undefined, p: string) => t?.kind === "punct" && t.text === p;

export interface ModLine {
  tokens: ModToken[];
  /** Text of the trailing // comment, without the slashes. */
  comment: string | undefined;
}

export type ModStatement =
  ({ kind: "line" } & ModLine) | { kind: "block"; head: ModToken[]; lines: ModLine[] };

/** modfile's parser: single lines and `verb (` ... `)` blocks. */
export function parseModStatements(text: string, file: string): ModStatement[] {
  const toks = lexModFile(text, file);
  let p = 0;
  const peek = (k = 0) => toks[p + k] as ModToken;
  const next = () => toks[p++] as ModToken;
  const comment = (t: ModToken) => (t.kind === "eol" && t.text !== "" ? t.text : undefined);
  const out: ModStatement[] = [];

  while (peek().kind !== "eof") {
    if (peek().kind === "eol") {
      next();
      continue;
    }
    // The first token is always the verb, even "(" (which then is an unknown directive).
    const head: ModToken[] = [next()];
    let block: "open" | "empty" | undefined;
    let end: ModToken | undefined;
    while (block === undefined && end === undefined) {
      const t = peek();
      if (isEol(t)) {
        end = t;
        if (t.kind === "eol") next();
      } else if (isPunct(t, "(") && isEol(peek(1))) {
        next();
        block = "open";
      } else if (isPunct(t, "(") && isPunct(peek(1), ")") && isEol(peek(2))) {
        next();
        next();
        if (peek().kind === "eol") next();
        block = "empty";
      } else head.push(next());
    }
    if (block === undefined) {
      out.push({ kind: "line", tokens: head, comment: end && comment(end) });
      continue;
    }
    const lines: ModLine[] = [];
    out.push({ kind: "block", head, lines });
    if (block === "empty") continue;
    const start = head[0] as ModToken;
    for (;;) {
      const t = peek();
      if (t.kind === "eof") {
        throw modError(
          file,
          start,
          `syntax error (unterminated block started at ${file}:${start.line}:${start.col})`,
        );
      }
      if (t.kind === "eol") {
        next();
        continue;
      }
      if (isPunct(t, ")")) {
        next();
        if (!isEol(peek())) {
          throw modError(file, peek(), "syntax error (expected newline after closing paren)");
        }
        if (peek().kind === "eol") next();
        break;
      }
      const tokens: ModToken[] = [];
      while (!isEol(peek())) tokens.push(next());
      const e = peek();
      if (e.kind === "eol") next();
      lines.push({ tokens, comment: comment(e) });
    }
  }
  return out;
}

/** One directive: `verb args...`, on its own line or as a line of a `verb ( ... )` block. */
export interface ModDirective extends ModLine {
  verb: string;
  args: ModToken[];
  /** Where the directive's line starts (errors about the whole line point here). */
  at: ModToken;
  inBlock: boolean;
}

/**
 * Flattens blocks into directives. A block is only allowed for `blockVerbs`; anything else is
 * reported as modfile does ("unknown block type").
 */
export function flattenDirectives(
  stmts: ModStatement[],
  file: string,
  blockVerbs: ReadonlySet<string>,
  errs: GopaveError[],
): ModDirective[] {
  const out: ModDirective[] = [];
  for (const s of stmts) {
    if (s.kind === "line") {
      const at = s.tokens[0] as ModToken;
      out.push({ ...s, verb: at.text, args: s.tokens.slice(1), at, inBlock: false });
      continue;
    }
    const verb = s.head[0] as ModToken;
    if (s.head.length > 1 || !blockVerbs.has(verb.text)) {
      errs.push(modError(file, verb, `unknown block type: ${s.head.map((t) => t.text).join(" ")}`));
      continue;
    }
    for (const l of s.lines) {
      out.push({
        ...l,
        verb: verb.text,
        args: l.tokens,
        at: l.tokens[0] as ModToken,
        inBlock: true,
      });
    }
  }
  return out;
}

/** Throws the collected errors: one as itself, several together. */
export function throwIfAny(errs: GopaveError[]): void {
  if (errs.length === 1) throw errs[0];
  if (errs.length > 1) throw new GopaveErrors(errs);
}

/** golang.org/x/mod/modfile GoVersionRE: what a `go` line may say. */
export const GO_LINE_RE = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$/;
/** modfile ToolchainRE: deliberately loose so newer toolchain names still parse. */
export const TOOLCHAIN_RE = /^default$|^go1($|\.)/;

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
};

/** strconv.Unquote for a double-quoted Go string; undefined on invalid syntax. */
export function unquoteGoString(s: string): string | undefined {
  if (s.length < 2 || !s.startsWith('"') || !s.endsWith('"')) return undefined;
  const body = s.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '"' || c === "\n") return undefined;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const hex = { x: 2, u: 4, U: 8 }[e];
    if (hex !== undefined) {
      const digits = body.slice(i + 1, i + 1 + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) return undefined;
      const n = parseInt(digits, 16);
      if (e !== "x" && (n > 0x10ffff || (n >= 0xd800 && n < 0xe000))) return undefined;
      out += String.fromCodePoint(n);
      i += hex;
      continue;
    }
    const oct = body.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined;
    out += String.fromCodePoint(parseInt(oct, 8));
    i += 2;
  }
  return out;
}

/** modfile parseString: a path token, quoted or bare. */
export function parseModString(t: ModToken, file: string, errs: GopaveError[]): string | undefined {
  if (t.text.startsWith('"')) {
    const s = unquoteGoString(t.text);
    if (s === undefined) errs.push(modError(file, t, "invalid quoted string: invalid syntax"));
    return s;
  }
  if (/["'`]/.test(t.text)) {
    errs.push(modError(file, t, "invalid quoted string: unquoted string cannot contain quote"));
    return undefined;
  }
  return t.text;
}

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
