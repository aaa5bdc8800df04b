import { Document, isMap, isPair, isScalar, isSeq } from "yaml";
import type { Pair } from "yaml";
import { SPEC_SCHEMA_PATH } from "../generate/spec-schema-file.js";
import type { SpecInput } from "./schema.js";

/** Comments to put on keys of the written spec, by dotted path ("go.version", "services.redis"). */
export type SpecComments = Record<string, string>;

/**
 * Renders a spec for a person to read and edit: a schema comment for editors, a short header, and
 * comments saying where detected values came from.
 */
export function specYaml(spec: SpecInput, comments: SpecComments = {}): string {
  const doc = new Document(spec);
  doc.commentBefore = [
    ` yaml-language-server: $schema=${SPEC_SCHEMA_PATH}`,
    " gopave spec: the one place this repo's Go environment is defined.",
    " Edit it, then run `gopave sync`; CI runs `gopave sync --check` to catch drift.",
  ].join("\n");
  for (const [path, text] of Object.entries(comments)) {
    const pair = findPair(doc, path.split("."));
    if (pair && isScalar(pair.value)) pair.value.comment = ` ${text}`;
    else if (pair && isScalar(pair.key)) pair.key.commentBefore = ` ${text}`;
  }
  // Blank lines between top-level sections make the file easier to scan.
  if (isMap(doc.contents)) {
    doc.contents.items.forEach((item, i) => {
      if (i > 0 && isPair(item) && isScalar(item.key)) item.key.spaceBefore = true;
    });
  }
  return doc.toString({ lineWidth: 0, indent: 2, indentSeq: true });
}

/** The key/value pair at a dotted path; numeric elements index sequences ("apps.0.port"). */
function findPair(doc: Document, path: string[]): Pair | undefined {
  let node: unknown = doc.contents;
  let found: Pair | undefined;
  for (const key of path) {
    if (isSeq(node) && /^\d+$/.test(key)) {
      node = node.items[Number(key)];
      continue;
    }
    if (!isMap(node)) return undefined;
    found = node.items.find((it) => isScalar(it.key) && String(it.key.value) === key) as
      Pair | undefined;
    if (!found) return undefined;
    node = found.value;
  }
  return found;
}
