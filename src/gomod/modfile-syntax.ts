import { GopaveError, GopaveErrors } from "../util/errors.js";

/**
 * golang.org/x/mod/modfile's lexer and statement grammar, shared by go.mod (gomod-file.ts) and
 * go.work (gowork-file.ts) parsing. Errors are GOMOD_INVALID and point at file:line:col.
 */

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
export const isPunct = (t: ModToken | undefined, p: string) => t?.kind === "punct" && t.text === p;

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
