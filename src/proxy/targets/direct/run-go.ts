import { spawn } from "node:child_process";

export interface GoProcessOptions {
  goBinary: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal: AbortSignal;
  /** stdout beyond this kills the process: a module's -json output is a few KiB. */
  maxOutputBytes: number;
}

export interface GoProcessResult {
  /** Exit code; null when killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why gopave stopped the process, if it did. */
  stopped: "timeout" | "aborted" | "output-limit" | undefined;
  /** The process could not be started at all (e.g. no go binary). */
  spawnError: string | undefined;
}

/** After the process exits, how long to wait for its pipes to close (a stray grandchild). */
const CLOSE_GRACE_MS = 2000;

/**
 * Runs the go command in its own process group, so a timeout or abort kills go and the git (or
 * ssh, hg) processes it started: killing only go leaves a clone running with nobody waiting.
 */
export function runGoProcess(opts: GoProcessOptions): Promise<GoProcessResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let stopped: GoProcessResult["stopped"];
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;

    const child = spawn(opts.goBinary, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: process.platform !== "win32",
    });

    const finish = (code: number | null, spawnError?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      opts.signal.removeEventListener("abort", onAbort);
      resolve({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        stopped,
        spawnError,
      });
    };

    const kill = (why: NonNullable<GoProcessResult["stopped"]>) => {
      stopped ??= why;
      killGroup(child.pid, () => child.kill("SIGKILL"));
    };
    const onAbort = () => kill("aborted");
    const timer = setTimeout(() => kill("timeout"), opts.timeoutMs);
    if (opts.signal.aborted) onAbort();
    else opts.signal.addEventListener("abort", onAbort, { once: true });

    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > opts.maxOutputBytes) kill("output-limit");
      else out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      // Keep the head of stderr: the error is near the top, and memory stays bounded.
      if (errBytes < 64 * 1024) err.push(chunk);
      errBytes += chunk.length;
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      const reason =
        e.code === "ENOENT" ? `${opts.goBinary}: executable file not found` : e.message;
      finish(null, reason);
    });
    child.on("exit", (code) => {
      graceTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code);
      }, CLOSE_GRACE_MS);
    });
    child.on("close", (code) => finish(code));
  });
}

function killGroup(pid: number | undefined, fallback: () => void): void {
  if (pid === undefined) return;
  try {
    if (process.platform === "win32") fallback();
    else process.kill(-pid, "SIGKILL");
  } catch {
    // The group is already gone, or this platform has no groups.
    try {
      fallback();
    } catch {
      // Nothing left to kill.
    }
  }
}
