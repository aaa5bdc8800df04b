import type { TextFile } from "../types.js";

/** Splits on LF or CRLF so line numbers match what editors show on either platform. */
export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

export function textFile(path: string, text: string): TextFile {
  // A BOM is invisible in editors and would otherwise break first-line matches (shebangs, keys).
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return { path, text: clean, lines: splitLines(clean) };
}

/** Maps character offsets to 1-based lines by binary search over line starts. */
export function lineLocator(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

export interface Malformed {
  path: string;
  line: number;
  message: string;
}

/** The PA001 entry for a file whose reader threw: a bug in gopave, reported instead of a crash. */
export function readerFailure(path: string, err: unknown): Malformed {
  let what: string;
  try {
    what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  } catch {
    what = `thrown ${typeof err}`;
  }
  return {
    path,
    line: 1,
    message: `gopave could not read this file (${what.replace(/\s+/g, " ")}) — a bug in gopave, please report it`,
  };
}

/**
 * The first line from `first` to `last` (1-based, inclusive) that holds `text`: a command
 * continued over several lines is reported where the part it is about is written.
 */
export function lineHolding(
  lines: readonly string[],
  first: number,
  last: number,
  text: string,
): number | undefined {
  for (let n = first; n <= last; n++) if (lines[n - 1]?.includes(text)) return n;
  return undefined;
}
