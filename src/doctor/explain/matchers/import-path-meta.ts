/**
 * In direct mode the go command finds a repository by fetching "https://<path>?go-get=1" and
 * reading its go-import meta tag (cmd/go/internal/vcs/vcs.go):
 *   "unrecognized import path %q: %v", with "https fetch: %v",
 *   "parse %s: no go-import meta tags (%s)", or an HTTP status from web.GetBytes.
 * Network and TLS causes are left to their own matchers.
 */

import { inServerResponse } from "../http-failure.js";
import { findUrls, hostOf } from "../module-ref.js";
import { goprivateFix, privatePattern } from "../private-pattern.js";
import type { Matcher } from "../types.js";

const UNRECOGNIZED = /unrecognized import path "([^"]+)"(.*)$/;
const NETWORK_CAUSE =
  /x509:|tls:|timeout|deadline exceeded|no such host|connection refused|network is unreachable|no route to host|connection reset|server misbehaving/;

export const importPathMeta: Matcher = {
  id: "import-path-meta",
  match(line, ctx) {
    const m = UNRECOGNIZED.exec(line);
    if (m?.[1] === undefined || NETWORK_CAUSE.test(m[2] ?? "") || inServerResponse(ctx)) {
      return undefined;
    }
    const path = m[1];
    const rest = m[2] ?? "";
    const url = findUrls(rest)[0] ?? `https://${path}?go-get=1`;
    const host = hostOf(url) ?? path.split("/")[0] ?? path;
    const status = /: (\d{3} [^\n]*)$/.exec(rest)?.[1];
    // A 401/403 is a credentials problem, which proxy-forbidden explains.
    if (status !== undefined && /^40[13]/.test(status)) return undefined;
    const noMeta = /no go-import meta tags/.test(rest);
    return {
      title: `${host} did not say where ${path} is hosted`,
      cause: `Fetching directly, the go command asked ${url} for a <meta name="go-import"> tag and ${noMeta ? "the page had none" : status ? `got ${status}` : "got no usable answer"}. Private GitLab, Gitea or Bitbucket servers often answer that request only when it is authenticated (or only for the repository root); a misspelled path gives the same result.`,
      fix: [
        `See what the server answers: \`curl -sS '${url}' | grep go-import\`.`,
        `Give the go command credentials for ${host}: a ~/.netrc entry \`machine ${host.replace(/:\d+$/, "")} login <user> password <token>\`, or GOAUTH on Go 1.24+ (\`go help goauth\`).`,
        goprivateFix(privatePattern(path), true),
      ],
      module: path,
    };
  },
};
