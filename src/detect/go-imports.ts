/**
 * The import paths of a Go source file: the import declarations right after the package clause.
 * Enough of the Go grammar for that (comments, raw and interpreted strings, named, dot and blank
 * imports, grouped or not); it stops at the first declaration that is not an import.
 */
export function parseImports(src: string): string[] {
  const text = src.startsWith("\uFEFF") ? src.slice(1) : src;
  let i = 0;
  const skip = () => {
    for (;;) {
      while (i < text.length && /\s|;/.test(text[i] as string)) i++;
      if (text.startsWith("//", i)) {
        const nl = text.indexOf("\n", i);
        i = nl < 0 ? text.length : nl + 1;
      } else if (text.startsWith("/*", i)) {
        const close = text.indexOf("*/", i + 2);
        i = close < 0 ? text.length : close + 2;
      } else return;
    }
  };
  const word = (): string | undefined => {
    skip();
    const m = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(text.slice(i, i + 256));
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  const str = (): string | undefined => {
    skip();
    const q = text[i];
    if (q === "`") {
      const end = text.indexOf("`", i + 1);
      if (end < 0) return undefined;
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    if (q !== '"') return undefined;
    const m = /^"((?:[^"\\\n]|\\.)*)"/.exec(text.slice(i, i + 1024));
    if (!m) return undefined;
    i += m[0].length;
    return (m[1] as string).replace(/\\(.)/g, "$1");
  };
  /** One ImportSpec: [name] "path". */
  const spec = (): string | undefined => {
    skip();
    if (text[i] !== '"' && text[i] !== "`") {
      if (text[i] === ".") i++;
      else if (word() === undefined) return undefined;
    }
    return str();
  };

  if (word() !== "package" || word() === undefined) return [];
  const out: string[] = [];
  for (;;) {
    const save = i;
    if (word() !== "import") {
      i = save;
      break;
    }
    skip();
    if (text[i] === "(") {
      i++;
      for (;;) {
        skip();
        if (text[i] === ")") {
          i++;
          break;
        }
        const p = spec();
        if (p === undefined) return out;
        out.push(p);
      }
    } else {
      const p = spec();
      if (p === undefined) return out;
      out.push(p);
    }
  }
  return out;
}
