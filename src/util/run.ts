import { execFile } from "node:child_process";

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

/** Runs a program and never throws: callers turn every outcome (missing, timed out, failed) into an answer. */
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
        maxBuffer: 64 * 1024 * 1024,
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
