import { posix } from "node:path";
import { hasMarker } from "../../generate/marker.js";
import type {
  TerraformFile,
  TerraformProviderRequirement,
  TerraformValue,
  TerraformVariable,
} from "../types.js";
import type { SourceFile } from "./assemble.js";
import { textFile } from "./text-file.js";

/**
 * Terraform modules, read with a small HCL scanner: enough of the native syntax to find
 * `terraform { required_providers { ... } }`, `variable` blocks and what a .tfvars assigns.
 * Comments (`#`, `//`, `/* *\/`), strings (with `${ }` interpolations holding their own strings
 * and braces) and heredocs are skipped as units, so a brace inside one never counts. It never
 * throws: what it cannot make sense of is skipped to the end of its line.
 */

type TokenType = "ident" | "string" | "heredoc" | "punct" | "nl" | "other";

export interface HclToken {
  type: TokenType;
  text: string;
  line: number;
  /** A string's value (escapes decoded); undefined when it holds an interpolation or directive. */
  value?: string;
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };

export function hclTokens(text: string): HclToken[] {
  const out: HclToken[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  /** Past a string starting at the quote at `from`: its end index and decoded value. */
  const readString = (from: number): { end: number; value: string | undefined } => {
    let j = from + 1;
    let value = "";
    let literal = true;
    while (j < n) {
      const c = text[j] as string;
      if (c === "\\") {
        value += ESCAPES[text[j + 1] ?? ""] ?? text[j + 1] ?? "";
        j += 2;
      } else if (c === '"') {
        return { end: j + 1, value: literal ? value : undefined };
      } else if (c === "\n") {
        // An unterminated string ends at its line, as HCL's own scanner recovers.
        return { end: j, value: undefined };
      } else if ((c === "$" || c === "%") && text[j + 1] === c && text[j + 2] === "{") {
        value += `${c}{`; // `$${` and `%%{` are literal
        j += 3;
      } else if ((c === "$" || c === "%") && text[j + 1] === "{") {
        literal = false;
        let depth = 1;
        j += 2;
        while (j < n && depth > 0) {
          const d = text[j] as string;
          if (d === '"') {
            j = readString(j).end;
            continue;
          }
          if (d === "{") depth++;
          else if (d === "}") depth--;
          else if (d === "\n") line++;
          j++;
        }
      } else {
        value += c;
        j++;
      }
    }
    return { end: j, value: undefined };
  };
  while (i < n) {
    const c = text[i] as string;
    const rest2 = text.slice(i, i + 2);
    if (c === "\n") {
      out.push({ type: "nl", text: c, line });
      line++;
      i++;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\ufeff") {
      i++;
    } else if (c === "#" || rest2 === "//") {
      while (i < n && text[i] !== "\n") i++;
    } else if (rest2 === "/*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? n : end + 2;
      for (let k = i; k < stop; k++) if (text[k] === "\n") line++;
      i = stop;
    } else if (c === '"') {
      const start = line;
      const { end, value } = readString(i);
      out.push({
        type: "string",
        text: text.slice(i, end),
        line: start,
        ...(value !== undefined ? { value } : {}),
      });
      i = end;
    } else if (rest2 === "<<" && /^<<-?[A-Za-z_][\w-]*[ \t]*\r?\n/.test(text.slice(i, i + 200))) {
      const m = /^<<-?([A-Za-z_][\w-]*)/.exec(text.slice(i)) as RegExpExecArray;
      const id = m[1] as string;
      const start = line;
      let j = text.indexOf("\n", i);
      // The body runs to a line holding only the identifier.
      while (j !== -1 && j < n) {
        line++;
        const next = text.indexOf("\n", j + 1);
        const body = text.slice(j + 1, next === -1 ? n : next);
        j = next;
        if (body.trim() === id) break;
      }
      const end = j === -1 ? n : j;
      out.push({ type: "heredoc", text: text.slice(i, end), line: start });
      i = end;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w-]*/.exec(text.slice(i, i + 256)) as RegExpExecArray;
      out.push({ type: "ident", text: m[0], line });
      i += m[0].length;
    } else if (/\d/.test(c)) {
      const m = /^\d[\w.]*/.exec(text.slice(i, i + 64)) as RegExpExecArray;
      out.push({ type: "other", text: m[0], line });
      i += m[0].length;
    } else if (["==", "!=", "<=", ">=", "=>", "&&", "||", "::"].includes(rest2)) {
      out.push({ type: "other", text: rest2, line });
      i += 2;
    } else {
      out.push({ type: "{}[]()=,:".includes(c) ? "punct" : "other", text: c, line });
      i++;
    }
  }
  return out;
}

export type HclExpr =
  | { kind: "string"; value: string | undefined; line: number }
  | { kind: "object"; line: number; entries: { key: string; line: number; value: HclExpr }[] }
  | { kind: "other"; line: number };

export type HclItem =
  | { type: "attr"; name: string; line: number; value: HclExpr }
  | { type: "block"; name: string; labels: string[]; line: number; body: HclItem[] };

const OPEN = new Set(["{", "[", "("]);
const CLOSE = new Set(["}", "]", ")"]);

/** The body structure of an HCL file: attributes and blocks, nested. */
export function parseHcl(text: string): HclItem[] {
  const toks = hclTokens(text);
  let pos = 0;
  const peek = (k = 0): HclToken | undefined => toks[pos + k];
  const is = (t: HclToken | undefined, s: string) => t?.type === "punct" && t.text === s;

  /** Skips to the end of the line at bracket depth 0, stopping before an unmatched `}`. */
  const skipLine = (): void => {
    let depth = 0;
    for (let t = peek(); t; t = peek()) {
      if (depth === 0 && (t.type === "nl" || is(t, "}"))) return;
      if (t.type === "punct" && OPEN.has(t.text)) depth++;
      else if (t.type === "punct" && CLOSE.has(t.text)) depth--;
      pos++;
    }
  };

  const parseExpr = (inObject: boolean): HclExpr => {
    const first = peek();
    const line = first?.line ?? 1;
    const ends = (t: HclToken | undefined) =>
      !t || t.type === "nl" || is(t, "}") || (inObject && is(t, ","));
    if (is(first, "{")) {
      const obj = parseObject();
      if (ends(peek())) return obj;
    } else if (first?.type === "string" && ends(peek(1))) {
      pos++;
      return { kind: "string", value: first.value, line };
    }
    let depth = 0;
    for (let t = peek(); t; t = peek()) {
      if (depth === 0 && ends(t)) break;
      if (t.type === "punct" && OPEN.has(t.text)) depth++;
      else if (t.type === "punct" && CLOSE.has(t.text)) depth--;
      pos++;
    }
    return { kind: "other", line };
  };

  const parseObject = (): HclExpr & { kind: "object" } => {
    const line = peek()?.line ?? 1;
    pos++; // {
    const entries: { key: string; line: number; value: HclExpr }[] = [];
    for (let t = peek(); t; t = peek()) {
      if (t.type === "nl" || is(t, ",")) {
        pos++;
        continue;
      }
      if (is(t, "}")) {
        pos++;
        break;
      }
      const sep = peek(1);
      if ((t.type === "ident" || t.type === "string") && (is(sep, "=") || is(sep, ":"))) {
        pos += 2;
        const key = t.type === "string" ? (t.value ?? t.text) : t.text;
        entries.push({ key, line: t.line, value: parseExpr(true) });
      } else {
        parseExpr(true);
        if (peek() === t) pos++;
      }
    }
    return { kind: "object", line, entries };
  };

  const parseBody = (closing: boolean): HclItem[] => {
    const items: HclItem[] = [];
    for (let t = peek(); t; t = peek()) {
      if (t.type === "nl") {
        pos++;
        continue;
      }
      if (is(t, "}")) {
        pos++;
        if (closing) return items;
        continue;
      }
      if (t.type !== "ident") {
        skipLine();
        if (peek() === t) pos++;
        continue;
      }
      if (is(peek(1), "=")) {
        pos += 2;
        items.push({ type: "attr", name: t.text, line: t.line, value: parseExpr(false) });
        continue;
      }
      const labels: string[] = [];
      let k = 1;
      for (let l = peek(k); l && (l.type === "string" || l.type === "ident"); l = peek(++k)) {
        labels.push(l.type === "string" ? (l.value ?? l.text) : l.text);
      }
      if (is(peek(k), "{")) {
        pos += k + 1;
        items.push({ type: "block", name: t.text, labels, line: t.line, body: parseBody(true) });
        continue;
      }
      skipLine();
    }
    return items;
  };

  return parseBody(false);
}

const blocks = (items: HclItem[], name: string) =>
  items.filter((i): i is HclItem & { type: "block" } => i.type === "block" && i.name === name);

const stringValue = (e: HclExpr): TerraformValue =>
  e.kind === "string" ? { value: e.value, line: e.line } : { value: undefined, line: e.line };

/** Entries of every `terraform { required_providers { } }` block. */
export function requiredProviders(items: HclItem[]): TerraformProviderRequirement[] {
  const out: TerraformProviderRequirement[] = [];
  for (const tf of blocks(items, "terraform")) {
    for (const rp of blocks(tf.body, "required_providers")) {
      for (const entry of rp.body) {
        if (entry.type !== "attr") continue;
        const v = entry.value;
        if (v.kind === "string") {
          out.push({
            name: entry.name,
            line: entry.line,
            source: undefined,
            version: stringValue(v),
            legacy: true,
          });
        } else if (v.kind === "object") {
          const field = (k: string) => v.entries.find((e) => e.key === k)?.value;
          const source = field("source");
          const version = field("version");
          out.push({
            name: entry.name,
            line: entry.line,
            source: source?.kind === "string" ? source.value : undefined,
            version: version ? stringValue(version) : undefined,
            legacy: false,
          });
        }
      }
    }
  }
  return out;
}

export function variables(items: HclItem[]): TerraformVariable[] {
  return blocks(items, "variable").map((b) => {
    const d = b.body.find((i) => i.type === "attr" && i.name === "default");
    return {
      name: b.labels[0] ?? "",
      line: b.line,
      default: d?.type === "attr" ? stringValue(d.value) : undefined,
    };
  });
}

export function readTerraformFile(
  path: string,
  text: string,
  dir: string,
  kind: TerraformFile["kind"],
): TerraformFile {
  const base = textFile(path, text);
  const hcl = kind === "tf" || kind === "tfvars" ? parseHcl(base.text) : [];
  return {
    ...base,
    dir,
    kind,
    generated: hasMarker(base.text),
    providers: kind === "tf" ? requiredProviders(hcl) : [],
    variables: kind === "tf" ? variables(hcl) : [],
    assigns:
      kind === "tfvars"
        ? hcl.flatMap((i) => (i.type === "attr" ? [{ name: i.name, line: i.line }] : []))
        : [],
  };
}

export function isCloudConfig(text: string): boolean {
  return /^(?:\ufeff)?#cloud-config[ \t]*\r?(?:\n|$)/.test(text);
}

/** `templatefile("${path.module}/x", ...)` and `file("${path.module}/x")`: files a module reads. */
const MODULE_FILE = /\b(?:templatefile|file)\(\s*"\$\{path\.module\}\/([^"$]+)"/g;

function companionKind(path: string, text: string): TerraformFile["kind"] | undefined {
  if (/\.(?:tftpl|tpl)$/i.test(path)) return "template";
  if (/\.ya?ml$/i.test(path)) return isCloudConfig(text) ? "cloud-config" : undefined;
  if (/\.(?:sh|bash)$/.test(path)) return "shell";
  return undefined;
}

/**
 * The Terraform modules among the model's sources: every directory with a .tf file, its .tf and
 * .tfvars files, the templates, `#cloud-config` YAML and shell scripts beside them, and files
 * its .tf files read through `${path.module}` (read with `readFile`, whatever their name).
 */
export function readTerraformModules(
  sources: readonly SourceFile[],
  readFile: (path: string) => string | undefined,
): TerraformFile[] {
  const dirs = new Set(
    sources.filter((s) => s.kind === "terraform" && s.path.endsWith(".tf")).map(dirOf),
  );
  const out = new Map<string, TerraformFile>();
  for (const s of sources) {
    const dir = dirOf(s);
    if (!dirs.has(dir) || out.has(s.path)) continue;
    const kind =
      s.kind === "terraform"
        ? s.path.endsWith(".tf")
          ? "tf"
          : "tfvars"
        : s.kind === "terraform-template" || s.kind === "yaml" || s.kind === "shell"
          ? companionKind(s.path, s.text)
          : undefined;
    if (kind) out.set(s.path, readTerraformFile(s.path, s.text, dir, kind));
  }
  for (const tf of [...out.values()]) {
    if (tf.kind !== "tf" || tf.generated) continue;
    for (const m of tf.text.matchAll(MODULE_FILE)) {
      const path = posix.normalize(posix.join(tf.dir, m[1] as string));
      if (out.has(path) || path.startsWith("../") || path === ".." || posix.isAbsolute(path))
        continue;
      const text = readFile(path);
      if (text === undefined) continue;
      const kind = companionKind(path, text) ?? "referenced";
      out.set(path, readTerraformFile(path, text, tf.dir, kind));
    }
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function dirOf(s: { path: string }): string {
  return posix.dirname(s.path);
}
