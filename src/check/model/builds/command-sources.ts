import { posix } from "node:path";
import type { DockerBuild, ScriptModel, StructuredFile } from "../../types.js";
import { logicalLines, shellCommands } from "../shell-words.js";
import { isRemoteContext, isRecord, str } from "./declared.js";
import type { Data, Declared } from "./declared.js";
import { dockerDefaultFile, dockerBuildCall } from "./docker-build-command.js";
import { repoPath } from "./path-pattern.js";

/**
 * Builds declared by commands: `docker build` in workflow `run` steps, composite actions, GitLab
 * `script`s, Makefile recipes and shell scripts, and docker/build-push-action steps.
 */

type Source = DockerBuild["source"];

/** Working directory while commands run; undefined once a `cd` goes somewhere unknown. */
interface Shell {
  cwd: string | undefined;
  /** The script's own directory, for `cd "$(dirname "$0")/.."`. */
  scriptDir: string;
  /** The arguments a script was called with, for `$1`, `${2}`, `${1/-//}`, `$@`. */
  args?: readonly string[];
  /** The repo's shell scripts a command may call, and the calls that led here. */
  calls?: { scripts: ReadonlyMap<string, ScriptModel>; stack: readonly string[] };
}

/** The repo's shell scripts by path, for following calls to them. */
export function shellScripts(scripts: readonly ScriptModel[]): Map<string, ScriptModel> {
  return new Map(scripts.flatMap((s) => (s.kind === "shell" ? [[s.path, s]] : [])));
}

/**
 * A script's positional parameters replaced by the arguments it was called with: `$1`, `${1}`,
 * `${1:-default}`, bash's `${1/-//}` and `${1//a/b}`, `$@`, `$*` and `$#`. Unquoted, an argument
 * with spaces splits into words as the shell splits it.
 */
function withArgs(text: string, args: readonly string[]): string {
  const arg = (n: string) => args[Number(n) - 1] ?? "";
  return text
    .replace(
      /\$\{([1-9])(?:(\/\/?)([^/}]*)\/([^}]*)|:?-([^}]*))?\}/g,
      (_, n: string, op?: string, pat?: string, rep?: string, def?: string) => {
        const v = arg(n);
        if (op === "//") return v.split(pat ?? "").join(rep ?? "");
        if (op === "/") return v.replace(pat ?? "", () => rep ?? "");
        return v === "" && def !== undefined ? def : v;
      },
    )
    .replace(/\$([1-9])(?!\d)/g, (_, n: string) => arg(n))
    .replace(/\$[@*]/g, args.join(" "))
    .replace(/\$#/g, String(args.length));
}

const SCRIPT_SHELLS = /^(?:\/(?:usr\/)?bin\/)?(?:ba)?sh$/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * A call of one of the repo's shell scripts with arguments (`scripts/docker/build.sh demo ce`,
 * `bash ./build.sh app`): the script runs from the caller's directory with them as `$1`....
 */
function scriptCall(
  cmd: readonly string[],
  sh: Shell,
): { script: ScriptModel; args: string[] } | undefined {
  if (!sh.calls || sh.cwd === undefined || sh.calls.stack.length > 2) return undefined;
  let i = 0;
  while (ASSIGNMENT.test(cmd[i] ?? "")) i++;
  if (SCRIPT_SHELLS.test(cmd[i] ?? "")) i++;
  const word = cmd[i];
  const args = cmd.slice(i + 1);
  if (word === undefined || args.length === 0 || /\$/.test(word)) return undefined;
  const path = repoPath(sh.cwd, word);
  const script = path === undefined ? undefined : sh.calls.scripts.get(path);
  if (!script || sh.calls.stack.includes(script.path)) return undefined;
  return { script, args };
}

/** A shell script's lines, heredoc bodies skipped, through `sh` (a `cd` carries on). */
function runScript(s: ScriptModel, sh: Shell, out: Declared[]) {
  let heredocEnd: string | undefined;
  for (const { text, line } of logicalLines(s.lines)) {
    if (heredocEnd !== undefined) {
      if (text.replace(/^\t+/, "") === heredocEnd) heredocEnd = undefined;
      continue;
    }
    shellLine(text, line, sh, { kind: "script", file: s.path }, out);
    heredocEnd = /(?<!<)<<(?!<)-?\s*(['"]?)([A-Za-z_]\w*)\1/.exec(text)?.[2];
  }
}

/** `$(dirname "$0")`, `${BASH_SOURCE[0]%/*}` and `$(cd ... && pwd)` around them: the script's directory. */
function scriptDirIdioms(line: string): string {
  return line
    .replace(
      /\$\(\s*dirname\s+"?\$(?:0|\{0\}|\{BASH_SOURCE(?:\[0\])?\}|BASH_SOURCE)"?\s*\)|\$\{(?:0|BASH_SOURCE(?:\[0\])?)%\/\*\}/g,
      "@SCRIPT_DIR@",
    )
    .replace(/\$\(\s*cd\s+"?([^"()]*)"?\s*(?:>\s*\/dev\/null\s*)?&&\s*pwd(?:\s+-P)?\s*\)/g, "$1");
}

/** Runs one logical line of shell through `sh`, collecting builds and following `cd`. */
function shellLine(
  text: string,
  line: number,
  sh: Shell,
  source: Omit<Source, "line">,
  out: Declared[],
) {
  const expanded = sh.args ? withArgs(text, sh.args) : text;
  for (const words of shellCommands(scriptDirIdioms(expanded))) {
    const cmd = words.map((w) => w.replaceAll("@SCRIPT_DIR@", sh.scriptDir));
    if (cmd[0] === "cd" || cmd[0] === "pushd") {
      const to = cmd[1];
      sh.cwd =
        to === undefined || to === "~"
          ? undefined
          : sh.cwd === undefined || /\$/.test(to)
            ? undefined
            : repoPath(sh.cwd, to);
      continue;
    }
    const called = scriptCall(cmd, sh);
    if (called && sh.calls) {
      const { script, args } = called;
      const stack = [...sh.calls.stack, script.path];
      const callee: Shell = {
        cwd: sh.cwd,
        scriptDir: posix.dirname(script.path),
        args,
        calls: { scripts: sh.calls.scripts, stack },
      };
      runScript(script, callee, out);
      continue;
    }
    const call = dockerBuildCall(cmd);
    if (!call || call.context === undefined || sh.cwd === undefined) continue;
    if (isRemoteContext(call.context)) continue;
    const context = repoPath(sh.cwd, call.context);
    if (context === undefined) continue;
    const dockerfile =
      call.file === undefined ? dockerDefaultFile(context) : repoPath(sh.cwd, call.file);
    if (dockerfile === undefined) continue;
    out.push({
      dockerfile,
      context,
      source: { ...source, line },
      ...(call.target ? { target: call.target } : {}),
      images: call.tags,
    });
  }
}

/** A block of shell (a `run:` step, a script entry) starting on `firstLine` of its file. */
function shellBlock(
  text: string,
  firstLine: number,
  sh: Shell,
  source: Omit<Source, "line">,
  out: Declared[],
) {
  for (const { text: l, line } of logicalLines(text.split(/\r?\n/))) {
    shellLine(l, firstLine + line - 1, sh, source, out);
  }
}

/** The line a multi-line `run: |` value starts on: the line after its key. */
function blockStart(file: StructuredFile, path: (string | number)[], value: string): number {
  const key = file.lineOf(path);
  return value.includes("\n") ? key + 1 : key;
}

/** Steps of workflows (`jobs.*.steps`) and of composite actions (`runs.steps`). */
export function stepBuilds(
  workflows: readonly StructuredFile[],
  actions: readonly StructuredFile[],
): Declared[] {
  const out: Declared[] = [];
  const runDir = (v: unknown) => {
    const run = isRecord(v) && isRecord(v["defaults"]) ? v["defaults"]["run"] : undefined;
    return isRecord(run) ? str(run["working-directory"]) : undefined;
  };
  const steps = (file: StructuredFile, list: unknown, path: (string | number)[], dir: string) => {
    if (!Array.isArray(list)) return;
    const from = out.length;
    const metadata = metadataImages(list);
    list.forEach((step: unknown, i) => {
      if (!isRecord(step)) return;
      const at = [...path, i];
      const uses = str(step["uses"]);
      if (uses && /^docker\/build-push-action@/.test(uses)) {
        const b = buildPushAction(step, file, at, metadata);
        if (b) out.push(b);
      }
      const run = str(step["run"]);
      if (run !== undefined) {
        const cwd = repoPath(".", str(step["working-directory"]) ?? dir);
        const sh = { cwd, scriptDir: "." };
        shellBlock(
          run,
          blockStart(file, [...at, "run"], run),
          sh,
          { kind: "workflow", file: file.path },
          out,
        );
      }
    });
    const mounts = checkoutPaths(list);
    for (const d of out.slice(from)) {
      d.dockerfile = inCheckout(d.dockerfile, mounts);
      if (d.context !== undefined) d.context = inCheckout(d.context, mounts);
    }
  };
  for (const wf of workflows) {
    const jobs = isRecord(wf.data) ? wf.data["jobs"] : undefined;
    if (!isRecord(jobs)) continue;
    for (const [name, job] of Object.entries(jobs)) {
      if (!isRecord(job)) continue;
      steps(wf, job["steps"], ["jobs", name, "steps"], runDir(job) ?? runDir(wf.data) ?? ".");
    }
  }
  for (const action of actions) {
    const runs = isRecord(action.data) ? action.data["runs"] : undefined;
    if (isRecord(runs)) steps(action, runs["steps"], ["runs", "steps"], ".");
  }
  return out;
}

/**
 * Where a job checks the repo out when actions/checkout is given a `path` (and no `repository`,
 * or one from an expression, as release workflows that check out "the repo being released" do;
 * a literal `repository` is another repo's code).
 */
function checkoutPaths(steps: readonly unknown[]): string[] {
  return steps.flatMap((step) => {
    if (!isRecord(step) || !/^actions\/checkout@/.test(str(step["uses"]) ?? "")) return [];
    const w = isRecord(step["with"]) ? step["with"] : {};
    const repo = str(w["repository"]);
    if (repo !== undefined && !repo.includes("${{")) return [];
    const path = repoPath(".", str(w["path"]) ?? ".");
    return path === undefined || path === "." ? [] : [path];
  });
}

/** A workspace path in the repo's own checkout, as a repo path. */
function inCheckout(path: string, mounts: readonly string[]): string {
  for (const m of mounts) {
    if (path === m) return ".";
    if (path.startsWith(`${m}/`)) return path.slice(m.length + 1);
  }
  return path;
}

/**
 * docker/build-push-action: `context` defaults to the Git context (the repository at the
 * commit, its root), `{{defaultContext}}:sub` is a subdirectory of it, and `file` defaults to
 * `<context>/Dockerfile`; both are relative to the workspace root, not to a working directory.
 */
function buildPushAction(
  step: Data,
  file: StructuredFile,
  at: (string | number)[],
  metadata: ReadonlyMap<string, string[]>,
): Declared | undefined {
  const w = isRecord(step["with"]) ? step["with"] : {};
  let ctx = str(w["context"]) ?? ".";
  ctx = ctx.replace(/^\{\{\s*defaultContext\s*\}\}:?/, "") || ".";
  if (isRemoteContext(ctx)) return undefined;
  const context = repoPath(".", ctx);
  if (context === undefined) return undefined;
  const f = str(w["file"]);
  const dockerfile = f === undefined ? dockerDefaultFile(context) : repoPath(".", f);
  if (dockerfile === undefined) return undefined;
  const target = str(w["target"]);
  // `tags: ${{ steps.meta.outputs.tags }}` names the images a metadata-action step lists.
  const images = listInput(w["tags"]).flatMap((t) => {
    const id = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.tags\s*\}\}$/.exec(t)?.[1];
    return id === undefined ? [t] : (metadata.get(id) ?? [t]);
  });
  return {
    dockerfile,
    context,
    source: { kind: "workflow", file: file.path, line: file.lineOf([...at, "uses"]) },
    ...(target ? { target } : {}),
    images,
  };
}

/** An action input that is a list: newline- or comma-separated text (or a YAML list). */
function listInput(v: unknown): string[] {
  const items = Array.isArray(v) ? v.map((x) => str(x) ?? "") : (str(v) ?? "").split(/[\n,]/);
  return items.map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * docker/metadata-action steps by id: the `images` they compute tags for, each with a templated
 * tag. A line may be CSV attributes (`name=registry.example.com/org/app,enable=true`).
 */
function metadataImages(steps: readonly unknown[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const step of steps) {
    if (!isRecord(step) || !/^docker\/metadata-action@/.test(str(step["uses"]) ?? "")) continue;
    const id = str(step["id"]);
    const w = isRecord(step["with"]) ? step["with"] : {};
    if (id === undefined) continue;
    const lines = (str(w["images"]) ?? "").split("\n").map((l) => l.trim());
    const names = lines.flatMap((l) => {
      if (l === "") return [];
      if (!l.includes("=")) return l.split(",").map((n) => n.trim());
      const name = /(?:^|,)\s*name=([^,]+)/.exec(l)?.[1]?.trim();
      return name === undefined ? [] : [name];
    });
    // The tags it computes come from the ref, the version and the date: a glob.
    out.set(
      id,
      names.filter((n) => n !== "").map((n) => `${n}:*`),
    );
  }
  return out;
}

const GITLAB_RESERVED = new Set(["default", "include", "stages", "variables", "workflow", "spec"]);

/** `before_script`, `script` and `after_script` of every GitLab job, from the repo root. */
export function gitlabBuilds(files: readonly StructuredFile[]): Declared[] {
  const out: Declared[] = [];
  for (const file of files) {
    if (!isRecord(file.data)) continue;
    for (const [name, job] of Object.entries(file.data)) {
      if (GITLAB_RESERVED.has(name) || !isRecord(job)) continue;
      const sh: Shell = { cwd: ".", scriptDir: "." };
      for (const key of ["before_script", "script", "after_script"]) {
        const v = job[key];
        const entries = (
          typeof v === "string" ? [v] : Array.isArray(v) ? v.flat() : []
        ) as unknown[];
        entries.forEach((entry, i) => {
          if (typeof entry !== "string") return;
          const path = typeof v === "string" ? [name, key] : [name, key, i];
          shellBlock(
            entry,
            blockStart(file, path, entry),
            sh,
            { kind: "gitlab", file: file.path },
            out,
          );
        });
      }
    }
  }
  return out;
}

/** Woodpecker (and Drone) plugins that build `settings.dockerfile` and push `repo` with `tags`. */
const DOCKER_PLUGINS =
  /(?:^|\/)(?:woodpeckerci\/plugin-(?:docker-buildx|kaniko)|plugins\/(?:docker|docker-buildx|buildx|kaniko))(?:[:@]|$)/;

/**
 * Woodpecker workflow steps (`steps`, or `pipeline` before 1.0, as a map or a list): the docker
 * plugins' `settings` (`dockerfile` and `context` from the workspace root, the repository's;
 * every `repo` with every `tag`/`tags`, `latest` by default) and `commands`, run from the root.
 */
export function woodpeckerBuilds(files: readonly StructuredFile[]): Declared[] {
  const out: Declared[] = [];
  for (const file of files) {
    if (!isRecord(file.data)) continue;
    const key = file.data["steps"] !== undefined ? "steps" : "pipeline";
    const steps = file.data[key];
    const entries: [string | number, unknown][] = Array.isArray(steps)
      ? steps.map((s, i) => [i, s])
      : isRecord(steps)
        ? Object.entries(steps)
        : [];
    for (const [name, step] of entries) {
      if (!isRecord(step)) continue;
      const at = [key, name];
      const settings = step["settings"];
      if (DOCKER_PLUGINS.test(str(step["image"]) ?? "") && isRecord(settings)) {
        const context = repoPath(".", str(settings["context"]) ?? ".");
        const dockerfile = repoPath(".", str(settings["dockerfile"]) ?? "Dockerfile");
        if (context === undefined || dockerfile === undefined) continue;
        const listed = (v: unknown) => listInput(typeof v === "number" ? String(v) : v);
        const tags =
          settings["auto_tag"] === true ? ["*"] : listed(settings["tags"] ?? settings["tag"]);
        const images = listed(settings["repo"]).flatMap((repo) =>
          (tags.length > 0 ? tags : ["latest"]).map((t) => `${repo}:${t}`),
        );
        const target = str(settings["target"]);
        out.push({
          dockerfile,
          context,
          source: { kind: "woodpecker", file: file.path, line: file.lineOf([...at, "image"]) },
          ...(target ? { target } : {}),
          images,
        });
      }
      const commands = step["commands"];
      const list =
        typeof commands === "string" ? [commands] : Array.isArray(commands) ? commands : [];
      const sh: Shell = { cwd: ".", scriptDir: "." };
      list.forEach((c: unknown, i) => {
        if (typeof c !== "string") return;
        const path = typeof commands === "string" ? [...at, "commands"] : [...at, "commands", i];
        shellBlock(c, blockStart(file, path, c), sh, { kind: "woodpecker", file: file.path }, out);
      });
    }
  }
  return out;
}

/** make's variables set with `=`, `:=`, `::=`, `?=` (and `+=` appended), as written. */
function makeVariables(lines: readonly string[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of lines) {
    // A tab starts a recipe line, except for assignments indented inside `ifeq` blocks.
    if (raw.startsWith("\t") && !/^\t\s*[A-Za-z_][\w.-]*\s*(?::{1,3}=|\?=|\+=|\s=\s)/.test(raw)) {
      continue;
    }
    const m =
      /^\s*(?:export\s+|override\s+)?([A-Za-z_][\w.-]*)\s*(\+=|\?=|:{1,3}=|=)\s*(.*?)\s*(?:#.*)?$/.exec(
        raw,
      );
    if (!m?.[1]) continue;
    const [name, op, value] = [m[1], m[2], m[3] ?? ""];
    if (op === "+=") vars.set(name, `${vars.get(name) ?? ""} ${value}`.trim());
    else if (op !== "?=" || !vars.has(name)) vars.set(name, value);
  }
  return vars;
}

function expandMake(text: string, vars: ReadonlyMap<string, string>, depth = 0): string {
  if (depth > 5) return text;
  return text.replace(/\$\(([A-Za-z_][\w.-]*)\)|\$\{([A-Za-z_][\w.-]*)\}/g, (whole, a, b) => {
    const v = vars.get((a ?? b) as string);
    // `$(shell ...)` runs at make time: keep the name, which still says what it is (`$(DOCKER)`).
    return v === undefined || v.includes("$(shell") ? whole : expandMake(v, vars, depth + 1);
  });
}

/**
 * Makefile recipes (each line its own shell, from the Makefile's directory; a `*.mk` fragment is
 * included by a Makefile, usually the root one, so from the root) and shell scripts (run from
 * the repo root, as CI and Makefiles call them; a `cd` carries on to the following lines).
 */
export function scriptBuilds(scripts: readonly ScriptModel[]): Declared[] {
  const out: Declared[] = [];
  const callable = shellScripts(scripts);
  for (const s of scripts) {
    const calls = { scripts: callable, stack: [s.path] };
    const dir = posix.dirname(s.path);
    if (s.kind === "makefile") {
      const vars = makeVariables(s.lines);
      const base = s.path.endsWith(".mk") ? "." : dir;
      for (const { text, line } of logicalLines(s.lines)) {
        if (!text.startsWith("\t")) continue;
        const recipe = expandMake(text.replace(/^\t[@+\- \t]*/, ""), vars).replace(/\$\$/g, "$");
        shellLine(
          recipe,
          line,
          { cwd: base, scriptDir: dir, calls },
          { kind: "makefile", file: s.path },
          out,
        );
      }
      continue;
    }
    runScript(s, { cwd: ".", scriptDir: dir, calls }, out);
  }
  return out;
}
