import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const STAGING_PREFIX = "gopave-s3-staging-";

/** As the filesystem backend's temps: nothing this old can be a download still in progress. */
const STALE_STAGING_MS = 24 * 60 * 60 * 1000;

/**
 * The S3 backend's local staging directories. close() removes a process's own; one that died
 * without closing (SIGKILL, a crash, an OOM kill) leaves its partial downloads in the temp
 * directory, and a replica restarted in the same container would pile them up crash after
 * crash. So a new one first removes the staging directories in which nothing changed for a day.
 */
export class S3Staging {
  private dir: Promise<string> | undefined;

  constructor(private readonly parent: string = tmpdir()) {}

  async get(): Promise<string> {
    this.dir ??= this.create();
    const dir = await this.dir;
    // A sibling's cleanup may have removed ours after a day idle: recreate it, never fail.
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** The directory, if one was made (a path under it is a download of ours). */
  made(): Promise<string> | undefined {
    return this.dir;
  }

  async remove(): Promise<void> {
    if (this.dir) await rm(await this.dir, { recursive: true, force: true });
  }

  private async create(): Promise<string> {
    await removeStale(this.parent, Date.now() - STALE_STAGING_MS);
    return mkdtemp(join(this.parent, STAGING_PREFIX));
  }
}

async function removeStale(parent: string, olderThan: number): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(parent)).filter((n) => n.startsWith(STAGING_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(parent, name);
    try {
      if ((await lastChange(dir)) < olderThan) await rm(dir, { recursive: true, force: true });
    } catch {
      // Another process is using or removing it.
    }
  }
}

/** The newest mtime of a staging directory and the files in it. */
async function lastChange(dir: string): Promise<number> {
  let newest = (await stat(dir)).mtimeMs;
  for (const name of await readdir(dir)) {
    newest = Math.max(newest, (await stat(join(dir, name))).mtimeMs);
  }
  return newest;
}
