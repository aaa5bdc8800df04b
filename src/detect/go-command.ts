import { execFile } from "node:child_process";

export type GoRun =
  | { ok: true; stdout: string; stderr: string }
  | { ok: false; missing: boolean; stdout: string; stderr: string; reason: string };

export interface GoRunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Runs `go <args>`; never throws. `missing` means no go command on PATH. */
export function runGo(args: string[], opts: GoRunOptions): Promise<GoRun> {
  return new Promise((resolvePromise) => {
    execFile(
      "go",
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
          resolvePromise({ ok: true, stdout, stderr });
          return;
        }
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
        const missing = e.code === "ENOENT";
        let reason: string;
        if (missing) reason = "go is not installed or not on PATH";
        else if (e.killed) reason = `timed out after ${opts.timeoutMs} ms`;
        else reason = firstLine(stderr) || e.message;
        resolvePromise({ ok: false, missing, stdout, stderr, reason });
      },
    );
  });
}

function firstLine(s: string): string {
  return (
    s
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "" && !l.startsWith("go: downloading")) ?? ""
  );
}

/** The environment for go commands gopave runs: never download a toolchain. */
export function goEnv(base: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...base, GOTOOLCHAIN: "local", ...extra };
}
