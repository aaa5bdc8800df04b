import { request as httpRequest } from "node:http";
import type { IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { performance } from "node:perf_hooks";
import { netrcFor } from "./netrc.js";
import type { Netrc } from "./netrc.js";

export type HttpOutcome =
  | { kind: "status"; status: number; ms: number }
  | { kind: "timeout"; ms: number }
  | { kind: "error"; error: string; ms: number };

export interface HttpProbeOptions {
  timeoutMs: number;
  /** Credentials for hosts without user-info in the URL, as the go command's GOAUTH=netrc. */
  netrc: Netrc | undefined;
}

const MAX_REDIRECTS = 10;

function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
}

/** Credentials for a URL: its own user-info, else a netrc machine entry for its host. */
function authorization(url: URL, netrc: Netrc | undefined): string | undefined {
  if (url.username || url.password) {
    return basic(decodeURIComponent(url.username), decodeURIComponent(url.password));
  }
  const entry = netrcFor(netrc, url.hostname);
  return entry?.login !== undefined && entry.password !== undefined
    ? basic(entry.login, entry.password)
    : undefined;
}

/**
 * GET with one deadline for the whole exchange (redirects included), timed to the final
 * response's headers. node:http rather than fetch: fetch refuses URLs with credentials and
 * "bad ports" the go command happily uses. Credentials are not carried to another host.
 */
export async function timedGet(url: string, opts: HttpProbeOptions): Promise<HttpOutcome> {
  const start = performance.now();
  const elapsed = () => Math.round(performance.now() - start);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { kind: "error", error: "not a valid URL", ms: 0 };
  }
  const firstHost = target.host;
  const auth = authorization(target, opts.netrc);
  const deadline = start + opts.timeoutMs;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await getOnce(
      target,
      target.host === firstHost ? auth : undefined,
      deadline - performance.now(),
    );
    if (res.kind !== "response") return { ...res, ms: elapsed() } as HttpOutcome;
    const location = res.location;
    if (res.status >= 300 && res.status < 400 && location) {
      target = new URL(location, target);
      continue;
    }
    return { kind: "status", status: res.status, ms: elapsed() };
  }
  return { kind: "error", error: `more than ${MAX_REDIRECTS} redirects`, ms: elapsed() };
}

type Once =
  | { kind: "response"; status: number; location: string | undefined }
  | { kind: "timeout" }
  | { kind: "error"; error: string };

function getOnce(url: URL, auth: string | undefined, budgetMs: number): Promise<Once> {
  if (budgetMs <= 0) return Promise.resolve({ kind: "timeout" });
  const send =
    url.protocol === "https:" ? httpsRequest : url.protocol === "http:" ? httpRequest : undefined;
  if (!send) return Promise.resolve({ kind: "error", error: `unsupported scheme ${url.protocol}` });
  return new Promise((resolvePromise) => {
    let settled = false;
    const finish = (o: Once) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise(o);
    };
    const headers: Record<string, string> = { "user-agent": "gopave-doctor" };
    if (auth) headers.authorization = auth;
    const req = send(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: "GET",
        headers,
        agent: false,
      },
      (res: IncomingMessage) => {
        // The body is not needed; dropping the socket keeps the probe cheap and bounded.
        res.destroy();
        req.destroy();
        finish({ kind: "response", status: res.statusCode ?? 0, location: res.headers.location });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({ kind: "timeout" });
    }, budgetMs);
    req.on("error", (err: NodeJS.ErrnoException) =>
      finish({ kind: "error", error: err.code ?? err.message }),
    );
    req.end();
  });
}
