/**
 * cmd/go/internal/modfetch/proxy.go (proxyList, newProxyRepo):
 *   "invalid proxy URL missing scheme: %s"
 *   "invalid proxy URL scheme (must be https, http, file): %s"
 *   "invalid file:// proxy URL with non-path elements: %s"
 *   "GOPROXY list is not the empty string, but contains no entries"
 */

import type { Matcher } from "../types.js";

const MISSING_SCHEME = /invalid proxy URL missing scheme: (\S+)/;
const BAD_SCHEME = /invalid proxy URL scheme \(must be https, http, file\): (\S+)/;
const FILE_URL = /invalid file:\/\/ proxy URL with non-path elements: (\S+)/;
const EMPTY = /GOPROXY list is not the empty string, but contains no entries/;

export const invalidGoproxy: Matcher = {
  id: "invalid-goproxy",
  match(line) {
    const missing = MISSING_SCHEME.exec(line)?.[1];
    const bad = BAD_SCHEME.exec(line)?.[1];
    const file = FILE_URL.exec(line)?.[1];
    const empty = EMPTY.test(line);
    if (missing === undefined && bad === undefined && file === undefined && !empty)
      return undefined;
    const entry = missing ?? bad ?? file;
    const cause =
      missing !== undefined
        ? `GOPROXY contains "${missing}", which is neither a keyword nor a URL. The only keywords are \`direct\` and \`off\`; any other entry must be a URL (an entry containing ".", ":" or "/" gets https:// added), so words such as \`skip\` or \`none\` are rejected.`
        : bad !== undefined
          ? `GOPROXY contains "${bad}", whose scheme the go command doesn't support: proxy URLs must use https://, http:// or file://.`
          : file !== undefined
            ? `GOPROXY contains "${file}": a file:// proxy URL may only have a path (no host, query or user).`
            : 'GOPROXY is set to a non-empty value with no entries in it (for example "," or " "). An empty GOPROXY means the default; a value with only separators is an error.';
    return {
      title: entry === undefined ? "GOPROXY has no entries" : `Invalid GOPROXY entry "${entry}"`,
      cause,
      fix: [
        "Find where it is set: `go env GOPROXY`, the process environment (`env | grep GOPROXY`), and the go env file (`go env GOENV`); Dockerfiles and CI files can set it too.",
        "Set a valid list, e.g. `go env -w GOPROXY=https://<your-proxy>,direct`, or go back to the default (the public module proxy, then direct) with `go env -u GOPROXY`.",
        "Separators: `,` tries the next entry only on 404/410, `|` on any error; `direct` (fetch from the VCS) and `off` (no downloads) end the list.",
      ],
    };
  },
};
