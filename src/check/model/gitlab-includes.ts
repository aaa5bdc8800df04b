/**
 * The files a .gitlab-ci.yml pulls in with `include: local` (docs.gitlab.com/ci/yaml/#includelocal):
 * paths from the repo root (a leading `/` or not), `*` within a directory and `**` across
 * directories, and the short forms (`include: '/ci/build.yml'`, a list of strings). Project,
 * remote, template and component includes live outside the repo. Included files may include
 * more; GitLab stops at 150 includes, and so does this.
 */

const MAX_INCLUDES = 150;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** `include:` entries of a GitLab CI document that name local files, as written. */
export function localIncludes(data: unknown): string[] {
  if (!isRecord(data)) return [];
  const inc = data["include"];
  const list = Array.isArray(inc) ? inc : inc === undefined ? [] : [inc];
  return list.flatMap((entry): string[] => {
    if (typeof entry === "string") {
      // The short form is local unless it is a URL.
      return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? [] : [entry];
    }
    if (!isRecord(entry)) return [];
    const local = entry["local"];
    return typeof local === "string" ? [local] : [];
  });
}

/** Repo paths (from `candidates`) that a local include names, in the include's order. */
export function matchLocalInclude(pattern: string, candidates: readonly string[]): string[] {
  // Variables (`$CI_PROJECT_DIR`) are expanded by GitLab at pipeline time: unknown here.
  if (pattern.includes("$")) return [];
  const path = pattern.replace(/^\.?\/+/, "");
  if (!/[*?[]/.test(path)) return candidates.includes(path) ? [path] : [];
  const re = new RegExp(
    `^${path
      .split(/(\*\*|\*)/)
      .map((part) =>
        part === "**"
          ? ".*"
          : part === "*"
            ? "[^/]*"
            : part.replace(/[.+?^${}()|[\]\\/]/g, (c) => `\\${c}`),
      )
      .join("")}$`,
  );
  return candidates.filter((c) => re.test(c)).sort();
}

/**
 * Every file the root pipeline includes, transitively, each once, in the order GitLab reads
 * them (depth first). `dataOf` parses a candidate (undefined when it does not parse).
 */
export function resolveGitlabIncludes(
  rootData: unknown,
  rootPath: string,
  candidates: readonly string[],
  dataOf: (path: string) => unknown,
): string[] {
  const out: string[] = [];
  const seen = new Set<string>([rootPath]);
  const visit = (data: unknown) => {
    for (const pattern of localIncludes(data)) {
      for (const path of matchLocalInclude(pattern, candidates)) {
        if (seen.has(path) || out.length >= MAX_INCLUDES) continue;
        seen.add(path);
        out.push(path);
        visit(dataOf(path));
      }
    }
  };
  visit(rootData);
  return out;
}
