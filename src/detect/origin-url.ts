import { run } from "../util/run.js";

/**
 * The URL a dev box clones the repo from: git's `origin` remote, without any user name or token
 * an https URL carries (a spec is committed; a credential never goes in one). Undefined outside
 * git, without an origin, or for a remote a box cannot reach (a local path, a file:// URL).
 */
export async function originUrl(
  root: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string | undefined> {
  const r = await run("git", ["-C", root, "remote", "get-url", "origin"], {
    cwd: root,
    env,
    timeoutMs,
  });
  return r.ok ? cloneableUrl(r.stdout.trim()) : undefined;
}

export function cloneableUrl(url: string): string | undefined {
  // The user information goes (a token, usually), and the URL stays as git was given it.
  const bare = url.replace(/^(https:\/\/)[^/@]*@/i, "$1");
  return /^(?:https:\/\/|ssh:\/\/|git@)[^\s'"\\$`]+$/.test(bare) ? bare : undefined;
}
