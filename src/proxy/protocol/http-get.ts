import { Agent as HttpAgent, request as httpRequest } from "node:http";
import type { IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Transform } from "node:stream";
import type { TransformCallback } from "node:stream";
import { redactUrl } from "../../gomod/goproxy-list.js";

/**
 * A small GET client over node:http(s) with keep-alive agents. It follows redirects itself (a
 * proxy may send zips to a CDN), sends URL credentials as Basic auth only to the origin they were
 * written for, and leaves timeouts to the caller's AbortSignal.
 */
export interface HttpAgents {
  http: HttpAgent;
  https: HttpsAgent;
}

export function createAgents(maxSockets = 64): HttpAgents {
  const opts = { keepAlive: true, maxSockets, maxFreeSockets: 16, scheduling: "lifo" as const };
  return { http: new HttpAgent(opts), https: new HttpsAgent(opts) };
}

export interface GetResponse {
  status: number;
  body: IncomingMessage;
  /** The URL that answered, redacted (after redirects). */
  url: string;
}

const MAX_REDIRECTS = 10;

export async function httpGet(
  rawUrl: string,
  opts: { agents: HttpAgents; signal: AbortSignal; userAgent: string },
): Promise<GetResponse> {
  const first = new URL(rawUrl);
  const auth =
    first.username || first.password
      ? `Basic ${Buffer.from(`${decodeURIComponent(first.username)}:${decodeURIComponent(first.password)}`).toString("base64")}`
      : undefined;
  const origin = first.origin;
  first.username = "";
  first.password = "";
  let url = first;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { "user-agent": opts.userAgent, accept: "*/*" };
    if (auth && url.origin === origin) headers.authorization = auth;
    const res = await once(url, headers, opts);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && status !== 304 && location) {
      res.resume();
      if (hop >= MAX_REDIRECTS) {
        throw new Error(`stopped after ${MAX_REDIRECTS} redirects at ${redactUrl(url.href)}`);
      }
      const next = new URL(location, url);
      if (next.protocol !== "https:" && next.protocol !== "http:") {
        throw new Error(`refusing redirect to ${next.protocol} URL`);
      }
      // Never downgrade: an https upstream redirecting to http would expose the response.
      if (url.protocol === "https:" && next.protocol === "http:") {
        throw new Error(`refusing redirect from https to ${redactUrl(next.href)}`);
      }
      url = next;
      continue;
    }
    return { status, body: res, url: redactUrl(url.href) };
  }
}

function once(
  url: URL,
  headers: Record<string, string>,
  opts: { agents: HttpAgents; signal: AbortSignal },
): Promise<IncomingMessage> {
  const https = url.protocol === "https:";
  const request = https ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "GET",
      headers,
      agent: https ? opts.agents.https : opts.agents.http,
      signal: opts.signal,
    });
    req.once("response", resolve);
    req.once("error", reject);
    req.end();
  });
}

export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`response larger than ${limit} bytes`);
    this.name = "TooLargeError";
  }
}

/** Reads a whole (small) body, refusing more than `limit` bytes. */
export async function readLimited(body: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(body.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    body.destroy();
    throw new TooLargeError(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) {
      body.destroy();
      throw new TooLargeError(limit);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, size);
}

/** A pass-through stream that fails once more than `limit` bytes went through it. */
export class LimitStream extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) done(new TooLargeError(this.limit));
    else done(null, chunk);
  }
}
