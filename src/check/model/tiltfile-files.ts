import { posix } from "node:path";
import { hasMarker } from "../../generate/marker.js";
import type { TiltFile, TiltSetting } from "../types.js";
import type { SourceFile } from "./assemble.js";
import { lineHolding, textFile } from "./text-file.js";
import { logicalLines, shellCommands } from "./shell-words.js";

/**
 * Tiltfiles, read with a small Starlark scanner: string literals (both quote kinds, prefixes,
 * escapes, triple quotes), `#` comments, calls with positional and keyword arguments, dict,
 * list and tuple literals spread over lines, and `+` between strings. Enough to find what a
 * Tiltfile passes to builds and commands as environment (`build_args=`, `env=`, `serve_env=`,
 * `NAME=value go ...` and `--build-arg NAME=value` in command strings). Top-level assignments
 * of a string or dict (`GO = '1.22.3'`) are followed when the name is assigned once; anything
 * computed (function results, `%`, `.format()`, `os.getenv`) is not. It never throws: what it
 * cannot make sense of is skipped, one token at a time.
 */

export type StarToken =
  | { t: "str"; value: string | undefined; line: number; end: number }
  | { t: "name"; text: string; line: number; col: number }
  | { t: "op"; text: string; line: number }
  | { t: "nl"; line: number };

const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
};
const OPS2 = new Set([
  "==",
  "!=",
  "<=",
  ">=",
  "**",
  "//",
  "->",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "|=",
  "&=",
  "^=",
  "<<",
  ">>",
]);

/** Starlark's tokens; newlines only where they end a statement (outside brackets). */
export function starlarkTokens(text: string): StarToken[] {
  const out: StarToken[] = [];
  const n = text.length;
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = text[i] as string;
    if (c === "\n") {
      if (depth === 0 && out.length > 0 && out[out.length - 1]?.t !== "nl") {
        out.push({ t: "nl", line });
      }
      line++;
      i++;
      lineStart = i;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\ufeff") {
      i++;
    } else if (c === "#") {
      while (i < n && text[i] !== "\n") i++;
    } else if (c === "\\" && (text[i + 1] === "\n" || text.slice(i + 1, i + 3) === "\r\n")) {
      // An explicit line joining: the statement goes on.
      i += text[i + 1] === "\n" ? 2 : 3;
      line++;
      lineStart = i;
    } else if (c === "'" || c === '"' || /^[rRbB]{1,2}['"]/.test(text.slice(i, i + 3))) {
      let j = i;
      let raw = false;
      while (text[j] !== "'" && text[j] !== '"') {
        if (text[j] === "r" || text[j] === "R") raw = true;
        j++;
      }
      const q = text[j] as string;
      const triple = text.slice(j, j + 3) === q.repeat(3);
      const close = triple ? q.repeat(3) : q;
      const start = line;
      j += close.length;
      let value: string | undefined = "";
      let done = false;
      while (j < n) {
        const d = text[j] as string;
        if (text.startsWith(close, j)) {
          j += close.length;
          done = true;
          break;
        }
        if (d === "\n") {
          if (!triple) break; // unterminated: ends at its line
          line++;
          lineStart = j + 1;
          value += d;
          j++;
        } else if (d === "\\" && j + 1 < n) {
          const e = text[j + 1] as string;
          if (e === "\n") {
            line++;
            lineStart = j + 2;
            if (raw) value += "\\\n";
          } else if (raw) {
            value += d + e;
          } else if (ESCAPES[e] !== undefined) {
            value += ESCAPES[e];
          } else if (e === "x" && /^[0-9a-fA-F]{2}$/.test(text.slice(j + 2, j + 4))) {
            value += String.fromCharCode(parseInt(text.slice(j + 2, j + 4), 16));
            j += 2;
          } else if (/[0-7]/.test(e)) {
            const m = /^[0-7]{1,3}/.exec(text.slice(j + 1, j + 4)) as RegExpExecArray;
            value += String.fromCharCode(parseInt(m[0], 8));
            j += m[0].length - 1;
          } else {
            value += d + e;
          }
          j += 2;
        } else {
          value += d;
          j++;
        }
      }
      if (!done) value = undefined;
      out.push({ t: "str", value, line: start, end: line });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*/.exec(text.slice(i, i + 256)) as RegExpExecArray;
      out.push({ t: "name", text: m[0], line, col: i - lineStart });
      i += m[0].length;
    } else if (/\d/.test(c) || (c === "." && /\d/.test(text[i + 1] ?? ""))) {
      const m = /^[\d.]\w*/.exec(text.slice(i, i + 64)) as RegExpExecArray;
      out.push({ t: "op", text: "0", line });
      i += m[0].length;
    } else {
      const two = text.slice(i, i + 2);
      const op = OPS2.has(two) ? two : c;
      if (op === "(" || op === "[" || op === "{") depth++;
      else if ((op === ")" || op === "]" || op === "}") && depth > 0) depth--;
      out.push({ t: "op", text: op, line });
      i += op.length;
    }
  }
  return out;
}

export type StarExpr =
  | { k: "str"; value: string; line: number; end: number }
  | { k: "name"; name: string; line: number; end: number }
  | { k: "dict"; line: number; end: number; entries: StarEntry[] }
  | { k: "list"; line: number; end: number; items: StarExpr[] }
  | { k: "concat"; line: number; end: number; parts: StarExpr[] }
  | StarCall
  | { k: "other"; line: number; end: number };

export interface StarEntry {
  key: StarExpr;
  value: StarExpr;
  line: number;
}

export interface StarCall {
  k: "call";
  /** The called name, dotted for attributes (`docker_build`, `os.getenv`). */
  fn: string;
  line: number;
  end: number;
  args: StarExpr[];
  kwargs: { name: string; value: StarExpr; line: number }[];
}

export interface StarlarkFile {
  /** Every call, nested ones included, in source order. */
  calls: StarCall[];
  /** Top-level (column 0) assignments `NAME = expr`; a name assigned more than once maps to undefined. */
  globals: Map<string, StarExpr | undefined>;
}

const CLOSERS = new Set([")", "]", "}"]);
const STOPS = new Set([",", ":", "=", ")", "]", "}"]);
const MAX_DEPTH = 64;

/** The calls and top-level assignments of a Starlark file. */
export function parseStarlark(text: string): StarlarkFile {
  const toks = starlarkTokens(text);
  const calls: StarCall[] = [];
  const globals = new Map<string, StarExpr | undefined>();
  let pos = 0;
  const peek = (k = 0): StarToken | undefined => toks[pos + k];
  const isOp = (t: StarToken | undefined, s: string) => t?.t === "op" && t.text === s;
  const lastLine = () => {
    const t = toks[pos - 1];
    return t ? (t.t === "str" ? t.end : t.line) : 1;
  };
  /** Past a bracketed group whose opener is at `pos` (too deep to parse), without recursion. */
  const skipGroup = (): void => {
    let d = 0;
    for (let t = peek(); t; t = peek()) {
      pos++;
      if (t.t !== "op") continue;
      if (t.text === "(" || t.text === "[" || t.text === "{") d++;
      else if (CLOSERS.has(t.text) && --d <= 0) return;
    }
  };

  /** Items up to `closer` (consumed); each item parsed by `item`. Stops at a statement end. */
  const items = (closer: string, item: () => void): void => {
    for (let t = peek(); t; t = peek()) {
      if (t.t === "nl") return;
      if (t.t === "op" && CLOSERS.has(t.text)) {
        // A mismatched closer ends this group too, and is left to the group it closes.
        if (t.text === closer) pos++;
        return;
      }
      if (isOp(t, ",") || isOp(t, ":") || isOp(t, "=")) {
        pos++;
        continue;
      }
      const before = pos;
      item();
      if (pos === before) pos++;
    }
  };

  const parseExpr = (depth: number): StarExpr => {
    const first = peek();
    const line = first ? (first.t === "str" ? first.line : first.line) : 1;
    const parts: StarExpr[] = [];
    let concat = true;
    for (let t = peek(); t && t.t !== "nl"; t = peek()) {
      if (t.t === "op" && STOPS.has(t.text)) break;
      if (t.t === "name" && (t.text === "for" || t.text === "if") && parts.length > 0) {
        // A comprehension or conditional: its value is not a literal.
        concat = false;
      }
      if (parts.length > 0) {
        if (isOp(t, "+")) {
          pos++;
          continue;
        }
        if (t.t === "op" && !["(", "[", "{"].includes(t.text)) {
          concat = false;
          pos++;
          continue;
        }
        if (t.t === "name" && ["for", "if", "else", "in", "and", "or", "not"].includes(t.text)) {
          concat = false;
          pos++;
          continue;
        }
      }
      const before = pos;
      const operand = parseOperand(depth);
      if (pos === before) {
        pos++;
        concat = false;
        continue;
      }
      parts.push(operand);
    }
    const end = lastLine();
    if (parts.length === 1 && concat) return parts[0] as StarExpr;
    if (parts.length > 1 && concat) return { k: "concat", line, end, parts };
    return { k: "other", line, end };
  };

  const parseOperand = (depth: number): StarExpr => {
    const t = peek() as StarToken;
    const line = t.line;
    if (depth > MAX_DEPTH && t.t === "op" && ["(", "[", "{"].includes(t.text)) {
      // Too deep to be a Tiltfile anyone wrote: the group is skipped whole, without recursing.
      skipGroup();
      return { k: "other", line, end: lastLine() };
    }
    let e: StarExpr;
    if (t.t === "str") {
      pos++;
      e =
        t.value === undefined
          ? { k: "other", line, end: t.end }
          : { k: "str", value: t.value, line, end: t.end };
    } else if (t.t === "name") {
      let name = t.text;
      pos++;
      while (isOp(peek(), ".") && peek(1)?.t === "name") {
        name += `.${(peek(1) as { text: string }).text}`;
        pos += 2;
      }
      e = isOp(peek(), "(")
        ? parseCall(name, line, depth)
        : { k: "name", name, line, end: lastLine() };
    } else if (isOp(t, "(")) {
      pos++;
      const list: StarExpr[] = [];
      items(")", () => list.push(parseExpr(depth + 1)));
      // `(x)` is x; a one-element tuple `(x,)` is taken for x as well.
      e =
        list.length === 1
          ? (list[0] as StarExpr)
          : { k: "list", line, end: lastLine(), items: list };
    } else if (isOp(t, "[")) {
      pos++;
      const list: StarExpr[] = [];
      items("]", () => list.push(parseExpr(depth + 1)));
      e = { k: "list", line, end: lastLine(), items: list };
    } else if (isOp(t, "{")) {
      pos++;
      const entries: StarEntry[] = [];
      items("}", () => {
        const key = parseExpr(depth + 1);
        if (!isOp(peek(), ":")) return;
        pos++;
        entries.push({ key, value: parseExpr(depth + 1), line: key.line });
      });
      e = { k: "dict", line, end: lastLine(), entries };
    } else {
      pos++;
      return { k: "other", line, end: line };
    }
    // A subscript, attribute or call on the result (`'%s'.format(x)`, `x[0]`): not a literal.
    let changed = false;
    for (let s = peek(); isOp(s, "[") || isOp(s, ".") || isOp(s, "("); s = peek()) {
      changed = true;
      if (isOp(s, ".")) {
        pos++;
        if (peek()?.t === "name") pos++;
        continue;
      }
      if (isOp(s, "(")) {
        parseCall("", (s as StarToken).line, depth);
        continue;
      }
      if (depth > MAX_DEPTH) {
        skipGroup();
        continue;
      }
      pos++;
      items("]", () => parseExpr(depth + 1));
    }
    return changed ? { k: "other", line, end: lastLine() } : e;
  };

  const parseCall = (fn: string, line: number, depth: number): StarCall => {
    const call: StarCall = { k: "call", fn, line, end: line, args: [], kwargs: [] };
    if (depth > MAX_DEPTH) {
      skipGroup();
      call.end = lastLine();
      return call;
    }
    if (fn !== "") calls.push(call);
    pos++; // (
    items(")", () => {
      const t = peek();
      if (isOp(t, "*") || isOp(t, "**")) {
        pos++;
        parseExpr(depth + 1);
        return;
      }
      if (t?.t === "name" && isOp(peek(1), "=")) {
        pos += 2;
        call.kwargs.push({ name: t.text, value: parseExpr(depth + 1), line: t.line });
        return;
      }
      call.args.push(parseExpr(depth + 1));
    });
    call.end = lastLine();
    return call;
  };

  while (pos < toks.length) {
    const t = peek() as StarToken;
    if (t.t === "nl" || (t.t === "op" && CLOSERS.has(t.text))) {
      pos++;
      continue;
    }
    if (t.t === "name" && peek(1)?.t === "op") {
      const op = (peek(1) as { text: string }).text;
      if (
        op === "=" ||
        (op.length === 2 && op.endsWith("=") && !["==", "!=", "<=", ">="].includes(op))
      ) {
        pos += 2;
        const value = parseExpr(0);
        if (t.col === 0)
          globals.set(t.text, op === "=" && !globals.has(t.text) ? value : undefined);
        continue;
      }
    }
    const before = pos;
    parseExpr(0);
    if (pos === before) pos++;
  }
  return { calls, globals };
}

/** A string the expression always evaluates to, following top-level names and `+`. */
export function stringOf(
  e: StarExpr | undefined,
  globals: StarlarkFile["globals"],
  depth = 0,
): string | undefined {
  if (!e || depth > 16) return undefined;
  if (e.k === "str") return e.value;
  if (e.k === "name") return stringOf(globals.get(e.name), globals, depth + 1);
  if (e.k === "concat") {
    let out = "";
    for (const p of e.parts) {
      const s = stringOf(p, globals, depth + 1);
      if (s === undefined) return undefined;
      out += s;
    }
    return out;
  }
  return undefined;
}

/** A dict literal, `dict(K='v')`, or a top-level name bound to one. */
function dictOf(
  e: StarExpr | undefined,
  globals: StarlarkFile["globals"],
  depth = 0,
): StarEntry[] | undefined {
  if (!e || depth > 16) return undefined;
  if (e.k === "dict") return e.entries;
  if (e.k === "name") return dictOf(globals.get(e.name), globals, depth + 1);
  if (e.k === "call" && e.fn === "dict" && e.args.length === 0) {
    return e.kwargs.map((k) => ({
      key: { k: "str", value: k.name, line: k.line, end: k.line },
      value: k.value,
      line: k.line,
    }));
  }
  return undefined;
}

/** Where a call takes its command positionally (Tilt's signatures). */
const COMMAND_ARG = new Map([
  ["local", 0],
  ["run", 0],
  ["local_resource", 1],
  ["custom_build", 1],
]);
const COMMAND_KWARGS = new Set(["cmd", "serve_cmd", "command"]);
const ENV_KWARGS = new Set(["build_args", "env", "serve_env"]);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function callLabel(call: StarCall, globals: StarlarkFile["globals"]): string {
  const first = COMMAND_ARG.get(call.fn) === 0 ? undefined : call.args[0];
  const name = stringOf(first, globals);
  return name !== undefined && name.length <= 60 && !/['\n]/.test(name)
    ? `${call.fn}('${name}')`
    : `${call.fn}()`;
}

/** `NAME=value` prefixes (and `export NAME=value`) and `--build-arg NAME=value` in shell words. */
function commandWords(words: string[]): { name: string; value: string; via: TiltSetting["via"] }[] {
  const out: { name: string; value: string; via: TiltSetting["via"] }[] = [];
  const assignment = (w: string) => {
    const eq = w.indexOf("=");
    return eq > 0 && NAME.test(w.slice(0, eq))
      ? { name: w.slice(0, eq), value: w.slice(eq + 1) }
      : undefined;
  };
  let k = words[0] === "export" ? 1 : 0;
  const exported = k === 1;
  for (; k < words.length; k++) {
    const a = assignment(words[k] as string);
    if (!a) break;
    // A bare `X=v` with no command after it sets a shell variable, not the environment.
    if (exported || k + 1 < words.length) out.push({ ...a, via: "command" });
  }
  words.forEach((w, j) => {
    const arg =
      w === "--build-arg" ? words[j + 1] : w.startsWith("--build-arg=") ? w.slice(12) : undefined;
    const a = arg === undefined ? undefined : assignment(arg);
    if (a) out.push({ ...a, via: "build-arg" });
  });
  return out;
}

function commandSettings(
  e: StarExpr,
  globals: StarlarkFile["globals"],
  lines: readonly string[],
  where: string,
): TiltSetting[] {
  const at = (text: string) => lineHolding(lines, e.line, Math.max(e.line, e.end), text) ?? e.line;
  if (e.k === "list") {
    // argv form: no shell, so only `--build-arg` pairs mean anything.
    const words = e.items.map((i) => stringOf(i, globals) ?? "");
    return commandWords(["", ...words])
      .filter((s) => s.via === "build-arg")
      .map((s) => ({ ...s, line: at(`${s.name}=`), where }));
  }
  const cmd = stringOf(e, globals);
  if (cmd === undefined) return [];
  const out: TiltSetting[] = [];
  for (const logical of logicalLines(cmd.split(/\r?\n/))) {
    for (const words of shellCommands(logical.text)) {
      for (const s of commandWords(words)) out.push({ ...s, line: at(`${s.name}=`), where });
    }
  }
  return out;
}

/** What a Tiltfile passes to builds and commands as environment. */
export function tiltSettings(file: StarlarkFile, lines: readonly string[]): TiltSetting[] {
  const out: TiltSetting[] = [];
  for (const call of file.calls) {
    const label = callLabel(call, file.globals);
    for (const kw of call.kwargs) {
      if (ENV_KWARGS.has(kw.name)) {
        for (const entry of dictOf(kw.value, file.globals) ?? []) {
          const name = stringOf(entry.key, file.globals);
          const value = stringOf(entry.value, file.globals);
          if (name === undefined || value === undefined || !NAME.test(name)) continue;
          // `'GO_VERSION': GO`: reported where it is passed; the variable says where GO is set.
          const from = entry.value.k === "name" ? file.globals.get(entry.value.name) : undefined;
          out.push({
            name,
            value,
            line: entry.line,
            via: kw.name as TiltSetting["via"],
            where: `${label} ${kw.name}`,
            ...(from && entry.value.k === "name"
              ? { variable: { name: entry.value.name, line: from.line } }
              : {}),
          });
        }
      } else if (COMMAND_KWARGS.has(kw.name)) {
        out.push(...commandSettings(kw.value, file.globals, lines, `${label} ${kw.name}`));
      }
    }
    const idx = COMMAND_ARG.get(call.fn);
    const positional = idx === undefined ? undefined : call.args[idx];
    if (positional)
      out.push(...commandSettings(positional, file.globals, lines, `${label} command`));
  }
  return out;
}

/** Paths a Tiltfile loads or includes, relative to the repo root (extensions and escapes left out). */
export function loadedPaths(path: string, file: StarlarkFile): string[] {
  const out: string[] = [];
  for (const call of file.calls) {
    if (call.fn !== "load" && call.fn !== "include") continue;
    const target = stringOf(call.args[0], file.globals);
    if (target === undefined || target.includes("://") || posix.isAbsolute(target)) continue;
    const p = posix.normalize(posix.join(posix.dirname(path), target));
    const base = posix.basename(p);
    if (p.startsWith("../") || p === ".." || p === ".") continue;
    if (base === "Tiltfile" || /\.(?:tiltfile|star)$/i.test(base)) out.push(p);
  }
  return out;
}

export function readTiltfile(path: string, text: string, loadedBy?: string): TiltFile {
  const base = textFile(path, text);
  const generated = hasMarker(base.text);
  const parsed = parseStarlark(base.text);
  return {
    ...base,
    generated,
    loadedBy,
    loads: generated ? [] : loadedPaths(path, parsed),
    settings: generated ? [] : tiltSettings(parsed, base.lines),
  };
}

const MAX_LOADED = 200;

/**
 * The Tiltfiles among the model's sources, and the files hand-written ones load or include
 * (read with `readFile`, transitively), sorted by path.
 */
export function readTiltfiles(
  sources: readonly SourceFile[],
  readFile: (path: string) => string | undefined,
): TiltFile[] {
  const out = new Map<string, TiltFile>();
  const queue: TiltFile[] = [];
  for (const s of sources) {
    if (s.kind !== "tiltfile" || out.has(s.path)) continue;
    const f = readTiltfile(s.path, s.text);
    out.set(s.path, f);
    queue.push(f);
  }
  let loaded = 0;
  while (queue.length > 0 && loaded < MAX_LOADED) {
    const f = queue.shift() as TiltFile;
    for (const p of f.loads) {
      if (out.has(p)) continue;
      const text = readFile(p);
      if (text === undefined) continue;
      const g = readTiltfile(p, text, f.path);
      out.set(p, g);
      queue.push(g);
      loaded++;
    }
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
