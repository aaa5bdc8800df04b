import { readdirSync } from "node:fs";
import { join } from "node:path";
import { classifyPath, skipDir } from "./classify.js";
import type { FileKind } from "./classify.js";

export interface WalkedFile {
  path: string;
  kind: FileKind;
}

/**
 * One pass over the tree with `readdir(withFileTypes)`: the entry types come from the directory
 * listing itself, so there is no stat per file, and only files a reader wants are kept.
 * Symlinked directories are not followed (loops, and trees outside the repo).
 */
export function walkRepo(root: string): WalkedFile[] {
  const out: WalkedFile[] = [];
  const visit = (abs: string, rel: string) => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      // An unreadable subdirectory is not the repo's environment; the root itself must exist.
      if (rel === "") throw err;
      return;
    }
    for (const e of entries) {
      const path = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!skipDir(e.name)) visit(join(abs, e.name), path);
      } else if (e.isFile() || e.isSymbolicLink()) {
        const kind = classifyPath(path);
        if (kind) out.push({ path, kind });
      }
    }
  };
  visit(root, "");
  return out;
}
