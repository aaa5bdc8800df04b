import { isAbsolute, resolve } from "node:path";
import type { RepoModel } from "../types.js";
import { assembleModel } from "./assemble.js";
import type { SourceFile } from "./assemble.js";
import { classifyPath } from "./classify.js";
import { gitListing } from "./git-files.js";
import { diskTree, memoryTree, walkTree } from "./walk.js";
import type { Listing, Tree } from "./walk.js";

export { classifyPath } from "./classify.js";
export type { FileKind } from "./classify.js";
export { logicalLines, shellCommands } from "./shell-words.js";
export { WALK_LIMITS } from "./walk.js";

/** Reads the files a listing names that some reader wants, classified by path. */
function sourcesOf(listing: Listing, tree: Tree): SourceFile[] {
  const sources: SourceFile[] = [];
  for (const path of listing.paths) {
    const kind = classifyPath(path);
    if (!kind) continue;
    // A dangling symlink, a symlink to a directory or a file removed mid-walk is simply not there.
    const text = tree.read(path);
    if (text !== undefined) sources.push({ path, kind, text });
  }
  return sources;
}

/**
 * Reads a repo from disk. In a git work tree (the root holds `.git`) git lists the files, so
 * .gitignore, .git/info/exclude and the user's excludes apply exactly as git applies them;
 * elsewhere, or without git, a bounded walk applies the repo's .gitignore files itself.
 */
export async function buildModel(root: string): Promise<RepoModel> {
  const abs = resolve(root);
  const tree = diskTree(abs);
  // Listing the root first fails loudly for a root that is not a readable directory.
  tree.list("");
  const listing = (await gitListing(abs)) ?? walkTree(tree);
  const readFile = (p: string) =>
    isAbsolute(p) || p.split("/").includes("..") ? undefined : tree.read(p);
  return assembleModel(abs, sourcesOf(listing, tree), readFile, {
    method: listing.method,
    truncated: listing.truncated,
  });
}

/**
 * The same model from in-memory files (repo-relative POSIX paths to contents), for tests. Files
 * are found exactly as on disk without git: the skipped directories and .gitignore files apply.
 */
export function modelFromFiles(files: Record<string, string>, root = "/repo"): RepoModel {
  const tree = memoryTree(files);
  const listing = walkTree(tree);
  return assembleModel(root, sourcesOf(listing, tree), (p) => tree.read(p), {
    method: "files",
    truncated: listing.truncated,
  });
}
