/** A Go token: enough of the lexical grammar to read calls, struct types and switch statements. */
export interface GoToken {
  kind: "ident" | "string" | "number" | "char" | "op";
  /** Identifier or operator text; a string literal's value (escapes of `\"` and `\\` undone). */
  text: string;
  line: number;
}

const OPS3 = new Set(["<<=", ">>=", "&^=", "...", "&&=", "||="]);
const OPS2 = new Set([
  "<<",
  ">>",
  "&^",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "&&",
  "||",
  "<-",
  "++",
  "--",
  "==",
  "!=",
  "<=",
  ">=",
  ":=",
]);

const KEYWORDS = new Set(
  "case chan const default defer else for func go goto if import interface map package range select struct switch type var".split(
    " ",
  ),
);

/** Go's automatic semicolons: a line ending in one of these ends a statement or field. */
function endsStatement(t: GoToken | undefined): boolean {
  if (!t) return false;
  if (t.kind === "ident") return !KEYWORDS.has(t.text);
  if (t.kind !== "op") return true;
  return [")", "]", "}", "++", "--"].includes(t.text);
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/**
 * Tokens of Go source, comments dropped, with the semicolons Go inserts at line ends. Not a full
 * lexer (no imaginary literals, no exact number syntax, any non-ASCII character taken as a
 * letter), which the readers here do not need; written for speed on big repos.
 */
export function goTokens(src: string): GoToken[] {
  const out: GoToken[] = [];
  let i = 0;
  let line = 1;
  const n = src.length;
  const newline = () => {
    if (endsStatement(out[out.length - 1])) out.push({ kind: "op", text: ";", line });
    line++;
  };
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      newline();
      i++;
    } else if (c === 32 || c === 9 || c === 13) {
      i++;
    } else if (c === 47 && src.charCodeAt(i + 1) === 47) {
      const nl = src.indexOf("\n", i);
      i = nl < 0 ? n : nl;
    } else if (c === 47 && src.charCodeAt(i + 1) === 42) {
      const end = src.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let k = src.indexOf("\n", i); k >= 0 && k < stop; k = src.indexOf("\n", k + 1))
        newline();
      i = stop;
    } else if (c === 34) {
      let j = i + 1;
      let escaped = false;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (d === 34 || d === 10) break;
        if (d === 92) {
          escaped = true;
          j += 2;
        } else j++;
      }
      const raw = src.slice(i + 1, j);
      out.push({ kind: "string", text: escaped ? unquote(raw) : raw, line });
      i = j + 1;
    } else if (c === 96) {
      const end = src.indexOf("`", i + 1);
      const stop = end < 0 ? n : end;
      const value = src.slice(i + 1, stop);
      out.push({ kind: "string", text: value, line });
      for (let k = value.indexOf("\n"); k >= 0; k = value.indexOf("\n", k + 1)) line++;
      i = stop + 1;
    } else if (c === 39) {
      let j = i + 1;
      while (j < n && src.charCodeAt(j) !== 39 && src.charCodeAt(j) !== 10)
        j += src.charCodeAt(j) === 92 ? 2 : 1;
      out.push({ kind: "char", text: src.slice(i, j + 1), line });
      i = j + 1;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      out.push({ kind: "ident", text: src.slice(i, j), line });
      i = j;
    } else if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n && (isIdentPart(src.charCodeAt(j)) || src.charCodeAt(j) === 46)) j++;
      out.push({ kind: "number", text: src.slice(i, j), line });
      i = j;
    } else {
      const three = src.slice(i, i + 3);
      const two = src.slice(i, i + 2);
      const op = OPS3.has(three) ? three : OPS2.has(two) ? two : (src[i] as string);
      out.push({ kind: "op", text: op, line });
      i += op.length;
    }
  }
  return out;
}

/** An interpreted string's value: `\"` and `\\` undone, \n and \t decoded, other escapes kept. */
function unquote(raw: string): string {
  return raw.replace(/\\(.)/g, (_m, e: string) =>
    e === '"' || e === "\\" ? e : e === "n" ? "\n" : e === "t" ? "\t" : `\\${e}`,
  );
}

/** Index of the token closing the bracket at `open` ("(", "[" or "{"), or tokens.length. */
export function closing(tokens: readonly GoToken[], open: number): number {
  const pairs: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as GoToken;
    if (t.kind !== "op") continue;
    if (t.text in pairs) depth++;
    else if (t.text === ")" || t.text === "]" || t.text === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return tokens.length;
}

/** Splits tokens [from, to) at top-level occurrences of `sep` (brackets nest). */
export function splitTop(
  tokens: readonly GoToken[],
  from: number,
  to: number,
  sep: string,
): GoToken[][] {
  const parts: GoToken[][] = [];
  let cur: GoToken[] = [];
  let depth = 0;
  for (let i = from; i < to; i++) {
    const t = tokens[i] as GoToken;
    if (t.kind === "op") {
      if (t.text === "(" || t.text === "[" || t.text === "{") depth++;
      else if (t.text === ")" || t.text === "]" || t.text === "}") depth--;
      else if (depth === 0 && t.text === sep) {
        parts.push(cur);
        cur = [];
        continue;
      }
    }
    cur.push(t);
  }
  if (cur.length > 0) parts.push(cur);
  return parts;
}

/** A call `a.b.c(args)`: the dotted callee and its top-level arguments. */
export interface GoCall {
  callee: string;
  args: GoToken[][];
  line: number;
}

/** Every call whose callee's last element passes `want` (a cheap filter before the work). */
export function goCalls(tokens: readonly GoToken[], want: (name: string) => boolean): GoCall[] {
  const calls: GoCall[] = [];
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i] as GoToken;
    if (t.kind !== "ident" || tokens[i + 1]?.text !== "(" || !want(t.text)) continue;
    let start = i;
    while (
      start >= 2 &&
      tokens[start - 1]?.text === "." &&
      tokens[start - 1]?.kind === "op" &&
      tokens[start - 2]?.kind === "ident"
    )
      start -= 2;
    const callee = tokens
      .slice(start, i + 1)
      .map((x) => x.text)
      .join("");
    const end = closing(tokens, i + 1);
    calls.push({ callee, args: splitTop(tokens, i + 2, end, ","), line: t.line });
  }
  return calls;
}

/** The string literals of an argument list, e.g. `cli.EnvVars("A", "B")`. */
export function stringArgs(args: readonly GoToken[][]): string[] {
  return args.flatMap((a) => (a.length === 1 && a[0]?.kind === "string" ? [a[0].text] : []));
}
