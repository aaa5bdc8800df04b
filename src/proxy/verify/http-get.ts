/**
 * A bounded GET for the checksum database's small answers (lookups, notes, tiles): the body is
 * buffered, so it is capped, and every request has a deadline.
 */

export interface HttpAnswer {
  status: number;
  body: Buffer;
  contentType: string | undefined;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Lookups and notes are a few hundred bytes and a full tile is 8 KiB; data tiles stay far below. */
export const MAX_SMALL_BODY = 1 << 20;

export class HttpGetError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
    this.name = "HttpGetError";
  }
}

/** GETs `url`; throws HttpGetError on a network failure, a timeout or an oversized body. */
export async function getBytes(
  url: string,
  opts: { timeoutMs?: number; maxBytes?: number; signal?: AbortSignal } = {},
): Promise<HttpAnswer> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? MAX_SMALL_BODY;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  const where = redact(url);
  try {
    const res = await fetch(url, { signal, redirect: "follow" });
    const chunks: Buffer[] = [];
    let size = 0;
    if (res.body) {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        size += chunk.length;
        if (size > maxBytes) {
          await res.body.cancel().catch(() => undefined);
          throw new HttpGetError(`${where}: response larger than ${maxBytes} bytes`, false);
        }
        chunks.push(Buffer.from(chunk));
      }
    }
    return {
      status: res.status,
      body: Buffer.concat(chunks),
      contentType: res.headers.get("content-type") ?? undefined,
    };
  } catch (err) {
    if (err instanceof HttpGetError) throw err;
    if (timeout.aborted) throw new HttpGetError(`${where}: timed out after ${timeoutMs} ms`, true);
    const cause =
      err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
    throw new HttpGetError(
      `${where}: ${err instanceof Error ? err.message : String(err)}${cause}`,
      false,
    );
  }
}

/** A URL fit for messages and logs: user info dropped. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return "<invalid URL>";
  }
}

/** The first line of an error body, trimmed and bounded, for messages. */
export function firstLine(body: Buffer): string {
  const line = body.toString("utf8").split("\n", 1)[0] ?? "";
  return line.trim().slice(0, 200);
}
