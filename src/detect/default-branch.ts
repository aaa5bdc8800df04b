import { run } from "../util/run.js";

export interface DefaultBranch {
  branch: string;
  /** Where it came from, for init's summary. */
  source: "origin/HEAD" | "current branch" | "default";
  /** The git checkout's top folder, relative to the repo root ("." or "..", "../.."); undefined outside git. */
  gitRoot: string | undefined;
}

/**
 * The branch CI should run on: the remote's default (origin/HEAD, which clone sets), else the
 * branch checked out now, else "main" for a repo that is not a git checkout.
 */
export async function defaultBranch(
  root: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<DefaultBranch> {
  const git = (args: string[]) => run("git", ["-C", root, ...args], { cwd: root, env, timeoutMs });
  const top = await git(["rev-parse", "--show-cdup"]);
  const gitRoot = top.ok ? top.stdout.trim().replace(/\/$/, "") || "." : undefined;
  const origin = await git(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"]);
  const remote = origin.ok ? origin.stdout.trim().replace(/^origin\//, "") : "";
  if (remote !== "") return { branch: remote, source: "origin/HEAD", gitRoot };
  // symbolic-ref, unlike rev-parse, also names the branch of a repo with no commits yet.
  const head = await git(["symbolic-ref", "--quiet", "--short", "HEAD"]);
  const current = head.ok ? head.stdout.trim() : "";
  if (current !== "") return { branch: current, source: "current branch", gitRoot };
  return { branch: "main", source: "default", gitRoot };
}
