import { posix } from "node:path";

/**
 * Paths as build files write them, with variables in them: make's `$(X)`, the shell's `$X` and
 * `${X}`, GitHub's `${{ matrix.x }}`, GoReleaser's `{{ .Env.X }}`. A variable stands for one
 * path segment part, so `-f cmd/$(COMPONENT)/Dockerfile` names every `cmd/<x>/Dockerfile` the
 * repo has, and a context `cmd/$(COMPONENT)` takes the value that matched.
 */

const VARIABLE = /\$\{\{.*?\}\}|\{\{.*?\}\}|\$\([^()]*\)|\$\{[^}]*\}|\$[A-Za-z_]\w*|\$[0-9@*#?]/g;

export function hasVariables(s: string): boolean {
  VARIABLE.lastIndex = 0;
  return VARIABLE.test(s);
}

/** `a/./b/../c` -> `a/c`, `./x` -> `x`, "" -> "."; undefined for a path outside the repo. */
export function repoPath(cwd: string, rel: string): string | undefined {
  if (posix.isAbsolute(rel)) return undefined;
  const p = posix.normalize(posix.join(cwd, rel)).replace(/\/+$/, "");
  if (p === ".." || p.startsWith("../")) return undefined;
  return p === "" ? "." : p;
}

export interface PatternMatch {
  path: string;
  bindings: Map<string, string>;
}

/**
 * The files of `known` a path with variables names, each with the value every variable took.
 * A path whose file name is a variable alone (`-f $DOCKERFILE`) could be any file: it names none.
 */
export function matchPattern(pattern: string, known: readonly string[]): PatternMatch[] {
  if (!hasVariables(pattern))
    return known.includes(pattern) ? [{ path: pattern, bindings: new Map() }] : [];
  const last = pattern.slice(pattern.lastIndexOf("/") + 1);
  if (last.replace(VARIABLE, "") === "") return [];
  const names: string[] = [];
  let source = "";
  let at = 0;
  for (const m of pattern.matchAll(VARIABLE)) {
    source += escape(pattern.slice(at, m.index));
    const seen = names.indexOf(m[0]);
    if (seen === -1) {
      names.push(m[0]);
      source += "([^/]+)";
    } else {
      source += `\\${seen + 1}`;
    }
    at = m.index + m[0].length;
  }
  source += escape(pattern.slice(at));
  const re = new RegExp(`^${source}$`);
  return known.flatMap((path) => {
    const m = re.exec(path);
    if (!m) return [];
    return [{ path, bindings: new Map(names.map((n, i) => [n, m[i + 1] as string])) }];
  });
}

/** `s` with its variables replaced by their bound values; undefined when one is unbound. */
export function substitute(s: string, bindings: ReadonlyMap<string, string>): string | undefined {
  let unbound = false;
  const out = s.replace(VARIABLE, (v) => {
    const value = bindings.get(v);
    if (value === undefined) unbound = true;
    return value ?? v;
  });
  return unbound ? undefined : out;
}

/**
 * An image name a build tags, with the variables the Dockerfile's match bound replaced by their
 * values and every other variable by a `*` glob (`grafana/$(COMPONENT)-debug` built from
 * `cmd/tempo/Dockerfile_debug` is `grafana/tempo-debug`; `registry.example.com/org/app:{{ .Version }}` is
 * `registry.example.com/org/app:*`). Undefined when the repository name would have nothing literal left
 * (`$IMAGE`, `org/$(NAME):$(TAG)`): a glob that names any image says nothing.
 */
export function imageGlob(
  image: string,
  bindings: ReadonlyMap<string, string>,
): string | undefined {
  const out = image
    .trim()
    .replace(VARIABLE, (v) => bindings.get(v) ?? "*")
    .replace(/\*+/g, "*");
  if (out === "" || /\s/.test(out)) return undefined;
  const named = out.split("@")[0] ?? out;
  const last = named.slice(named.lastIndexOf("/") + 1);
  const name = last.split(":")[0] ?? last;
  return /[a-z0-9]/i.test(name) ? out : undefined;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, (c) => `\\${c}`);
}
