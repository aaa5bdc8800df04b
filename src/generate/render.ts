import { Document, isScalar, visit, Scalar } from "yaml";
import { GopaveError } from "../util/errors.js";
import type { SourcePosition } from "../util/errors.js";
import { MARKER } from "./marker.js";
import type { GeneratedFile } from "./types.js";

export interface FileOverride {
  generate: boolean;
  merge?: Record<string, unknown> | undefined;
  append?: string | undefined;
}

export interface RenderedFile {
  path: string;
  content: string;
  executable: boolean;
}

/**
 * Serialises a generated file with the marker, after applying the spec's override for it.
 * Returns undefined when the override turns the file off.
 */
export function renderFile(
  file: GeneratedFile,
  override: FileOverride | undefined,
  overridePosition?: () => SourcePosition,
): RenderedFile | undefined {
  if (override && !override.generate) return undefined;
  const bad = (message: string, hint: string) =>
    new GopaveError("SPEC_INVALID", `overrides["${file.path}"]: ${message}`, {
      hint,
      ...(overridePosition ? { position: overridePosition() } : {}),
    });
  if (file.format === "text") {
    if (override?.merge) throw bad("merge applies to JSON and YAML files", "use append for text files");
    let text = file.text;
    if (override?.append) text = `${text.replace(/\n*$/, "\n")}${override.append.replace(/\n*$/, "\n")}`;
    return { path: file.path, content: withTextMarker(text), executable: file.executable ?? false };
  }
  if (override?.append) throw bad("append applies to text files", "use merge for JSON and YAML files");
  const data = override?.merge ? mergePatch(file.data, override.merge) : file.data;
  const content = file.format === "yaml" ? yamlText(data) : `// ${MARKER}\n${JSON.stringify(data, null, 2)}\n`;
  return { path: file.path, content, executable: false };
}

/** After a `#!` or `# syntax=` first line (both must stay first), else on line 1. */
function withTextMarker(text: string): string {
  const body = text.endsWith("\n") ? text : `${text}\n`;
  if (body.startsWith("#!") || body.startsWith("# syntax=")) {
    const nl = body.indexOf("\n");
    return `${body.slice(0, nl + 1)}# ${MARKER}\n${body.slice(nl + 1)}`;
  }
  return `# ${MARKER}\n${body}`;
}

function yamlText(data: unknown): string {
  const doc = new Document(data);
  // Strings holding ":" (ports, URLs, durations) are quoted, as the compose docs advise.
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === "string" && /[:{}]|^\d/.test(node.value)) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  doc.commentBefore = ` ${MARKER}`;
  return doc.toString({ lineWidth: 0, indent: 2, indentSeq: true });
}

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> =
    target !== null && typeof target === "object" && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v);
  }
  return base;
}
