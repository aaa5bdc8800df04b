/**
 * cmd/go/internal/web/http.go: "refusing to pass credentials to insecure URL: %s". A GOPROXY
 * (or go-import) URL with user:password@ and the http scheme is refused before any request.
 */

import { findModuleRef, findUrls, hostOf } from "../module-ref.js";
import type { Matcher, MatcherResult } from "../types.js";

const REFUSING = /refusing to pass credentials to insecure URL: (\S+)/;

export const credentialsOverHttp: Matcher = {
  id: "credentials-over-http",
  match(line) {
    const url = REFUSING.exec(line)?.[1];
    if (url === undefined) return undefined;
    const host = hostOf(findUrls(url)[0] ?? url) ?? url;
    const ref = findModuleRef(line);
    const result: MatcherResult = {
      title: `Credentials for ${host} would be sent over plain http`,
      cause: `A URL with user:password@ in it uses http://, and the go command refuses to send credentials unencrypted. Usually GOPROXY was written as http://user:token@${host}/…`,
      fix: [
        `Use https:// for ${host} in GOPROXY (\`go env GOPROXY\`).`,
        `Better, take the credentials out of the URL: a ~/.netrc entry \`machine ${host.replace(/:\d+$/, "")} login <user> password <token>\` (sent over https only), or GOAUTH on Go 1.24+ (\`go help goauth\`).`,
      ],
      dedupKey: host,
    };
    if (ref) result.module = ref.path;
    return result;
  },
};
