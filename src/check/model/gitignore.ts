/**
 * .gitignore patterns with git's semantics (gitignore(5)), for trees that are not a git work tree
 * or when git is not installed. Where git is available the walk asks git itself (git-files.ts);
 * test/check-model-discover.test.ts holds this matcher to `git ls-files` on the same trees.
 */

export interface IgnoreRule {
  /** Directory of the .gitignore, relative to the walk's root ("" for the root). */
  base: string;
  negated: boolean;
  /** A trailing `/`: matches directories only. */
  dirOnly: boolean;
  /** A `/` at the start or in the middle: matched against the path from `base`, else the name. */
  anchored: boolean;
  re: RegExp;
}

/** Parses one .gitignore's text; `base` is its directory relative to the root. */
export function parseGitignore(text: string, base: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const rule = parseLine(raw, base);
    if (rule) rules.push(rule);
  }
  return rules;
}

function parseLine(raw: string, base: string): IgnoreRule | undefined {
  if (raw === "" || raw.startsWith("#")) return undefined;
  let line = trimTrailingSpaces(raw);
  let negated = false;
  if (line.startsWith("!")) {
    negated = true;
    line = line.slice(1);
  }
  let dirOnly = false;
  if (line.endsWith("/") && !line.endsWith("\\/")) {
    dirOnly = true;
    line = line.replace(/\/+$/, "");
  }
  if (line === "") return undefined;
  // A slash left after removing the trailing one anchors the pattern to the .gitignore's directory.
  const anchored = line.includes("/");
  if (line.startsWith("/")) line = line.slice(1);
  const source = globToRegExp(line);
  if (source === undefined) return undefined;
  return { base, negated, dirOnly, anchored, re: new RegExp(`^${source}$`) };
}

/** Trailing spaces are dropped unless escaped with a backslash (`foo\ ` keeps one). */
function trimTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && line[end - 1] === " ") {
    let slashes = 0;
    for (let k = end - 2; k >= 0 && line[k] === "\\"; k--) slashes++;
    if (slashes % 2 === 1) break;
    end--;
  }
  return line.slice(0, end);
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: "a-zA-Z0-9",
  alpha: "a-zA-Z",
  blank: " \\t",
  digit: "0-9",
  lower: "a-z",
  upper: "A-Z",
  space: " \\t\\n\\r\\f\\v",
  xdigit: "0-9a-fA-F",
  punct: "!-\\/:-@\\[-`{-~",
};

/**
 * git's wildmatch with FNM_PATHNAME as a RegExp source: `*` and `?` stop at `/`, `**` between
 * slashes (or at either end) spans directories, `[...]` classes with `!`/`^` negation, and a
 * backslash quotes the next character. Undefined for a pattern git would never match.
 */
export function globToRegExp(glob: string): string | undefined {
  let re = "";
  for (let i = 0; i < glob.length;) {
    const c = glob[i] as string;
    if (c === "*") {
      let j = i;
      while (glob[j] === "*") j++;
      const starts = i === 0 || glob[i - 1] === "/";
      const ends = j === glob.length || glob[j] === "/";
      if (j - i >= 2 && starts && ends) {
        if (j === glob.length) {
          re += ".*";
          i = j;
        } else {
          // `**/`: zero or more whole directories.
          re += "(?:.*/)?";
          i = j + 1;
        }
      } else {
        re += "[^/]*";
        i = j;
      }
    } else if (c === "?") {
      re += "[^/]";
      i++;
    } else if (c === "[") {
      const cls = bracket(glob, i);
      if (!cls) {
        re += "\\[";
        i++;
      } else {
        re += cls.source;
        i = cls.end;
      }
    } else if (c === "\\") {
      if (i + 1 >= glob.length) return undefined;
      re += escapeRe(glob[i + 1] as string);
      i += 2;
    } else {
      re += escapeRe(c);
      i++;
    }
  }
  return re;
}

function bracket(glob: string, start: number): { source: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (glob[i] === "!" || glob[i] === "^") {
    negate = true;
    i++;
  }
  let body = "";
  let first = true;
  for (; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "]" && !first) {
      // A class never matches the directory separator, negated or not.
      return { source: negate ? `[^/${body}]` : `(?!/)[${body}]`, end: i + 1 };
    }
    first = false;
    if (c === "[" && glob[i + 1] === ":") {
      const close = glob.indexOf(":]", i + 2);
      const name = close === -1 ? undefined : glob.slice(i + 2, close);
      const chars = name === undefined ? undefined : POSIX_CLASSES[name];
      if (chars !== undefined && close !== -1) {
        body += chars;
        i = close + 1;
        continue;
      }
    }
    if (c === "\\" && i + 1 < glob.length) {
      body += `\\${glob[i + 1] as string}`;
      i++;
    } else if (c === "-" && body !== "" && glob[i + 1] !== "]") {
      body += "-";
    } else {
      body += /[\\\]^-]/.test(c) ? `\\${c}` : c;
    }
  }
  return undefined;
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/**
 * Whether `path` (relative to the root, POSIX) is ignored by `rules`, given in precedence order:
 * the root's .gitignore first, then deeper ones. The last rule that matches decides, as in git.
 * A path under an ignored directory is never asked about: the walk does not enter it, which is
 * also why git cannot re-include a file whose parent directory is excluded.
 */
export function isIgnored(rules: readonly IgnoreRule[], path: string, isDir: boolean): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  for (let k = rules.length - 1; k >= 0; k--) {
    const r = rules[k] as IgnoreRule;
    if (r.dirOnly && !isDir) continue;
    if (r.base !== "" && !path.startsWith(`${r.base}/`)) continue;
    const subject = !r.anchored ? name : r.base === "" ? path : path.slice(r.base.length + 1);
    if (r.re.test(subject)) return !r.negated;
  }
  return false;
}
