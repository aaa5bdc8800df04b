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
  /** Target-specific variables (`build-api: BIN = api`), which make passes to prerequisites. */
  targetVars: Map<string, Map<string, string>>;
  rules: Rule[];
}

const TARGET_VAR =
  /^([^:=#\t][^:=#]*?)\s*:\s*(?:override\s+|export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(::?=|\?=|\+=|=)\s*(.*?)\s*$/;

function assign(vars: Map<string, string>, name: string, op: string, value: string): void {
  if (op === "?=" && vars.has(name)) return;
  vars.set(name, op === "+=" && vars.has(name) ? `${vars.get(name)} ${value}` : value);
}

export function parseMakefile(text: string): Makefile {
  const vars = new Map<string, string>();
  const targetVars = new Map<string, Map<string, string>>();
  const rules: Rule[] = [];
  let current: Rule | undefined;
  let define: { name: string; body: string[] } | undefined;
  // Conditionals cannot be evaluated here: take each one's first branch (usually the default,
  // e.g. `ifeq ($(DEBUG),)` ... `else` debug flags).
  const branches: boolean[] = [];
  const skipping = () => branches.includes(false);
  for (const { text: tabbed, line } of logicalLines(text.split("\n"))) {
    // A tab starts a recipe line only after a rule; elsewhere (inside ifeq) it is indentation.
    const raw = current === undefined && !define ? tabbed.replace(/^\t+/, "") : tabbed;
    if (define) {
      if (/^\s*endef\b/.test(raw)) {
        if (!skipping()) vars.set(define.name, define.body.join("\n"));
        define = undefined;
      } else define.body.push(raw.replace(/^\t/, ""));
      continue;
    }
    if (/^\s*if(?:n?eq|n?def)\b/.test(raw)) {
      branches.push(true);
      continue;
    }
    if (/^\s*else\b/.test(raw) && branches.length > 0) {
      branches[branches.length - 1] = false;
      continue;
    }
    if (/^\s*endif\b/.test(raw)) {
      branches.pop();
      continue;
    }
    if (skipping()) continue;
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
    const stripped = raw.replace(/(^|[^\\])#.*$/, "$1");
    const global = ASSIGN.exec(stripped);
    if (global?.[1]) {
      assign(vars, global[1], global[2] ?? "=", global[3] ?? "");
      current = undefined;
      continue;
    }
    const scoped = TARGET_VAR.exec(stripped);
    if (scoped?.[1] && scoped[2]) {
      for (const t of scoped[1].split(/\s+/).filter(Boolean)) {
        const own = targetVars.get(t) ?? new Map<string, string>();
        assign(own, scoped[2], scoped[3] ?? "=", scoped[4] ?? "");
        targetVars.set(t, own);
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
  return { vars, targetVars, rules };
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
  stem?: string,
): string {
  if (depth > 8) return text;
  const auto: Record<string, string | undefined> = {
    "@": target,
    "*": stem,
    "@D": target === undefined ? undefined : posix.dirname(target),
    "@F": target === undefined ? undefined : posix.basename(target),
  };
  const variables = (t: string) =>
    t.replace(
      /\$(?:\(([A-Za-z_@*][A-Za-z0-9_.@-]*)\)|\{([A-Za-z_@*][A-Za-z0-9_.@-]*)\}|([A-Za-z_@*]))/g,
      (ref, a?: string, b?: string, c?: string) => {
        const name = a ?? b ?? c ?? "";
        const v = name in auto ? auto[name] : vars.get(name);
        return v === undefined ? ref : expandMake(v, vars, target, depth + 1, stem);
      },
    );
  // Variables first, so a call's arguments are plain text: $(call GOBUILD,$(BIN_PATH)).
  return variables(text).replace(
    /\$\(call\s+([A-Za-z_][A-Za-z0-9_.-]*)((?:,[^,()]*)*)\)/g,
    (ref, name: string, args: string) => {
      const body = vars.get(name);
      if (body === undefined) return ref;
      const params = args.split(",").slice(1);
      const filled = body.replace(
        /\$\((\d)\)|\$(\d)/g,
        (p, a?: string, b?: string) => params[Number(a ?? b) - 1] ?? "",
      );
      return expandMake(filled, vars, target, depth + 1, stem);
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

function patternMatch(pattern: string, name: string): string | undefined {
  const at = pattern.indexOf("%");
  if (at < 0) return undefined;
  const [pre, post] = [pattern.slice(0, at), pattern.slice(at + 1)];
  if (!name.startsWith(pre) || !name.endsWith(post) || name.length < pre.length + post.length) {
    return undefined;
  }
  return name.slice(pre.length, name.length - post.length);
}

/**
 * `go build` / `go install ./...` lines in a Makefile's recipes, with make variables expanded
 * (GO ?= go, LDFLAGS, TAGS...), including target-specific ones that reach a prerequisite's
 * recipe, pattern rules among them (`build-api: BIN = api` + `_build-%:`). `$$` is make's escape
 * for the shell's `$`.
 */
export function makefileBuilds(path: string, text: string): ShippedBuild[] {
  const mk = parseMakefile(text);
  if (!mk.vars.has("GO")) mk.vars.set("GO", "go");
  const out: ShippedBuild[] = [];
  const emit = (
    rule: Rule,
    target: string | undefined,
    vars: ReadonlyMap<string, string>,
    stem?: string,
  ) => {
    for (const { text: raw, line } of rule.recipe) {
      const recipe = expandMake(raw, vars, target, 0, stem).replace(/\$\$/g, "$");
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
  };
  const explicit = mk.rules.filter((r) => r.targets.every((t) => !t.includes("%")));
  const patterns = mk.rules.filter((r) => r.targets.some((t) => t.includes("%")));
  for (const rule of explicit) {
    for (const target of rule.targets.length > 0 ? rule.targets : [undefined]) {
      emit(rule, target, mk.vars);
    }
  }
  const visit = (name: string, vars: ReadonlyMap<string, string>, seen: Set<string>) => {
    if (seen.has(name) || seen.size > 50) return;
    seen.add(name);
    for (const rule of explicit.filter((r) => r.targets.includes(name))) {
      emit(rule, name, vars);
      for (const p of rule.prereqs) visit(expandMake(p, vars, name), vars, seen);
    }
    for (const rule of patterns) {
      const stem = rule.targets.map((t) => patternMatch(t, name)).find((x) => x !== undefined);
      if (stem !== undefined) emit(rule, name, vars, stem);
    }
  };
  for (const [target, own] of mk.targetVars) {
    visit(target, new Map([...mk.vars, ...own]), new Set());
  }
  // The same recipe line reached more than once builds one thing.
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
