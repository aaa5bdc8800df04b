/**
 * git could not authenticate. The go command runs git with GIT_TERMINAL_PROMPT=0
 * (cmd/go/internal/modload/init.go), so git fails instead of prompting, and when git's stderr
 * has "fatal: could not read Username" it appends (modfetch/codehost/git.go):
 *   "Confirm the import path was entered correctly.\nIf this is a private repository, see
 *    https://golang.org/doc/faq#git_https for additional information."
 * The other texts are git's and ssh's own: "terminal prompts disabled", "Authentication failed
 * for '<url>'", "Permission denied (publickey)", "Host key verification failed".
 */

import { hostOf, moduleNear } from "../module-ref.js";
import { CONTAINER_ENV_NOTE, goprivateFix, privatePattern } from "../private-pattern.js";
import type { Matcher, MatcherResult } from "../types.js";

const HTTPS_AUTH =
  /could not read (?:Username|Password) for '([^']+)'|terminal prompts disabled|Authentication failed for '([^']+)'/;
const SSH_AUTH = /Permission denied \(publickey[^)]*\)|Host key verification failed/;

export const gitCredentials: Matcher = {
  id: "git-credentials",
  match(line, ctx) {
    const https = HTTPS_AUTH.exec(line);
    const ssh = https ? undefined : SSH_AUTH.exec(line);
    if (!https && !ssh) return undefined;
    const url = https?.[1] ?? https?.[2];
    const ref = moduleNear(ctx);
    const host =
      (url !== undefined ? hostOf(url) : undefined) ??
      sshHost(ctx) ??
      ref?.path.split("/")[0] ??
      "<git-host>";
    const pattern = privatePattern(ref?.path ?? host);
    const fix: string[] = [goprivateFix(pattern), CONTAINER_ENV_NOTE];
    if (ssh) {
      fix.push(
        /Host key verification/.test(ssh[0])
          ? `Trust the host key first: \`ssh-keyscan ${host} >> ~/.ssh/known_hosts\` (verify the fingerprint against the host's published one).`
          : `Make an SSH key that ${host} accepts available to git: \`ssh -T git@${host}\` should succeed (ssh-agent locally; in Docker \`RUN --mount=type=ssh go mod download\` with \`docker build --ssh default\`).`,
        `Or use HTTPS with a token instead: remove the \`url."git@${host}:".insteadOf\` rule (\`git config --global --get-regexp insteadof\`) and add a ~/.netrc entry \`machine ${host} login <user> password <token>\`.`,
      );
    } else {
      fix.push(
        `Give git a credential it can use without a prompt: a ~/.netrc entry \`machine ${host} login <user> password <token>\` (chmod 600), or a git credential helper.`,
        `Or fetch over SSH with your key: \`git config --global url."git@${host}:".insteadOf "https://${host}/"\`.`,
        "On Go 1.24+, GOAUTH (`go help goauth`) authenticates the go command's own HTTPS requests (go-import lookups, proxies); its default `netrc` reads the same ~/.netrc, and `git <dir>` reuses git's credential helper.",
        "In Docker, pass the netrc as a build secret rather than copying it: `RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download` with `docker build --secret id=netrc,src=$HOME/.netrc`.",
      );
    }
    const result: MatcherResult = {
      title: `git has no credentials for ${host}`,
      cause: ssh
        ? `git tried to reach ${host} over SSH and was refused (${ssh[0]}): no key that host accepts was available, or its host key is unknown. The go command fetches private modules with git directly.`
        : `git needed a username and password for ${host} and could not ask for them: the go command runs git with terminal prompts disabled. The repository is private (or the import path is wrong), and no credential was configured for git.`,
      fix,
    };
    if (ref) result.module = ref.path;
    return result;
  },
};

/** "git@host: Permission denied" or "ssh://git@host/..." on this line or the few above. */
function sshHost(ctx: { lines: readonly string[]; index: number }): string | undefined {
  for (let i = ctx.index; i >= 0 && i >= ctx.index - 3; i--) {
    const m = /\bgit@([a-z0-9.-]+\.[a-z]{2,})[:/]/i.exec(ctx.lines[i] ?? "");
    if (m?.[1] !== undefined) return m[1];
  }
  return undefined;
}
