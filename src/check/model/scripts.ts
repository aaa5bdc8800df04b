import { posix } from "node:path";
import type { ScriptModel } from "../types.js";
import { logicalLines, shellCommands } from "./shell-words.js";
import { lineHolding, textFile } from "./text-file.js";

const PREFIX_WORDS = /^(?:sudo|env|command|exec|time|nohup|if|then|else|elif|do|while|until|!)$/;
const GO_NAME = /^GO[A-Z0-9_]*$/;
/** The go command as scripts and Makefiles spell it: `go`, a path to it, or a make/shell variable. */
const GO_COMMAND = /^(?:(?:.*\/)?go|\$\(GO\)|\$\{GO\}|\$GO)$/;
/** `go install` flags that take a separate argument. */
const INSTALL_FLAGS_WITH_VALUE = new Set([
  "-C",
  "-o",
  "-p",
  "-tags",
  "-ldflags",
  "-gcflags",
  "-asmflags",
  "-mod",
  "-modfile",
  "-overlay",
  "-pkgdir",
  "-toolexec",
  "-exec",
  "-covermode",
  "-coverpkg",
  "-buildmode",
  "-compiler",
  "-gccgoflags",
  "-installsuffix",
  "-pgo",
]);
/** Meta-packages and local targets that install the repo's own code, not a pinned tool. */
const LOCAL_TARGETS = new Set(["tool", "std", "cmd", "all"]);

/** Shell shebangs we read as scripts: sh, bash, dash, ash, ksh, zsh (directly or via env). */
export function hasShellShebang(text: string): boolean {
  return /^#!\s*\S*?(?:\/env\s+(?:-\S+\s+)*)?\/?(?:\S*\/)?(?:ba|da|a|k|z)?sh(?:\s|$)/.test(
    text.slice(0, 200),
  );
}

/**
 * Makefiles and the files they include: Makefile, GNUmakefile, Makefile.common (Prometheus'
 * shared rules), tools.Makefile, *.mk, *.make. Autotools' Makefile.in/.am are templates.
 */
export function isMakefileName(path: string): boolean {
  const base = posix.basename(path);
  if (/^(?:GNUmakefile|[Mm]akefile)$/.test(base)) return true;
  if (/^[Mm]akefile\.(?!in$|am$)[\w-]+$/.test(base)) return true;
  return /\.(?:mk|make|[Mm]akefile)$/.test(base);
}

export function readScript(path: string, text: string, kind: ScriptModel["kind"]): ScriptModel {
  const base = textFile(path, text);
  const model: ScriptModel = { ...base, kind, goEnvWrites: [], goInstalls: [], exports: [] };
  let heredocEnd: string | undefined;
  for (const { text: line, line: n, end } of logicalLines(base.lines)) {
    const before = model.goInstalls.length;
    if (heredocEnd !== undefined) {
      // A here-document is data (a file being written, a message), not commands.
      if (line.replace(/^\t+/, "") === heredocEnd) heredocEnd = undefined;
      continue;
    }
    if (kind === "makefile") readMakeLine(line, n, model);
    else {
      readShellLine(line, n, model);
      heredocEnd = /(?<!<)<<(?!<)-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(line)?.[2];
    }
    // A finding points at the physical line of the install, not where a continued line starts.
    for (const install of model.goInstalls.slice(before)) {
      install.line = lineHolding(base.lines, n, end, install.target) ?? n;
    }
  }
  return model;
}

function readMakeLine(raw: string, n: number, model: ScriptModel): void {
  if (raw.startsWith("\t")) {
    // A recipe: shell, after make's own prefixes (@ silent, - ignore errors, + always run).
    readShellLine(raw.replace(/^\t[@+\- \t]*/, "").replace(/\$\$/g, "$"), n, model);
    return;
  }
  const m = /^\s*(export\s+)?(GO[A-Z0-9_]*)\s*(?::{1,3}=|\?=|\+=|!=|=)\s*(.*?)\s*(?:#.*)?$/.exec(
    raw,
  );
  if (m?.[2]) model.exports.push({ name: m[2], value: m[3] ?? "", line: n });
}

function readShellLine(text: string, n: number, model: ScriptModel): void {
  for (const words of shellCommands(text)) {
    let i = 0;
    // Keywords and wrappers (`then`, `sudo`, `env`...) run what follows.
    while (i < words.length && PREFIX_WORDS.test(words[i] as string)) i++;
    const first = words[i];
    if (first === undefined) continue;
    if (first === "export" || first === "readonly") {
      for (const w of words.slice(i + 1)) addAssignment(w, n, model);
      continue;
    }
    if (isAssignment(first)) {
      let j = i;
      while (j < words.length && isAssignment(words[j] as string)) j++;
      // Only a standalone assignment sets the script's environment; `GOOS=x go build` does not.
      if (j === words.length) for (const w of words.slice(i)) addAssignment(w, n, model);
      i = j;
      while (i < words.length && PREFIX_WORDS.test(words[i] as string)) i++;
    }
    if (!GO_COMMAND.test(words[i] ?? "")) continue;
    const verb = words[i + 1];
    const args = words.slice(i + 2);
    if (verb === "env") readGoEnv(args, n, model);
    else if (verb === "install") readGoInstall(args, n, model);
  }
}

function isAssignment(w: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(w);
}

function addAssignment(word: string, n: number, model: ScriptModel): void {
  const eq = word.indexOf("=");
  if (eq <= 0) return;
  const name = word.slice(0, eq);
  if (GO_NAME.test(name)) model.exports.push({ name, value: word.slice(eq + 1), line: n });
}

function readGoEnv(args: string[], n: number, model: ScriptModel): void {
  if (!args.includes("-w")) return;
  for (const a of args) {
    if (a.startsWith("-")) continue;
    const eq = a.indexOf("=");
    if (eq > 0) model.goEnvWrites.push({ name: a.slice(0, eq), value: a.slice(eq + 1), line: n });
  }
}

function readGoInstall(args: string[], n: number, model: ScriptModel): void {
  for (let k = 0; k < args.length; k++) {
    const a = args[k] as string;
    if (a.startsWith("-")) {
      if (!a.includes("=") && INSTALL_FLAGS_WITH_VALUE.has(a)) k++;
      continue;
    }
    if (LOCAL_TARGETS.has(a) || a.startsWith(".") || a.startsWith("/")) continue;
    const at = a.lastIndexOf("@");
    const target = at > 0 ? a.slice(0, at) : a;
    const version = at > 0 ? a.slice(at + 1) : undefined;
    model.goInstalls.push({ target, version, line: n });
  }
}
