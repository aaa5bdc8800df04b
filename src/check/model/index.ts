import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { RepoModel } from "../types.js";
import { assembleModel } from "./assemble.js";
import type { SourceFile } from "./assemble.js";
import { classifyPath, skipDir } from "./classify.js";
import { walkRepo } from "./walk.js";

export { classifyPath } from "./classify.js";
export type { FileKind } from "./classify.js";
export { logicalLines, shellCommands } from "./shell-words.js";

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Reads a repo from disk: one walk, then only the files a reader wants. */
export async function buildModel(root: string): Promise<RepoModel> {
  const abs = resolve(root);
  const sources: SourceFile[] = [];
  for (const f of walkRepo(abs)) {
    // A dangling symlink or a file removed mid-walk is simply not there.
    const text = readOrUndefined(join(abs, f.path));
    if (text !== undefined) sources.push({ ...f, text });
  }
  const readFile = (p: string) =>
    isAbsolute(p) || p.split("/").includes("..") ? undefined : readOrUndefined(join(abs, p));
  return assembleModel(abs, sources, readFile);
}

/**
 * The same model from in-memory files (repo-relative POSIX paths to contents), for tests. Files
 * are classified exactly as on disk, including the skipped directories.
 */
export function modelFromFiles(files: Record<string, string>, root = "/repo"): RepoModel {
  const sources: SourceFile[] = [];
  for (const [path, text] of Object.entries(files)) {
    if (path.split("/").slice(0, -1).some(skipDir)) continue;
    const kind = classifyPath(path);
    if (kind) sources.push({ path, kind, text });
  }
  return assembleModel(root, sources, (p) => (Object.hasOwn(files, p) ? files[p] : undefined));
}
