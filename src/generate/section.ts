import { SECTION_BEGIN, SECTION_END } from "./render.js";

/** The gopave block inside a user file, with its offsets, if present. */
export function findSection(
  text: string,
): { start: number; end: number; block: string } | undefined {
  const start = text.indexOf(SECTION_BEGIN);
  if (start < 0) return undefined;
  const endMarker = text.indexOf(SECTION_END, start);
  if (endMarker < 0) return undefined;
  let end = endMarker + SECTION_END.length;
  if (text[end] === "\n") end++;
  return { start, end, block: text.slice(start, end) };
}

/** The file with its block replaced by `block` (appended if absent; removed if undefined). */
export function replaceSection(text: string | undefined, block: string | undefined): string {
  const current = text ?? "";
  const found = findSection(current);
  if (found) {
    return current.slice(0, found.start) + (block ?? "") + current.slice(found.end);
  }
  if (block === undefined) return current;
  if (current === "") return block;
  return `${current.replace(/\n*$/, "\n")}\n${block}`;
}
