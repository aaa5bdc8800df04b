/**
 * Splits the go command's `-json` output into values. `go mod download -json` and
 * `go list -m -json` print one indented object per module, back to back, not a JSON array, so a
 * plain JSON.parse fails as soon as there are two. Text outside top-level objects is ignored.
 */
export function parseJsonSequence(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"' && depth > 0) inString = true;
    else if (c === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (c === "}" && depth > 0) {
      depth--;
      if (depth === 0) {
        values.push(JSON.parse(text.slice(start, i + 1)) as unknown);
        start = -1;
      }
    }
  }
  if (depth !== 0) throw new SyntaxError("truncated JSON object in go command output");
  return values;
}
