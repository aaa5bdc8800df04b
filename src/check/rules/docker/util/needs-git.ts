import { posix } from "node:path";
import type { DockerfileModel, RepoModel } from "../../../types.js";
import { imageEntrypointCmd } from "./repo.js";
import { runCommands } from "./run-script.js";
import { copiesWholeContext } from "./sources.js";
import { chainOf, finalStage, stageGraph } from "./stages.js";
import type { StageGraph } from "./stages.js";

/**
 * Whether a build reads the repository's git history: `git describe`, `git rev-parse` and the
 * like in a RUN, or in a Makefile or script the RUN runs (a Makefile's
 * `VERSION := $(shell git describe --tags)` runs on every `make`). Such a build needs .git in
 * its context; a .dockerignore that leaves it out would break the version stamp.
 */
const GIT_READ =
  /\bgit\s+(?:-C\s+\S+\s+)?(?:rev-parse|describe|log|rev-list|show|status|diff|tag|branch|symbolic-ref|ls-files|name-rev|for-each-ref|archive|submodule)\b/;
const BUILDVCS = /-buildvcs(?:=true)?(?:\s|$)/;
const MAKEFILES = ["GNUmakefile", "makefile", "Makefile"];

export function buildNeedsGit(model: RepoModel, file: DockerfileModel): string | undefined {
  const contexts = likelyContexts(model, file);
  const read = (ctx: string, p: string) =>
    model.readFile?.(posix.normalize(posix.join(ctx, p.replace(/^\.\//, ""))));
  const graph = stageGraph(file);
  const runtime = runtimeScript(graph);
  if (runtime) {
    for (const ctx of contexts) {
      const text = read(ctx, runtime);
      if (text !== undefined && GIT_READ.test(text)) {
        return `${posix.normalize(posix.join(ctx, runtime))}, which the image runs, reads git`;
      }
    }
  }
  for (const stage of graph.stages) {
    for (const ins of stage.instructions) {
      if (ins.getKeyword() !== "RUN") continue;
      const commands = runCommands(ins);
      const text = commands.map((c) => c.join(" ")).join("\n");
      if (GIT_READ.test(text) || /\bgo\s+build\b.*-buildvcs=true/.test(text)) {
        return "the build runs git";
      }
      for (const words of commands) {
        const i = words.findIndex((w) => /(?:^|\/)make$/.test(w));
        if (i !== -1) {
          const args = words.slice(i + 1);
          const dir = flagValue(args, "-C") ?? ".";
          const named = flagValue(args, "-f");
          for (const ctx of contexts) {
            const candidates = named
              ? [posix.join(dir, named)]
              : MAKEFILES.map((m) => posix.join(dir, m));
            for (const mk of candidates) {
              const text = read(ctx, mk);
              const targets = makeTargets(args);
              const script = (p: string) => read(ctx, posix.join(dir, p));
              if (text !== undefined && readsGit(text, targets, script)) {
                return `\`make\` runs git (${posix.normalize(posix.join(ctx, mk))})`;
              }
            }
          }
        }
        const script = scriptRun(words);
        if (script) {
          for (const ctx of contexts) {
            const text = read(ctx, script);
            if (text !== undefined && GIT_READ.test(text)) {
              return `${posix.normalize(posix.join(ctx, script))} runs git`;
            }
          }
        }
      }
    }
  }
  return undefined;
}

/**
 * The context script a builder image runs when it starts: `ADD . /src` then
 * `CMD ["/src/packaging/debian/build.sh"]` builds from the copied checkout at run time.
 */
function runtimeScript(graph: StageGraph): string | undefined {
  const last = finalStage(graph);
  if (!last) return undefined;
  const { entrypoint, cmd } = imageEntrypointCmd(last);
  const first = [...entrypoint, ...cmd][0];
  if (first === undefined || !first.startsWith("/")) return undefined;
  for (const s of chainOf(last)) {
    for (const ins of s.instructions) {
      if (!copiesWholeContext(ins)) continue;
      const args = ins.getArgumentsContent()?.trim().split(/\s+/) ?? [];
      const dest = (args.at(-1) ?? "").replace(/\/+$/, "");
      if (dest !== "" && first.startsWith(`${dest}/`)) return first.slice(dest.length + 1);
    }
  }
  return undefined;
}

/** The contexts the repo builds the Dockerfile with (model.builds), its own directory and the root. */
function likelyContexts(model: RepoModel, file: DockerfileModel): string[] {
  const out = new Set<string>();
  for (const build of model.builds) {
    if (build.dockerfile === file.path && build.context !== undefined) out.add(build.context);
  }
  out.add(posix.dirname(file.path));
  out.add(".");
  return [...out];
}

/**
 * A Makefile that runs git for the targets asked for (the first target when none): in a
 * variable assignment (evaluated whenever make reads or expands it), or in the recipes of the
 * targets and their prerequisites — directly or through a script called in `$(shell ...)`.
 */
function readsGit(
  text: string,
  targets: readonly string[],
  read: (path: string) => string | undefined,
): boolean {
  const mk = parseMakefile(text);
  const wanted = [...(targets.length > 0 ? targets : mk.first ? [mk.first] : [])];
  const seen = new Set<string>();
  const run: string[] = [...mk.assignments];
  while (wanted.length > 0) {
    const t = wanted.pop() as string;
    if (seen.has(t)) continue;
    seen.add(t);
    const rule = mk.rules.get(t);
    if (!rule) continue;
    run.push(...rule.recipe);
    wanted.push(...rule.prerequisites);
  }
  const body = run.join("\n");
  if (GIT_READ.test(body) || BUILDVCS.test(body)) return true;
  for (const m of body.matchAll(/\$\(shell\s+(\.{0,2}\/?[\w./-]+)/g)) {
    const p = m[1] ?? "";
    if (!p.includes("/")) continue;
    const script = read(p);
    if (script !== undefined && GIT_READ.test(script)) return true;
  }
  return false;
}

interface Makefile {
  assignments: string[];
  rules: Map<string, { prerequisites: string[]; recipe: string[] }>;
  first: string | undefined;
}

function parseMakefile(text: string): Makefile {
  const mk: Makefile = { assignments: [], rules: new Map(), first: undefined };
  let current: { prerequisites: string[]; recipe: string[] }[] = [];
  for (const line of text.replace(/\\\r?\n/g, " ").split(/\r?\n/)) {
    if (line.startsWith("\t")) {
      for (const r of current) r.recipe.push(line);
      continue;
    }
    if (/^\s*(?:#|$)/.test(line)) continue;
    const assign = /^\s*(?:export\s+|override\s+)?[\w.-]+\s*(?::{1,3}=|\?=|\+=|!=|=)/.exec(line);
    const rule = /^([^:=#\t][^:=#]*?)\s*::?(?!=)\s*([^;#]*)/.exec(line);
    if (assign) {
      mk.assignments.push(line);
      current = [];
      continue;
    }
    if (!rule) {
      current = [];
      continue;
    }
    const names = (rule[1] ?? "").trim().split(/\s+/);
    const prerequisites = (rule[2] ?? "")
      .trim()
      .split(/\s+/)
      .filter((w) => w !== "" && !w.startsWith("|"));
    current = names.map((n) => {
      const r = mk.rules.get(n) ?? { prerequisites: [], recipe: [] };
      r.prerequisites.push(...prerequisites);
      mk.rules.set(n, r);
      return r;
    });
    mk.first ??= names.find((n) => !n.startsWith("."));
  }
  return mk;
}

/** The targets of a make command line: words that are not flags, flag values or assignments. */
function makeTargets(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "-C" || a === "-f" || a === "-j" || a === "-I" || a === "-o") i++;
    else if (!a.startsWith("-") && !a.includes("=")) out.push(a);
  }
  return out;
}

function flagValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === flag) return args[i + 1];
    if (a.startsWith(flag) && a.length > flag.length) return a.slice(flag.length).replace(/^=/, "");
  }
  return undefined;
}

/** `./build.sh`, `sh scripts/build.sh`, `bash -e x.sh`: the script file a command runs. */
function scriptRun(words: readonly string[]): string | undefined {
  const first = words[0] ?? "";
  if (/^\.{0,2}\/[\w./-]+$/.test(first) && !first.startsWith("/")) return first;
  if (/(?:^|\/)(?:ba|da|a)?sh$/.test(first)) return words.slice(1).find((w) => !w.startsWith("-"));
  return undefined;
}
