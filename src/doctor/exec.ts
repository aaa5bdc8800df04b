import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

export interface RunResult {
  ok: boolean;
  /** The program is not on PATH. */
  missing: boolean;
  timedOut: boolean;
  code: number | undefined;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Runs a program and never throws: a probe turns every outcome into a check. */
export function run(file: string, args: string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    execFile(
      file,
      args,
      {
        cwd: opts.cwd,
        env: opts.env,
        timeout: opts.timeoutMs,
        killSignal: "SIGKILL",
        maxBuffer: 16 * 1024 * 1024,
        encoding: "utf8",
      },
      (err, stdout, stderr) => {
        if (!err) {
          resolvePromise({ ok: true, missing: false, timedOut: false, code: 0, stdout, stderr });
          return;
        }
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        resolvePromise({
          ok: false,
          missing: e.code === "ENOENT",
          timedOut: e.killed === true,
          code: typeof e.code === "number" ? e.code : undefined,
          stdout,
          stderr,
        });
      },
    );
  });
}

/** The first line of a command's error output, for a detail. */
export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "") ?? ""
  );
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The PATH entries, as the shell would search them (empty entries mean the current directory). */
export function pathEntries(env: NodeJS.ProcessEnv): string[] {
  return (env.PATH ?? "").split(delimiter).map((d) => (d === "" ? "." : d));
}

/** Where `name` would be found on PATH, like `command -v`; undefined when it is not. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  for (const dir of pathEntries(env)) {
    const full = join(isAbsolute(dir) ? dir : join(cwd, dir), name);
    if (isExecutableFile(full)) return full;
  }
  return undefined;
}

export function fileIsExecutable(path: string): boolean {
  return isExecutableFile(path);
}
