import type { Instruction, Run } from "dockerfile-ast";
import { logicalLines, shellCommands } from "../../../model/index.js";

/**
 * What a RUN (or CMD/ENTRYPOINT) executes: its mounts, its simple commands as words, and the
 * `go` invocations among them with the environment each one sees from the same RUN.
 */

export interface Mount {
  /** "bind" when not given, as BuildKit defaults. */
  type: string;
  target: string | undefined;
  source: string | undefined;
  from: string | undefined;
}

export function runMounts(ins: Instruction): Mount[] {
  if (ins.getKeyword() !== "RUN") return [];
  const out: Mount[] = [];
  for (const flag of (ins as Run).getFlags()) {
    if (flag.getName() !== "mount") continue;
    const opts = new Map<string, string>();
    for (const o of flag.getOptions()) opts.set(o.getName(), o.getValue() ?? "");
    out.push({
      type: opts.get("type") ?? "bind",
      target: opts.get("target") ?? opts.get("dst") ?? opts.get("destination"),
      source: opts.get("source") ?? opts.get("src"),
      from: opts.get("from"),
    });
  }
  return out;
}

/** The array of an exec-form (JSON) instruction, or undefined for shell form. */
export function execForm(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith("[")) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : undefined;
  } catch {
    // Docker runs an array that is not valid JSON (single quotes, say) through the shell.
    return undefined;
  }
}

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh"]);
const basename = (w: string) => w.slice(w.lastIndexOf("/") + 1);

/** `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` as a word of its own, as BuildKit finds heredocs. */
const HEREDOC_RE = /(?<=^|\s)<<(-?)\s*(["']?)([A-Za-z0-9_.-]+)\2/g;
const MARK = (i: number) => `__gopave_heredoc_${i}__`;

/**
 * Simple commands of a RUN, heredoc bodies included when a shell runs them: `RUN <<EOF` alone
 * (BuildKit runs the body as the script, with the shell unless a `#!` line names another
 * interpreter), or a shell reading a heredoc as its script (`RUN bash <<EOF`, `RUN <<A cat >x &&
 * <<B sh`). Other heredocs are input to a program (`python3 <<EOF`, `cat <<EOF >file`).
 */
export function runCommands(ins: Instruction): string[][] {
  const content = ins.getArgumentsContent() ?? "";
  const exec = execForm(content);
  if (exec) return [exec];
  // BuildKit splits lines on LF and drops a CR before it (CRLF files).
  const lines = content.split(/\r?\n/);
  const head = lines[0] ?? "";
  const docs = [...head.matchAll(HEREDOC_RE)];
  if (docs.length === 0) return lines.flatMap((l) => shellCommands(l));
  // The bodies follow the first line, in the order the heredocs are named there.
  const bodies: string[][] = [];
  let at = 1;
  for (const d of docs) {
    const end = lines.findIndex((l, i) => i >= at && l.trim() === d[3]);
    const stop = end === -1 ? lines.length : end;
    bodies.push(lines.slice(at, stop));
    at = stop + 1;
  }
  let n = 0;
  const marked = head.replace(HEREDOC_RE, () => ` ${MARK(n++)} `);
  const onlyHeredoc = docs.length === 1 && head.trim() === docs[0]?.[0];
  const out: string[][] = [];
  for (const words of shellCommands(marked)) {
    const own = bodies.filter((_, i) => words.includes(MARK(i)));
    const plain = words.filter((w) => !/^__gopave_heredoc_\d+__$/.test(w));
    if (plain.length > 0) out.push(plain);
    const program = plain.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
    const shellReadsIt =
      (onlyHeredoc && program === undefined) ||
      (program !== undefined && SHELLS.has(basename(program)) && !plain.includes("-c"));
    if (!shellReadsIt) continue;
    for (const body of own) {
      if (!runsAsShell(body)) continue;
      out.push(...logicalLines(body).flatMap((l) => shellCommands(l.text)));
    }
  }
  return out;
}

/** A script without a `#!` line, or with one naming a shell (`#!/usr/bin/env bash`). */
function runsAsShell(body: readonly string[]): boolean {
  const first = body[0]?.trim() ?? "";
  if (!first.startsWith("#!")) return true;
  const words = first.slice(2).trim().split(/\s+/);
  const interpreter = basename(words[0] ?? "") === "env" ? words[1] : words[0];
  return interpreter !== undefined && SHELLS.has(basename(interpreter));
}

/** CMD/ENTRYPOINT words: the array in exec form, the shell words otherwise. */
export function commandWords(ins: Instruction): { exec: boolean; words: string[] } {
  const content = ins.getArgumentsContent() ?? "";
  const exec = execForm(content);
  if (exec) return { exec: true, words: exec };
  return { exec: false, words: shellCommands(content).flat() };
}

export interface GoCall {
  /** "build", "install", "mod download", "env", ... */
  sub: string;
  args: string[];
  /** Variables the `go` process gets from this RUN: inline assignments and `export`s before it. */
  env: Map<string, string>;
}

const ASSIGN_RE = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
const PREFIX_COMMANDS = new Set(["exec", "time", "nice", "nohup", "command", "sudo"]);

/** The `go` commands among simple commands (following `sh -c '...'` one level down). */
export function goCalls(commands: readonly string[][], inherited?: Map<string, string>): GoCall[] {
  const exported = new Map(inherited);
  const out: GoCall[] = [];
  for (const words of commands) {
    const env = new Map(exported);
    let i = 0;
    for (; i < words.length; i++) {
      const w = words[i] as string;
      const m = ASSIGN_RE.exec(w);
      if (m) env.set(m[1] as string, m[2] as string);
      else if (PREFIX_COMMANDS.has(w)) continue;
      else if (w === "env") i = skipEnvOptions(words, i, env);
      else break;
    }
    const cmd = words[i];
    if (cmd === undefined) {
      // A bare `X=1` is a shell variable: the go command does not see it unless it is exported.
      for (const [k, v] of env) if (exported.has(k)) exported.set(k, v);
      continue;
    }
    if (cmd === "export") {
      for (const w of words.slice(i + 1)) {
        const m = ASSIGN_RE.exec(w);
        if (m) exported.set(m[1] as string, m[2] as string);
      }
    } else if (basename(cmd) === "go") {
      const sub = words[i + 1] ?? "";
      const nested = sub === "mod" ? words[i + 2] : undefined;
      const subName = sub === "mod" && nested !== undefined ? `mod ${nested}` : sub;
      out.push({ sub: subName, args: words.slice(i + (subName === sub ? 2 : 3)), env });
    } else if (SHELLS.has(basename(cmd))) {
      const c = words.indexOf("-c", i + 1);
      const script = c === -1 ? undefined : words[c + 1];
      if (script !== undefined) out.push(...goCalls(shellCommands(script), env));
    }
  }
  return out;
}

function skipEnvOptions(words: readonly string[], at: number, env: Map<string, string>): number {
  let i = at + 1;
  for (; i < words.length; i++) {
    const w = words[i] as string;
    const m = ASSIGN_RE.exec(w);
    if (m) env.set(m[1] as string, m[2] as string);
    else if (w === "-u" || w === "--unset") {
      env.delete(words[i + 1] ?? "");
      i++;
    } else if (!w.startsWith("-")) break;
  }
  return i - 1;
}

/** `go build`, or `go install` of the module's own packages (no `@version`): compiles the app. */
export function buildsApp(call: GoCall): boolean {
  if (call.sub === "build") return true;
  if (call.sub !== "install") return false;
  return !packageArgs(call.args).some((a) => a.includes("@"));
}

/** go build flags that take the next word as their value. */
const VALUE_FLAGS = new Set([
  "-C",
  "-o",
  "-p",
  "-asmflags",
  "-buildmode",
  "-compiler",
  "-gccgoflags",
  "-gcflags",
  "-installsuffix",
  "-ldflags",
  "-mod",
  "-modfile",
  "-overlay",
  "-pgo",
  "-pkgdir",
  "-tags",
  "-toolexec",
  "-exec",
  "-coverpkg",
  "-covermode",
]);

/** The package (or `path@version`) arguments of a go build/install command line. */
export function packageArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--") {
      out.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("-")) {
      const flag = a.replace(/^--/, "-");
      if (!flag.includes("=") && VALUE_FLAGS.has(flag)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** The go commands a RUN instruction runs (none for other instructions). */
export function runGoCalls(ins: Instruction): GoCall[] {
  return ins.getKeyword() === "RUN" ? goCalls(runCommands(ins)) : [];
}
