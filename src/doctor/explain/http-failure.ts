/**
 * The go command's report of a non-200 answer (cmd/go/internal/web HTTPError):
 *   "reading <redacted URL>: <status>" then, for text/plain bodies, "\tserver response: ..."
 * Several matchers key on the status; they share this parse so they agree on which URL was a
 * module proxy, which the checksum database and which a go-import (?go-get=1) lookup.
 */

import { hostOf, indentedBody } from "./module-ref.js";
import type { MatchContext } from "./types.js";

export type Endpoint = "proxy" | "sumdb" | "go-get";

export interface HttpFailure {
  url: string;
  host: string;
  status: number;
  /** "404 Not Found", as the server sent it. */
  statusText: string;
  endpoint: Endpoint;
  /** The server's response body as the go command printed it (up to 8 lines). */
  body: string[];
}

const READING = /\breading ((?:https?):\/\/\S+): (\d{3})\b([^\n]*)$/;

export function parseHttpFailure(line: string, ctx: MatchContext): HttpFailure | undefined {
  const m = READING.exec(line);
  if (m?.[1] === undefined || m[2] === undefined) return undefined;
  const url = m[1];
  const status = Number(m[2]);
  const endpoint: Endpoint = /[?&]go-get=1\b/.test(url)
    ? "go-get"
    : /\/lookup\/|\/sumdb\/[^/]+\/(?:lookup|tile|latest|supported)\b/.test(url) ||
        /verifying (?:module|go\.mod): /.test(line)
      ? "sumdb"
      : "proxy";
  const body = indentedBody(ctx).map((l) => l.replace(/^server response:\s*/, ""));
  return {
    url,
    host: hostOf(url) ?? url,
    status,
    statusText: `${m[2]}${(m[3] ?? "").trimEnd()}`,
    endpoint,
    body: body.filter((l) => l !== ""),
  };
}

/** Signs in a proxy's error body that it tried the origin and could not read the repository. */
export function bodySaysPrivate(body: readonly string[]): boolean {
  return body.some((l) =>
    /could not read (?:Username|Password)|terminal prompts disabled|Authentication failed|Repository not found|repository '.*' not found|unrecognized import path|Permission denied|403 Forbidden|401 Unauthorized/i.test(
      l,
    ),
  );
}

/**
 * Whether this line is part of a server's error body ("\tserver response: ..." and the lines
 * indented under it): a proxy reporting what went wrong on *its* side, such as its own DNS or
 * git failures, which are not this machine's network problems.
 */
export function inServerResponse(ctx: MatchContext): boolean {
  for (let i = ctx.index; i >= 0 && i >= ctx.index - 10; i--) {
    const l = ctx.lines[i] ?? "";
    if (/^\s*server response:/.test(l)) return true;
    if (!/^\s/.test(l)) return false;
  }
  return false;
}
