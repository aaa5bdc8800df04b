import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { skipDir } from "./classify.js";
import { byCodeUnit, WALK_LIMITS } from "./walk.js";
import type { Listing, WalkLimits } from "./walk.js";

/**
 * The repo's files as git sees them: tracked files plus untracked ones no exclude rule ignores
 * (.gitignore at every level, .git/info/exclude, core.excludesFile) — exactly what `git add -A`
 * would commit. A tracked file stays listed even if a pattern matches it, as in git.
 *
 * Only when `root` is the top of a work tree (it holds `.git`): from a directory inside some
 * other repository (a home directory kept in git, a fixture inside a project) the enclosing
 * repo's ignore rules would decide what the checked directory contains. Undefined when git is
 * missing or fails; the caller then walks the tree itself.
 */
export async function gitListing(
  root: string,
  limits: WalkLimits = WALK_LIMITS,
): Promise<Listing | undefined> {
  if (!existsSync(join(root, ".git"))) return undefined;
  let out: Buffer;
  try {
    out = await run(root);
  } catch {
    return undefined;
  }
  const paths = new Set<string>();
  let truncated = false;
  for (const path of out.toString("utf8").split("\0")) {
    // "dir/" is an untracked nested repository; its files are another repo's.
    if (path === "" || path.endsWith("/")) continue;
    const dirs = path.split("/").slice(0, -1);
    if (dirs.some(skipDir)) continue;
    if (dirs.length > limits.depth || paths.size >= limits.entries) {
      truncated = true;
      continue;
    }
    paths.add(path);
  }
  return { paths: [...paths].sort(byCodeUnit), method: "git", truncated };
}

const GIT_LOCATION_VARS = new Set(["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR"]);

function run(root: string): Promise<Buffer> {
  // The caller's GIT_DIR / GIT_WORK_TREE (a git hook running gopave) would point git elsewhere.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !GIT_LOCATION_VARS.has(k)),
  );
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      [
        // A repo's own config could name an fsmonitor hook: listing files must run nothing.
        "-c",
        "core.fsmonitor=false",
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
      ],
      { cwd: root, env, encoding: "buffer", maxBuffer: 512 * 1024 * 1024, timeout: 30_000 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });
}
