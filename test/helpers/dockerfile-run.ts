import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { Arg, Copy, Env, Run, Workdir } from "dockerfile-ast";
import type { Instruction } from "dockerfile-ast";
import {
  commandAfterFlags,
  stageByName,
  unquoteDockerfileValue,
} from "../generate-container-helpers.js";
import type { ParsedDockerfile, Stage } from "../generate-container-helpers.js";

/**
 * Runs a generated Dockerfile's stages with the real tools but without Docker: the image's file
 * system is a directory (`root`), WORKDIR/ARG/ENV are tracked, COPY copies from the build
 * context (or a named build context), RUN runs under sh with the BuildKit --mount flags dropped.
 * Enough for the go steps gopave writes; not a Dockerfile interpreter.
 */
export interface StageRunner {
  /** The image file system. */
  root: string;
  /** The build context (the repo). */
  context: string;
  /** Named build contexts (`--build-context NAME=DIR`). */
  named?: Record<string, string>;
  /** The environment every RUN starts from (PATH, HOME, GOCACHE, ...). */
  baseEnv: NodeJS.ProcessEnv;
  /** Build args given with --build-arg. */
  buildArgs?: Record<string, string>;
}

export interface StageState {
  workdir: string;
  env: Record<string, string>;
  /** RUN commands as run, after flags. */
  ran: string[];
}

export interface RunOptions {
  /** A RUN to leave out (a step the test runs itself). */
  skip?: (command: string) => boolean;
  /** Variables for every RUN, e.g. TARGETOS/TARGETARCH that BuildKit would set. */
  extraEnv?: Record<string, string>;
  /** Run no COPY: the image directory already holds what an earlier run copied (and edited). */
  keepFiles?: boolean;
}

/** The stages a stage is built on, base first, following FROM <stage>. */
export function stageChain(parsed: ParsedDockerfile, name: string): Stage[] {
  const out = [stageByName(parsed, name)];
  for (;;) {
    const base = parsed.stages.find((s) => s.name === out[0]?.from.getImage());
    if (!base) return out;
    out.unshift(base);
  }
}

/** Maps an absolute image path into `root`. */
export function inImage(r: StageRunner, path: string): string {
  return join(r.root, path);
}

function expand(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, n: string) => vars[n] ?? "");
}

/**
 * Runs `name` and the stages it is built on. `skip` returns true for a RUN to leave out (a step
 * a test runs itself, or the network-bound dlv install).
 */
export function runStage(
  r: StageRunner,
  parsed: ParsedDockerfile,
  text: string,
  name: string,
  opts: RunOptions = {},
): StageState {
  const state: StageState = { workdir: "/", env: {}, ran: [] };
  for (const stage of stageChain(parsed, name)) {
    const args: Record<string, string> = {};
    for (const ins of stage.instructions) runInstruction(r, text, ins, state, args, opts);
  }
  return state;
}

function runInstruction(
  r: StageRunner,
  text: string,
  ins: Instruction,
  state: StageState,
  args: Record<string, string>,
  opts: RunOptions,
): void {
  const vars = () => ({ ...state.env, ...args });
  if (ins instanceof Workdir) {
    const dir = ins.getArgumentsContent() ?? "/";
    state.workdir = dir.startsWith("/") ? dir : join(state.workdir, dir);
    mkdirSync(inImage(r, state.workdir), { recursive: true });
  } else if (ins instanceof Arg) {
    for (const p of ins.getProperties()) {
      const given = r.buildArgs?.[p.getName()];
      args[p.getName()] = given ?? unquoteDockerfileValue(p.getValue() ?? "");
    }
  } else if (ins instanceof Env) {
    for (const p of ins.getProperties()) {
      state.env[p.getName()] = expand(unquoteDockerfileValue(p.getValue() ?? ""), vars());
    }
  } else if (ins instanceof Copy) {
    if (!opts.keepFiles) copy(r, ins, state);
  } else if (ins instanceof Run) {
    // Build output goes to /out in the image: into the image directory here.
    const command = commandAfterFlags(text, ins).replaceAll(" -o /out/", ` -o ${r.root}/out/`);
    if (opts.skip?.(command)) return;
    state.ran.push(command);
    execFileSync("sh", ["-c", command], {
      cwd: inImage(r, state.workdir),
      env: { ...r.baseEnv, ...state.env, ...args, ...opts.extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
  }
}

function copy(r: StageRunner, ins: Copy, state: StageState): void {
  const from = ins.getFromFlag()?.getValue() ?? undefined;
  const words = ins.getArguments().map((a) => a.getValue());
  const dest = words.at(-1) ?? ".";
  const sources = words.slice(0, -1);
  let base = r.context;
  if (from !== undefined) {
    const named = r.named?.[from];
    // COPY --from=<stage>: files another stage made (dlv); tests that need them copy them.
    if (named === undefined) return;
    base = named;
  }
  const target = inImage(r, dest.startsWith("/") ? dest : join(state.workdir, dest));
  for (const src of sources) {
    const abs = join(base, src);
    if (!existsSync(abs)) throw new Error(`COPY ${src}: not in the build context ${base}`);
    if (src === ".") {
      cpSync(abs, target, { recursive: true });
    } else {
      mkdirSync(target, { recursive: true });
      cpSync(abs, join(target, basename(src)), { recursive: true });
    }
  }
}
