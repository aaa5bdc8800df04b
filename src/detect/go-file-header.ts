import {
  evalConstraint,
  goBuildExpr,
  parseGoBuild,
  parsePlusBuild,
  plusBuildExpr,
} from "./build-constraint.js";
import type { Tri } from "./build-constraint.js";

export interface GoFileHeader {
  /** The package clause's name; undefined if the file has none before other code. */
  packageName: string | undefined;
  /** The //go:build expression, if any (it overrides // +build lines). */
  goBuild: string | undefined;
  /** // +build expressions in the leading comment block that ends with a blank line. */
  plusBuild: string[];
}

/** go/build parseFileHeader plus the package clause. */
export function parseGoFileHeader(src: string): GoFileHeader {
  const text = src.startsWith("\uFEFF") ? src.slice(1) : src;
  const lines = text.split("\n");
  let goBuild: string | undefined;
  let end = 0; // lines before the last blank line of the leading // block may hold +build
  let ended = false;
  let inSlashStar = false;
  scan: for (let n = 0; n < lines.length; n++) {
    let line = (lines[n] as string).trim();
    if (line === "" && !ended) {
      end = n;
      continue;
    }
    if (!line.startsWith("//")) ended = true;
    if (!inSlashStar && goBuildExpr(line) !== undefined) {
      // Two //go:build lines make the file invalid; the go command reports it. Keep the first.
      goBuild ??= goBuildExpr(line);
    }
    while (line !== "") {
      if (inSlashStar) {
        const close = line.indexOf("*/");
        if (close < 0) continue scan;
        inSlashStar = false;
        line = line.slice(close + 2).trim();
        continue;
      }
      if (line.startsWith("//")) continue scan;
      if (line.startsWith("/*")) {
        inSlashStar = true;
        line = line.slice(2).trim();
        continue;
      }
      break scan;
    }
  }
  const plusBuild = lines
    .slice(0, end)
    .map((l) => l.trim())
    .filter((l) => l.startsWith("//") && l.includes("+build"))
    .flatMap((l) => {
      const e = plusBuildExpr(l);
      return e === undefined ? [] : [e];
    });
  return { packageName: packageClause(text), goBuild, plusBuild };
}

/** The name in `package name`, after any comments. */
function packageClause(text: string): string | undefined {
  let i = 0;
  const skip = () => {
    for (;;) {
      const ws = /^\s+/.exec(text.slice(i, i + 256));
      if (ws) i += ws[0].length;
      if (text.startsWith("//", i)) {
        const nl = text.indexOf("\n", i);
        i = nl < 0 ? text.length : nl + 1;
      } else if (text.startsWith("/*", i)) {
        const close = text.indexOf("*/", i + 2);
        if (close < 0) return;
        i = close + 2;
      } else if (!ws) return;
    }
  };
  skip();
  if (!/^package(?![\p{L}\p{N}_])/u.test(text.slice(i, i + 8))) return undefined;
  i += "package".length;
  skip();
  return /^[\p{L}_][\p{L}\p{N}_]*/u.exec(text.slice(i, i + 256))?.[0];
}

/**
 * Whether the file's constraints allow it in the build context given by `tag`. A //go:build line
 * gopave cannot parse, or one that depends on an unknown tag, counts as satisfied.
 */
export function headerAllows(h: GoFileHeader, tag: (name: string) => Tri): boolean {
  if (h.goBuild !== undefined) {
    const x = parseGoBuild(h.goBuild);
    return x === undefined || evalConstraint(x, tag) !== false;
  }
  return h.plusBuild.every((e) => evalConstraint(parsePlusBuild(e), tag) !== false);
}
