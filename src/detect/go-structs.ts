import { closing } from "./go-tokens.js";
import type { GoToken } from "./go-tokens.js";

/** A struct field: its name (empty for an embedded field), type and tag. */
export interface GoField {
  name: string;
  /** A type as written ("bool", "pg", "*Config", "conf.Version"), or a nested struct's fields. */
  type: string | GoField[];
  tag: string | undefined;
  line: number;
}

/** The fields of the struct type whose `{` is at `open`. */
export function structFields(tokens: readonly GoToken[], open: number): GoField[] {
  const end = closing(tokens, open);
  const fields: GoField[] = [];
  let i = open + 1;
  while (i < end) {
    // One field declaration runs to the next top-level ";".
    let j = i;
    while (j < end && tokens[j]?.text !== ";") {
      const t = tokens[j] as GoToken;
      if (t.kind === "op" && (t.text === "{" || t.text === "(" || t.text === "["))
        j = closing(tokens, j);
      j++;
    }
    const decl = readField(tokens, i, j);
    if (decl) fields.push(...decl);
    i = j + 1;
  }
  return fields;
}

function readField(tokens: readonly GoToken[], from: number, to: number): GoField[] | undefined {
  if (from >= to) return undefined;
  let last = to - 1;
  const tagTok = tokens[last];
  const tag = tagTok?.kind === "string" ? tagTok.text : undefined;
  if (tag !== undefined) last--;
  const first = tokens[from] as GoToken;
  const line = first.line;
  // Embedded: `T`, `*T`, `pkg.T` (with or without a tag).
  const second = tokens[from + 1];
  if (first.text === "*" || from === last || (second?.text === "." && from + 2 === last)) {
    return [{ name: "", type: text(tokens, from, last + 1), tag, line }];
  }
  const names: string[] = [];
  let k = from;
  while (k <= last && tokens[k]?.kind === "ident") {
    names.push((tokens[k] as GoToken).text);
    if (tokens[k + 1]?.text !== ",") break;
    k += 2;
  }
  const typeStart = k + 1;
  if (typeStart > last) return undefined;
  const type =
    tokens[typeStart]?.text === "struct" && tokens[typeStart + 1]?.text === "{"
      ? structFields(tokens, typeStart + 1)
      : text(tokens, typeStart, last + 1);
  return names.map((name) => ({ name, type, tag, line }));
}

function text(tokens: readonly GoToken[], from: number, to: number): string {
  return tokens
    .slice(from, to)
    .map((t) => t.text)
    .join("");
}

/** Named struct types of a file: `type T struct {...}`, alone or in a `type (...)` group. */
export function namedStructs(tokens: readonly GoToken[]): Map<string, GoField[]> {
  const types = new Map<string, GoField[]>();
  const groups: [number, number][] = [];
  for (let i = 0; i < tokens.length - 1; i++) {
    if (tokens[i]?.text === "type" && tokens[i + 1]?.text === "(") {
      groups.push([i + 1, closing(tokens, i + 1)]);
    }
  }
  const inGroup = (i: number) => groups.some(([a, b]) => i > a && i < b);
  for (let i = 1; i < tokens.length - 1; i++) {
    if (tokens[i]?.text !== "struct" || tokens[i + 1]?.text !== "{") continue;
    const name = tokens[i - 1];
    if (name?.kind !== "ident") continue;
    const before = tokens[i - 2];
    const declared =
      before?.text === "type" ||
      (inGroup(i) && (before?.text === ";" || before?.text === "(") && before.kind === "op");
    if (declared) types.set(name.text, structFields(tokens, i + 1));
  }
  return types;
}

/** reflect.StructTag.Get: the value of `key` in a conventional struct tag. */
export function tagValue(tag: string | undefined, key: string): string | undefined {
  if (tag === undefined) return undefined;
  const re = /([^\s:"]+):"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(tag); m; m = re.exec(tag)) {
    if (m[1] === key) return (m[2] ?? "").replace(/\\(.)/g, "$1");
  }
  return undefined;
}

/**
 * The local name each import of a file is used under: its alias, else the last path element with
 * a /vN suffix and the usual "go-" / "-go" / ".go" decorations dropped ("minio-go/v7" -> minio).
 */
export function importNames(tokens: readonly GoToken[]): Map<string, string> {
  const names = new Map<string, string>();
  const add = (alias: GoToken | undefined, path: string) => {
    if (alias?.text === "_" || alias?.text === ".") return;
    names.set(alias?.kind === "ident" ? alias.text : defaultName(path), path);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as GoToken;
    if (t.kind !== "ident") continue;
    if (t.text === "package" || t.text === ";") continue;
    if (t.text !== "import") {
      if (["func", "type", "var", "const"].includes(t.text)) break;
      continue;
    }
    if (tokens[i + 1]?.text === "(") {
      const end = closing(tokens, i + 1);
      for (let k = i + 2; k < end; k++) {
        const p = tokens[k] as GoToken;
        if (p.kind === "string")
          add(tokens[k - 1]?.kind === "ident" ? tokens[k - 1] : undefined, p.text);
      }
      i = end;
    } else {
      const a = tokens[i + 1];
      const p = a?.kind === "string" ? a : tokens[i + 2];
      if (p?.kind === "string") add(a?.kind === "ident" ? a : undefined, p.text);
    }
  }
  return names;
}

function defaultName(path: string): string {
  const parts = path.split("/");
  let last = parts.pop() ?? path;
  if (/^v\d+$/.test(last) && parts.length > 0) last = parts.pop() ?? last;
  return last
    .replace(/^go-/, "")
    .replace(/[-.]go$/, "")
    .replace(/\.v\d+$/, "")
    .replace(/[^\p{L}\p{N}_]/gu, "");
}

/** camelCase and acronym split, as ardanlabs/conf and envconfig's split_words do. */
export function splitWords(name: string): string[] {
  return name.match(/[A-Z]+[0-9]*(?![a-z])|[A-Z]?[a-z]+[0-9]*|[0-9]+/g) ?? [name];
}
