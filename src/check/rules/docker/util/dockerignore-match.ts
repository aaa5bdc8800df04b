import type { DockerignoreModel } from "../../../types.js";

/**
 * .dockerignore matching as BuildKit does it (moby/patternmatcher): patterns are cleaned paths
 * relative to the context root, `*` and `?` stop at `/`, `**` spans directories, a pattern that
 * matches a parent directory matches what is inside it, and the last matching pattern wins, so a
 * later `!pattern` re-includes.
 */

function clean(pattern: string): string {
  const parts: string[] = [];
  for (const seg of pattern.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === ".." && parts.length > 0 && parts.at(-1) !== "..") parts.pop();
    else parts.push(seg);
  }
  return parts.join("/") || ".";
}

function toRegExp(pattern: string): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") i++;
        // A trailing `**` takes everything; elsewhere it also matches zero directories.
        re += i + 1 >= pattern.length ? ".*" : "(.*/)?";
      } else {
        re += "[^/]*";
      }
    } else if (c === "?") {
      re += "[^/]";
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end === -1) {
        re += "\\[";
      } else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        re += `[${body}]`;
        i = end;
      }
    } else if (c === "\\" && i + 1 < pattern.length) {
      re += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  try {
    return new RegExp(`${re}$`);
  } catch {
    // BuildKit rejects a pattern it cannot compile; here it simply matches nothing.
    return /(?!)/;
  }
}

/** The pattern that decides whether `path` is excluded (undefined: nothing matched). */
export function decidingPattern(
  ignore: DockerignoreModel,
  path: string,
): DockerignoreModel["patterns"][number] | undefined {
  const dirs = path.split("/");
  const candidates = dirs.map((_, i) => dirs.slice(0, i + 1).join("/")).reverse();
  let decided: DockerignoreModel["patterns"][number] | undefined;
  for (const p of ignore.patterns) {
    const cleaned = clean(p.pattern.startsWith("/") ? p.pattern.slice(1) : p.pattern);
    const re = toRegExp(cleaned);
    if (candidates.some((c) => re.test(c))) decided = p;
  }
  return decided;
}

export function isExcluded(ignore: DockerignoreModel, path: string): boolean {
  const p = decidingPattern(ignore, path);
  return p !== undefined && !p.negated;
}
