/**
 * Just enough shell lexing to find `go env -w` / `go install` / `export GO*=` in scripts and
 * Makefile recipes: quotes, escapes, comments, line continuations and command separators.
 * Expansions (`$VAR`, `$(cmd)`) are kept as written, never evaluated.
 */

export interface LogicalLine {
  text: string;
  /** 1-based line the (possibly continued) line starts on. */
  line: number;
  /** 1-based line it ends on (the same as `line` unless continued). */
  end: number;
}

/** Joins backslash-continued lines, remembering where each logical line starts. */
export function logicalLines(lines: readonly string[]): LogicalLine[] {
  const out: LogicalLine[] = [];
  let acc: string | undefined;
  let start = 0;
  lines.forEach((raw, i) => {
    if (acc === undefined) start = i + 1;
    const continued = /(^|[^\\])(\\\\)*\\$/.test(raw);
    const part = continued ? raw.slice(0, -1) : raw;
    acc = acc === undefined ? part : `${acc} ${part}`;
    if (!continued) {
      out.push({ text: acc, line: start, end: i + 1 });
      acc = undefined;
    }
  });
  if (acc !== undefined) out.push({ text: acc, line: start, end: lines.length });
  return out;
}

/**
 * Splits a line into simple commands (on `;`, `&`, `&&`, `||`, `|`, and parentheses/braces
 * used for grouping), each a list of words with quotes removed. Stops at an unquoted comment.
 */
export function shellCommands(text: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end === -1 ? text.length : end;
      word = (word ?? "") + text.slice(i + 1, stop);
      i = stop;
    } else if (c === '"') {
      let s = "";
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === "\\" && j + 1 < text.length && '"\\$`'.includes(text[j + 1] as string)) j++;
        s += text[j];
      }
      word = (word ?? "") + s;
      i = j;
    } else if (c === "\\") {
      word = (word ?? "") + (text[i + 1] ?? "");
      i++;
    } else if (c === "$" && (text[i + 1] === "(" || text[i + 1] === "{")) {
      // Keep an expansion whole, nested parentheses included, so `$(GO)` stays one word.
      const open = text[i + 1] as string;
      const close = open === "(" ? ")" : "}";
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === open) depth++;
        else if (text[j] === close && --depth === 0) break;
      }
      word = (word ?? "") + text.slice(i, j + 1);
      i = j;
    } else if (c === "#" && word === undefined) {
      break;
    } else if (c === ";" || c === "&" || c === "|" || c === "(" || c === ")") {
      endCommand();
    } else if ((c === "{" || c === "}") && word === undefined) {
      endCommand();
    } else if (c === " " || c === "\t") {
      endWord();
    } else {
      word = (word ?? "") + c;
    }
  }
  endCommand();
  return commands;
}
