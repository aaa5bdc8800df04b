import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode } from "jsonc-parser";
import type { Node as JsonNode, ParseError } from "jsonc-parser";
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from "yaml";
import type { Document, Pair, Node as YamlNode } from "yaml";
import type { StructuredFile } from "../types.js";
import { lineLocator, textFile } from "./text-file.js";
import type { Malformed } from "./text-file.js";

export type Parsed<T> = { ok: true; file: T } | { ok: false; malformed: Malformed };

type DataPath = readonly (string | number)[];

/**
 * YAML with merge keys on: compose files and GitLab CI lean on `<<: *anchor`, and the data a rule
 * sees should be what those tools see.
 */
export function parseYamlFile(path: string, text: string): Parsed<StructuredFile> {
  const base = textFile(path, text);
  const counter = new LineCounter();
  const doc = parseDocument(base.text, {
    lineCounter: counter,
    prettyErrors: false,
    merge: true,
    uniqueKeys: true,
    // The library's warnings (a map used as a key, an unknown tag such as GitLab's !reference)
    // would go to stderr as Node process warnings, mid-output; errors still reach doc.errors.
    logLevel: "error",
  });
  const err = doc.errors[0];
  if (err) {
    return {
      ok: false,
      malformed: {
        path,
        line: counter.linePos(err.pos[0]).line,
        message: `invalid YAML: ${err.message.split("\n")[0] ?? err.message}`,
      },
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // Alias bombs and circular merges surface only when the document is converted.
    return {
      ok: false,
      malformed: { path, line: 1, message: `invalid YAML: ${(e as Error).message}` },
    };
  }
  const lineAt = (offset: number) => counter.linePos(offset).line;
  return {
    ok: true,
    file: { ...base, data: data ?? null, lineOf: (p) => yamlLineOf(doc, p, lineAt) },
  };
}

function deref(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/**
 * The pair for `key` in a map: its own, else the one a `<<: *anchor` (or `<<: [*a, *b]`) merge
 * brings in — the first source wins, as YAML's merge key says — so a finding on a merged value
 * points at the line in the anchor where the value is written.
 */
function findPair(
  doc: Document,
  map: unknown,
  key: string,
  seen = new Set<unknown>(),
): Pair | undefined {
  if (!isMap(map) || seen.has(map)) return undefined;
  seen.add(map);
  const own = map.items.find(
    (it) => isScalar(it.key) && typeof it.key.value !== "symbol" && String(it.key.value) === key,
  );
  if (own) return own;
  for (const it of map.items) {
    // With `merge: true` the parser gives the merge key the value Symbol(<<), not the string.
    const k = isScalar(it.key) ? it.key.value : undefined;
    if (k !== "<<" && !(typeof k === "symbol" && k.description === "<<")) continue;
    const sources = isSeq(it.value) ? it.value.items : [it.value];
    for (const src of sources) {
      const found = findPair(doc, deref(doc, src), key, seen);
      if (found) return found;
    }
  }
  return undefined;
}

function yamlLineOf(doc: Document, path: DataPath, lineAt: (offset: number) => number): number {
  let node = deref(doc, doc.contents);
  let line = (node as YamlNode | null)?.range ? lineAt((node as YamlNode).range?.[0] ?? 0) : 1;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = findPair(doc, node, String(seg));
      if (!pair || !isPair(pair) || !isScalar(pair.key) || !pair.key.range) return line;
      line = lineAt(pair.key.range[0]);
      node = deref(doc, pair.value);
    } else if (isSeq(node) && typeof seg === "number") {
      const item = deref(doc, node.items[seg]) as YamlNode | undefined;
      if (!item?.range) return line;
      line = lineAt(item.range[0]);
      node = item;
    } else {
      return line;
    }
  }
  return line;
}

/** JSON with comments and trailing commas, as VS Code and the devcontainer CLI read it. */
export function parseJsoncFile(path: string, text: string): Parsed<StructuredFile> {
  const base = textFile(path, text);
  const errors: ParseError[] = [];
  const tree = parseTree(base.text, errors, {
    allowTrailingComma: true,
    disallowComments: false,
    allowEmptyContent: false,
  });
  const lineAt = lineLocator(base.text);
  const err = errors[0];
  if (err || !tree) {
    return {
      ok: false,
      malformed: {
        path,
        line: err ? lineAt(err.offset) : 1,
        message: `invalid JSON: ${err ? jsonErrorText(printParseErrorCode(err.error)) : "empty file"}`,
      },
    };
  }
  return {
    ok: true,
    file: {
      ...base,
      data: getNodeValue(tree) as unknown,
      lineOf: (p) => jsonLineOf(tree, p, lineAt),
    },
  };
}

function jsonLineOf(tree: JsonNode, path: DataPath, lineAt: (offset: number) => number): number {
  for (let n = path.length; n > 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n) as (string | number)[]);
    if (!node) continue;
    // For an object member, the key's line: where a person looks for the setting.
    const at = node.parent?.type === "property" ? node.parent : node;
    return lineAt(at.offset);
  }
  return lineAt(tree.offset);
}

/** "CommaExpected" -> "expected a comma": jsonc-parser names errors by code only. */
function jsonErrorText(code: string): string {
  const known: Record<string, string> = {
    InvalidSymbol: "unexpected character",
    InvalidNumberFormat: "invalid number",
    PropertyNameExpected: "expected a property name in double quotes",
    ValueExpected: "expected a value",
    ColonExpected: "expected a colon after the property name",
    CommaExpected: "expected a comma between items",
    CloseBraceExpected: "expected a closing brace",
    CloseBracketExpected: "expected a closing bracket",
    EndOfFileExpected: "unexpected content after the end of the document",
    InvalidCommentToken: "invalid comment",
    UnexpectedEndOfComment: "unterminated comment",
    UnexpectedEndOfString: "unterminated string",
    UnexpectedEndOfNumber: "unterminated number",
    InvalidUnicode: "invalid unicode escape",
    InvalidEscapeCharacter: "invalid escape character",
    InvalidCharacter: "invalid character in a string",
  };
  return known[code] ?? code;
}
