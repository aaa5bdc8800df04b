import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { StorageUsage } from "../types.js";

const MODULE_FILE = /\.(?:info|mod|zip)$/;

/**
 * Counts the module files under a filesystem root (`…/@v/*.info|mod|zip`) and their bytes,
 * skipping the top-level directories that hold no modules and every dot directory, and stopping
 * after `limit` files. Symlinks are not followed (Dirent reports them as neither kind).
 */
export async function fsUsage(
  root: string,
  skipTop: ReadonlySet<string>,
  limit: number,
): Promise<StorageUsage> {
  let files = 0;
  let bytes = 0;
  const dirs: string[] = [root];
  for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    const versionDir = basename(dir) === "@v";
    for (const d of entries) {
      const path = join(dir, d.name);
      if (d.isDirectory()) {
        if (!d.name.startsWith(".") && !(dir === root && skipTop.has(d.name))) dirs.push(path);
      } else if (versionDir && d.isFile() && MODULE_FILE.test(d.name)) {
        if (files >= limit) return { files, bytes, complete: false };
        try {
          bytes += (await stat(path)).size;
          files++;
        } catch {
          // Removed (evicted) while counting.
        }
      }
    }
  }
  return { files, bytes, complete: true };
}
