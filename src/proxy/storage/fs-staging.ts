import { randomBytes } from "node:crypto";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";

/**
 * Each process that opens a filesystem storage stages its temp files (downloads being verified,
 * files being written) in its own directory, `staging/<host>-<pid>-<random>`. A process that is
 * killed leaves its directory behind; the next start on the same host removes the directories
 * of processes that no longer run, so a crash loop cannot fill the disk with half-downloaded
 * zips. Directories of other hosts (a shared volume) and loose files of older gopave versions are
 * removed only once nothing has touched them for a day: their owners cannot be asked.
 */

/** Temp files older than this were left by a crash (a live download is never this old). */
export const STALE_TEMP_MS = 24 * 60 * 60 * 1000;

const OWNER = /^(.+)-(\d+)-([0-9a-f]{6})$/;

/** Staging directories this process has open (two storages on one root in one process). */
const openHere = new Set<string>();

export interface Staging {
  dir: string;
  release(): Promise<void>;
}

/** Creates this process's staging directory under `parent` after clearing dead owners' ones. */
export async function claimStaging(parent: string): Promise<Staging> {
  await mkdir(parent, { recursive: true });
  const host = safeHost();
  await clearDebris(parent, host, Date.now() - STALE_TEMP_MS);
  const dir = join(parent, `${host}-${process.pid}-${randomBytes(3).toString("hex")}`);
  await mkdir(dir, { recursive: true });
  openHere.add(dir);
  return {
    dir,
    async release() {
      openHere.delete(dir);
      // Every write has settled by now: what is left is a temp nobody will use.
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function clearDebris(parent: string, host: string, olderThan: number): Promise<void> {
  for (const name of await readdir(parent)) {
    const path = join(parent, name);
    const owner = OWNER.exec(name);
    try {
      if (owner && owner[1] === host && !openHere.has(path) && !running(Number(owner[2]))) {
        await rm(path, { recursive: true, force: true });
      } else if (owner) {
        await removeStale(path, olderThan);
      } else if ((await stat(path)).mtimeMs < olderThan) {
        await rm(path, { recursive: true, force: true });
      }
    } catch {
      // Another process is using or removing it.
    }
  }
}

async function removeStale(dir: string, olderThan: number): Promise<void> {
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    try {
      if ((await stat(path)).mtimeMs < olderThan) await rm(path, { recursive: true, force: true });
    } catch {
      // Its owner is removing it.
    }
  }
}

/**
 * Whether a process of this host runs under `pid`. Our own pid counts as not running unless one
 * of our open storages owns the directory: a restarted container often gets the same pid.
 */
function running(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function safeHost(): string {
  return hostname().replace(/[^A-Za-z0-9.-]/g, "_") || "host";
}
