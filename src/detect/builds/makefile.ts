import { posix } from "node:path";
import { logicalLines, shellCommands } from "../../check/model/shell-words.js";
import { goCalls } from "../../check/rules/docker/util/run-script.js";
import { goBuildCall } from "./go-build-call.js";
import type { ShippedBuild } from "./types.js";

/**
 * Just enough of GNU make to read what a Makefile builds: variables (`=`, `:=`, `?=`, `+=`,
 * `define`), rules with their recipes, `$(call ...)` of a defined variable, and the automatic
 * variables `$@`, `$(@D)`, `$(@F)`. Other functions are left as written, so whatever depends on
 * them is treated as unknown.
 */

const ASSIGN =
  /^\s*(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(::?=|:::=|\?=|\+=|=)\s*(.*?)\s*$/;
const RULE = /^([^:=#\t][^:=#]*?)\s*::?(?!=)\s*([^=;#]*)/;

interface RecipeLine {
  text: string;
  line: number;
}

interface Rule {
  targets: string[];
  prereqs: string[];
  recipe: RecipeLine[];
}

export interface Makefile {
  vars: Map<string, string>;
  rules: Rule[];
}

export function parseMakefile(text: string): Makefile {
  const vars = new Map<string, string>();
  const rules: Rule[] = [];
  let current: Rule | undefined;
  let define: { name: string; body: string[] } | undefined;
  for (const { text: raw, line } of logicalLines(text.split("\n"))) {
    if (define) {
      if (/^\s*endef\b/.test(raw)) {
        vars.set(define.name, define.body.join("\n"));
        define = undefined;
      } else define.body.push(raw.replace(/^\t/, ""));
      continue;
    }
    if (raw.startsWith("\t")) {
      current?.recipe.push({ text: raw.replace(/^\t[@+\- \t]*/, ""), line });
      continue;
    }
    const def = /^\s*(?:export\s+)?define\s+([A-Za-z_][A-Za-z0-9_.-]*)/.exec(raw);
    if (def?.[1]) {
      define = { name: def[1], body: [] };
      current = undefined;
      continue;
    }
    const assign = ASSIGN.exec(raw.replace(/(^|[^\\])#.*$/, "$1"));
    if (assign?.[1]) {
      const [, name, op, value = ""] = assign;
      if (!(op === "?=" && vars.has(name))) {
        vars.set(name, op === "+=" && vars.has(name) ? `${vars.get(name)} ${value}` : value);
      }
      current = undefined;
      continue;
    }
    const rule = RULE.exec(raw);
    if (rule) {
      current = {
        targets: (rule[1] ?? "").split(/\s+/).filter(Boolean),
        prereqs: (rule[2] ?? "").split(/\s+/).filter(Boolean),
        recipe: [],
      };
      rules.push(current);
    } else if (raw.trim() !== "" && !raw.trimStart().startsWith("#")) current = undefined;
  }
  return { vars, rules };
}

/**
 * `$(VAR)` / `${VAR}` / `$V`, `$(call VAR,args)` and `$@`-style automatic variables expanded from
 * `vars`, a few levels deep.
 */
export function expandMake(
  text: string,
  vars: ReadonlyMap<string, string>,
  target?: string,
  depth = 0,
): string {
  if (depth > 8) return text;
  const auto: Record<string, string | undefined> = {
    "@": target,
    "@D": target === undefined ? undefined : posix.dirname(target),
    "@F": target === undefined ? undefined : posix.basename(target),
  };
  return text
    .replace(
      /\$\(call\s+([A-Za-z_][A-Za-z0-9_.-]*)((?:,[^,()]*)*)\)/g,
      (ref, name: string, args: string) => {
        const body = vars.get(name);
        if (body === undefined) return ref;
        const params = args.split(",").slice(1);
        const filled = body.replace(/\$\((\d)\)/g, (p, n: string) => params[Number(n) - 1] ?? "");
        return expandMake(filled, vars, target, depth + 1);
      },
    )
    .replace(
      /\$(?:\(([A-Za-z_@][A-Za-z0-9_.@-]*)\)|\{([A-Za-z_@][A-Za-z0-9_.@-]*)\}|([A-Za-z_@]))/g,
      (ref, a?: string, b?: string, c?: string) => {
        const name = a ?? b ?? c ?? "";
        const v = name in auto ? auto[name] : vars.get(name);
        return v === undefined ? ref : expandMake(v, vars, target, depth + 1);
      },
    );
}

/**
 * The directory a Makefile's relative paths resolve against: its own, except for `*.mk` files,
 * which are included by a Makefile at the root.
 */
function makeDir(path: string): string {
  if (path.endsWith(".mk") || !path.includes("/")) return ".";
  return path.slice(0, path.lastIndexOf("/"));
}

/**
 * `go build` / `go install ./...` lines in a Makefile's recipes, with make variables expanded
 * (GO ?= go, LDFLAGS, TAGS...). `$$` is make's escape for the shell's `$`.
 */
export function makefileBuilds(path: string, text: string): ShippedBuild[] {
  const mk = parseMakefile(text);
  if (!mk.vars.has("GO")) mk.vars.set("GO", "go");
  const out: ShippedBuild[] = [];
  for (const rule of mk.rules) {
    for (const target of rule.targets.length > 0 ? rule.targets : [undefined]) {
      for (const { text: raw, line } of rule.recipe) {
        const recipe = expandMake(raw, mk.vars, target).replace(/\$\$/g, "$");
        for (const call of goCalls(shellCommands(recipe.replace(/\n/g, " ; ")))) {
          const b = goBuildCall(call);
          for (const t of b?.targets ?? []) {
            out.push({
              source: "makefile",
              file: path,
              line,
              target: t,
              cwd: makeDir(path),
              tags: b?.tags ?? [],
              ldflags: b?.ldflags,
              cgo: b?.cgo,
            });
          }
        }
      }
    }
  }
  // A multi-target rule repeats its recipe per target: keep each build once.
  const seen = new Set<string>();
  return out.filter((b) => {
    const key = `${b.line}\u0000${b.target}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Whether `make <target>` runs a recipe line matching `re`, through prerequisites and recursive
 * `$(MAKE) other` calls.
 */
export function makeTargetRuns(text: string, target: string, re: RegExp): boolean {
  const mk = parseMakefile(text);
  const byTarget = new Map<string, Rule[]>();
  for (const r of mk.rules)
    for (const t of r.targets) byTarget.set(t, [...(byTarget.get(t) ?? []), r]);
  const seen = new Set<string>();
  const visit = (name: string): boolean => {
    if (seen.has(name)) return false;
    seen.add(name);
    for (const rule of byTarget.get(name) ?? []) {
      const recipe = rule.recipe.map((l) => expandMake(l.text, mk.vars, name));
      if (recipe.some((r) => re.test(r))) return true;
      const called = recipe.flatMap((r) =>
        [
          ...r.matchAll(
            /(?:\$\(MAKE\)|\$\{MAKE\}|\bmake)\s+((?:-\S+\s+)*)([\w./-]+(?:\s+[\w./-]+)*)/g,
          ),
        ].flatMap((m) => (m[2] ?? "").split(/\s+/)),
      );
      const prereqs = rule.prereqs.map((p) => expandMake(p, mk.vars, name));
      if ([...prereqs, ...called].some(visit)) return true;
    }
    return false;
  };
  return visit(target);
}
