import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { copyFile, link, mkdir, open, rename, rm, stat, utimes } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

export type WriteSource = { path: string } | { data: Buffer | string };

/** Options for the file as it is placed: access time doubles as the zip's last use (see fs-recency.ts). */
export interface PlaceOptions {
  atimeMs?: number;
  mtimeMs?: number;
}

/** Errors of file systems without hard links; those fall back to check-then-rename. */
const NO_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK"]);

export function errorCode(err: unknown): string | undefined {
  return err instanceof Error && "code" in err && typeof err.code === "string"
    ? err.code
    : undefined;
}

function tempName(staging: string): string {
  return join(staging, `${randomBytes(8).toString("hex")}.tmp`);
}

/** Whether `path` names something inside `dir` (a staged download, ours to consume). */
export function isUnder(dir: string, path: string): boolean {
  const rel = relative(dir, resolve(path));
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (errorCode(err) === "ENOENT" || errorCode(err) === "ENOTDIR") return false;
    throw err;
  }
}

async function writeSynced(path: string, data: Buffer | string): Promise<void> {
  const fh = await open(path, "wx", 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncFile(path: string): Promise<void> {
  const fh = await open(path, "r+");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function setTimes(path: string, opts: PlaceOptions): Promise<void> {
  if (opts.atimeMs === undefined && opts.mtimeMs === undefined) return;
  const st = await stat(path);
  await utimes(path, (opts.atimeMs ?? st.atimeMs) / 1000, (opts.mtimeMs ?? st.mtimeMs) / 1000);
}

/**
 * A complete, fsynced copy of `source` in the staging dir, so the final step is a link or rename
 * on one file system. `owned`: the returned file is ours to delete afterwards. A source already
 * in the staging dir is consumed (the caller downloaded it there for us); any other file (a
 * user's GOMODCACHE) is copied and left alone.
 */
async function stage(
  source: WriteSource,
  staging: string,
): Promise<{ path: string; owned: boolean }> {
  if ("data" in source) {
    const tmp = tempName(staging);
    await writeSynced(tmp, source.data).catch(async (err: unknown) => {
      await rm(tmp, { force: true });
      throw err;
    });
    return { path: tmp, owned: true };
  }
  if (isUnder(staging, source.path)) {
    await syncFile(source.path);
    return { path: source.path, owned: true };
  }
  const tmp = tempName(staging);
  try {
    // FICLONE makes the copy a reflink where the file system supports it, a plain copy elsewhere.
    await copyFile(source.path, tmp, constants.COPYFILE_FICLONE);
    await syncFile(tmp);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return { path: tmp, owned: true };
}

/**
 * Places `source` at `target` unless something is there already: first writer wins, nothing is
 * ever overwritten, and a reader never sees a partial file (the content is fsynced before it gets
 * its name). A hard link is the atomic "create if absent" for a whole file; rename would replace.
 * Returns whether this call wrote the file.
 */
export async function writeOnce(
  target: string,
  source: WriteSource,
  staging: string,
  opts: PlaceOptions = {},
): Promise<boolean> {
  const consume = "path" in source && isUnder(staging, source.path);
  if (await exists(target)) {
    if (consume) await rm(source.path, { force: true });
    return false;
  }
  const staged = await stage(source, staging);
  try {
    await setTimes(staged.path, opts);
    await mkdir(dirname(target), { recursive: true });
    try {
      await link(staged.path, target);
      return true;
    } catch (err) {
      if (errorCode(err) === "EEXIST") return false;
      if (!NO_LINKS.has(errorCode(err) ?? "")) throw err;
    }
    // No hard links here: a concurrent writer of the same immutable file could still win the
    // rename race; it replaces bytes verified against the same checksum with the same bytes.
    if (await exists(target)) return false;
    await rename(staged.path, target);
    return true;
  } finally {
    if (staged.owned) await rm(staged.path, { force: true });
  }
}

/** Replaces `target` atomically (temp file, fsync, rename): for mutable answers. */
export async function writeReplace(
  target: string,
  data: Buffer | string,
  staging: string,
  opts: PlaceOptions = {},
): Promise<void> {
  const tmp = tempName(staging);
  try {
    await writeSynced(tmp, data);
    await setTimes(tmp, opts);
    await mkdir(dirname(target), { recursive: true });
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
