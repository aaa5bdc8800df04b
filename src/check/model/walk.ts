import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { skipDir } from "./classify.js";
import { isIgnored, parseGitignore } from "./gitignore.js";
import type { IgnoreRule } from "./gitignore.js";

export interface TreeEntry {
  name: string;
  dir: boolean;
}

/** A directory tree addressed by repo-relative POSIX paths: the disk, or files given in a test. */
export interface Tree {
  /** A directory's entries ("" is the root); undefined when it cannot be listed. */
  list(dir: string): TreeEntry[] | undefined;
  read(path: string): string | undefined;
}

/** The repo's files as discovery found them, before anything is classified or read. */
export interface Listing {
  /** Repo-relative POSIX paths of files, sorted. */
  paths: string[];
  /** `git`: `git ls-files` in the work tree; `walk`: the directory walk with our .gitignore matcher. */
  method: "git" | "walk";
  /** The walk stopped at a limit: files past it were not looked at. */
  truncated: boolean;
}

/**
 * What bounds discovery. Environment files sit near the top of a repo; the limits only stop a
 * check run in the wrong place (a home directory, a disk root) from walking for minutes.
 */
export interface WalkLimits {
  /** Directory entries looked at, files and directories together. */
  entries: number;
  /** Directories below the root. */
  depth: number;
}

export const WALK_LIMITS: WalkLimits = { entries: 250_000, depth: 32 };

/**
 * Breadth first, so that when a limit is hit the files left out are the deepest. Skips what
 * skipDir names (VCS data, vendor/, node_modules/, testdata/), every path a .gitignore of the
 * root or below ignores (plus .git/info/exclude), and nested repositories and submodules (a
 * directory with its own `.git`), whose files are another repo's, as git itself does.
 */
export function walkTree(tree: Tree, limits: WalkLimits = WALK_LIMITS): Listing {
  const paths: string[] = [];
  let seen = 0;
  let truncated = false;
  const rootRules: IgnoreRule[] = [];
  const exclude = tree.read(".git/info/exclude");
  if (exclude !== undefined) rootRules.push(...parseGitignore(exclude, ""));
  const queue: { dir: string; depth: number; rules: IgnoreRule[] }[] = [
    { dir: "", depth: 0, rules: rootRules },
  ];
  for (let q = 0; q < queue.length; q++) {
    const { dir, depth, rules: inherited } = queue[q] as (typeof queue)[number];
    const entries = tree.list(dir);
    if (!entries) continue;
    if (dir !== "" && entries.some((e) => e.name === ".git")) continue;
    let rules = inherited;
    if (entries.some((e) => e.name === ".gitignore" && !e.dir)) {
      const text = tree.read(dir === "" ? ".gitignore" : `${dir}/.gitignore`);
      if (text !== undefined) rules = [...inherited, ...parseGitignore(text, dir)];
    }
    for (const e of entries) {
      if (++seen > limits.entries) {
        truncated = true;
        break;
      }
      const path = dir === "" ? e.name : `${dir}/${e.name}`;
      if (e.dir) {
        if (skipDir(e.name) || isIgnored(rules, path, true)) continue;
        if (depth + 1 > limits.depth) truncated = true;
        else queue.push({ dir: path, depth: depth + 1, rules });
      } else if (!isIgnored(rules, path, false)) {
        paths.push(path);
      }
    }
    if (truncated && seen > limits.entries) break;
  }
  return { paths: paths.sort(byCodeUnit), method: "walk", truncated };
}

export const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The disk under `root`. Entry types come from the directory listing itself (no stat per file);
 * a symlink is listed as a file and never followed as a directory (loops, trees outside the
 * repo): reading one that points at a directory simply fails.
 */
export function diskTree(root: string): Tree {
  return {
    list(dir) {
      let entries;
      try {
        entries = readdirSync(join(root, dir), { withFileTypes: true });
      } catch (err) {
        // An unreadable subdirectory is not the repo's environment; the root itself must exist.
        if (dir === "") throw err;
        return undefined;
      }
      const out: TreeEntry[] = [];
      for (const e of entries) {
        if (e.isDirectory()) out.push({ name: e.name, dir: true });
        else if (e.isFile() || e.isSymbolicLink()) out.push({ name: e.name, dir: false });
      }
      return out;
    },
    read(path) {
      try {
        return readFileSync(join(root, path), "utf8");
      } catch {
        return undefined;
      }
    },
  };
}

/** Files given as repo-relative paths to contents (tests), as a tree: directories are implied. */
export function memoryTree(files: Readonly<Record<string, string>>): Tree {
  const dirs = new Map<string, Map<string, boolean>>([["", new Map()]]);
  for (const path of Object.keys(files)) {
    const parts = path.split("/");
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      const isDir = i < parts.length - 1;
      let entries = dirs.get(dir);
      if (!entries) dirs.set(dir, (entries = new Map()));
      entries.set(parts[i] as string, isDir || entries.get(parts[i] as string) === true);
    }
  }
  return {
    list: (dir) => [...(dirs.get(dir) ?? [])].map(([name, dir]) => ({ name, dir })),
    read: (path) => (Object.hasOwn(files, path) ? files[path] : undefined),
  };
}
