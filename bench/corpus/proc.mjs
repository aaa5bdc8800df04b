// Child processes for the corpus runner: each in its own process group, so a timeout (or Ctrl-C)
// ends the whole tree (`sh -c` and the go command under it), never anything else.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

const running = new Set();

function killGroup(pid) {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Ends the process groups this runner started (for a SIGINT handler). */
export function killRunning() {
  for (const pid of running) killGroup(pid);
}

/**
 * Runs argv[0] with argv.slice(1); never rejects on a non-zero exit.
 * @returns {Promise<{code: number|null, signal: string|null, stdout: string, stderr: string, timedOut: boolean, ms: number}>}
 */
export function run(argv, { cwd, env, timeoutMs, input } = {}) {
  const [cmd, ...args] = argv;
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, {
      cwd,
      env,
      detached: true,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    running.add(child.pid);
    const out = [];
    const err = [];
    child.stdout.on("data", (b) => out.push(b));
    child.stderr.on("data", (b) => err.push(b));
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup(child.pid);
          }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      running.delete(child.pid);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      running.delete(child.pid);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        timedOut,
        ms: Date.now() - t0,
      });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

/** The first executable named `name` in PATH (or in `extraDirs`), or undefined. */
export function which(name, extraDirs = []) {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), ...extraDirs];
  for (const dir of dirs.filter((d) => d !== "")) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}
