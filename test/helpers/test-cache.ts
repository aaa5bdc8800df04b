import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where tests keep what is slow to make and the same from run to run (the Compose CLI, stand-in
 * images): the directory .ci/run caches, keyed by version inside.
 */
export function cacheRoot(): string {
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "gopave-ci");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The containers-storage driver for test engines: overlay where the kernel has it (as root it
 * needs nothing else, and shares each layer instead of copying it), else vfs, which always works
 * but copies every layer whole.
 */
export function storageDriver(): "overlay" | "vfs" {
  try {
    const fs = readFileSync("/proc/filesystems", "utf8");
    return process.getuid?.() === 0 && /\toverlay$/m.test(fs) ? "overlay" : "vfs";
  } catch {
    return "vfs";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * A lock between test processes (vitest runs files in parallel): a directory that holds the
 * owner's pid. A lock whose owner has died is taken over. Returns the release function.
 */
export function lockDir(path: string, timeoutMs: number): () => void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, "pid"), String(process.pid));
      return () => rmSync(path, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let owner = 0;
    try {
      owner = Number(readFileSync(join(path, "pid"), "utf8"));
    } catch {
      // Just made by its owner, pid not written yet.
    }
    if (owner > 0 && !alive(owner)) {
      rmSync(path, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`${path} is still held by pid ${owner} after ${timeoutMs / 1000} s`);
    }
    Atomics.wait(pause, 0, 0, 250);
  }
}
