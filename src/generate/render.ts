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
  /** The whole file, or for a section only the block (markers included). */
  content: string;
  executable: boolean;
  section: boolean;
}

export const SECTION_BEGIN = `# >>> gopave: generated from gopave.yaml; edit there, not here >>>`;
export const SECTION_END = `# <<< gopave <<<`;

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
  if (file.format === "section") {
    if (override?.merge || override?.append)
      throw bad("only generate: false applies to a managed section", "remove merge/append");
    const body = file.text.replace(/\n*$/, "\n");
    return {
      path: file.path,
      content: `${SECTION_BEGIN}\n${body}${SECTION_END}\n`,
      executable: false,
      section: true,
    };
  }
  if (file.format === "text") {
    if (override?.merge)
      throw bad("merge applies to JSON and YAML files", "use append for text files");
    let text = file.text;
    if (override?.append)
      text = `${text.replace(/\n*$/, "\n")}${override.append.replace(/\n*$/, "\n")}`;
    return {
      path: file.path,
      content: withTextMarker(text),
      executable: file.executable ?? false,
      section: false,
    };
  }
  if (override?.append)
    throw bad("append applies to text files", "use merge for JSON and YAML files");
  const data = override?.merge ? mergePatch(file.data, override.merge) : file.data;
  const content =
    file.format === "yaml"
      ? yamlText(data)
      : file.format === "json"
        ? `${JSON.stringify(withJsonMarker(data), null, 2)}\n`
        : `// ${MARKER}\n${JSON.stringify(data, null, 2)}\n`;
  return { path: file.path, content, executable: false, section: false };
}

/** Plain JSON has no comments: the marker goes in a leading "$comment" (JSON Schema's own). */
function withJsonMarker(data: unknown): unknown {
  return data !== null && typeof data === "object" && !Array.isArray(data)
    ? { $comment: MARKER, ...data }
    : data;
}

/** After a `#!`, `# syntax=` or `#cloud-config` first line (each must stay first), else on line 1. */
function withTextMarker(text: string): string {
  const body = text.endsWith("\n") ? text : `${text}\n`;
  if (body.startsWith("#!") || body.startsWith("# syntax=") || body.startsWith("#cloud-config\n")) {
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
      ? (target as Record<string, unknown>)
      : {};
  const merged = new Map(Object.entries(base));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) merged.delete(k);
    else merged.set(k, mergePatch(merged.get(k), v));
  }
  return Object.fromEntries(merged);
}
