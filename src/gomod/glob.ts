/**
 * GOPRIVATE / GONOSUMDB / GONOPROXY matching, as golang.org/x/mod/module.MatchPrefixPatterns:
 * each comma-separated glob with N path elements is matched (path.Match) against the first N
 * path elements of the module path, so "github.com/acme" matches "github.com/acme/lib/v2".
 */
export function matchPrefixPatterns(globs: string, target: string): boolean {
  for (const raw of globs.split(",")) {
    const glob = raw.replace(/\/$/, "");
    if (glob === "") continue;
    let n = [...glob].filter((c) => c === "/").length;
    let prefix = target;
    for (let i = 0; i < target.length; i++) {
      if (target[i] === "/") {
        if (n === 0) {
          prefix = target.slice(0, i);
          break;
        }
        n--;
      }
    }
    if (n > 0) continue;
    if (pathMatch(glob, prefix)) return true;
  }
  return false;
}

/** Go's path.Match: "*" and "?" never cross "/"; "[...]" classes with "^" negation and ranges. */
export function pathMatch(pattern: string, name: string): boolean {
  const re = globToRegExp(pattern);
  return re !== undefined && re.test(name);
}

function globToRegExp(pattern: string): RegExp | undefined {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "\\") {
      i++;
      if (i >= pattern.length) return undefined;
      out += escapeRe(pattern[i] as string);
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) return undefined;
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith("^");
      if (negate) body = body.slice(1);
      if (body === "") return undefined;
      const cls = body.replace(/\\(.)/g, "$1").replace(/[\]\\^]/g, "\\$&");
      out += negate ? `[^/${cls}]` : `[${cls}]`;
      i = end;
    } else out += escapeRe(c);
  }
  try {
    return new RegExp(`^${out}$`, "u");
  } catch {
    return undefined;
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
