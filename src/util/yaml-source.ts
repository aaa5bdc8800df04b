import { LineCounter, parseDocument } from "yaml";
import type { Document } from "yaml";
import { GopaveError, GopaveErrors } from "./errors.js";
import type { SourcePosition } from "./errors.js";

/** A parsed YAML document and a way from a text offset to file:line:col. */
export interface YamlSource {
  doc: Document;
  at(offset: number): SourcePosition;
}

/**
 * Parses a user's YAML file (gopave.yaml, a proxy config) keeping positions. Syntax errors are
 * thrown together, each with its file:line:col, so a user fixes them in one pass.
 */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const p = lines.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  if (doc.errors.length > 0) {
    throw new GopaveErrors(
      doc.errors.map(
        (e) =>
          new GopaveError("SPEC_INVALID", `invalid YAML: ${e.message.split("\n")[0]}`, {
            position: at(e.pos[0]),
            hint: "fix the YAML syntax (indentation, quoting, a missing ':')",
          }),
      ),
    );
  }
  return { doc, at };
}
