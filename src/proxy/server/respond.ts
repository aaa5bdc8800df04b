import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { redactText } from "../log.js";
import { CONTENT_TYPE } from "../protocol/content.js";
import type { Body, RequestContext } from "./runtime.js";
import { sendFile } from "./send-file.js";

/** Immutable module files can be cached by anything in front of the proxy for a week. */
export const IMMUTABLE = "public, max-age=604800, immutable";

/**
 * A text/plain answer the go command can show ("server response: …"): one message, credentials
 * redacted, newline-terminated. Errors are not cacheable except genuine not-founds.
 */
export function sendText(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  status: number,
  message: string,
  headers: OutgoingHttpHeaders = {},
): void {
  const text = redactText(message);
  const body = Buffer.from(text.endsWith("\n") ? text : `${text}\n`);
  if (status >= 400 && ctx.error === undefined) ctx.error = text.split("\n")[0];
  res.writeHead(status, {
    "content-type": CONTENT_TYPE.text,
    "content-length": body.length,
    "cache-control": status === 404 || status === 410 ? "public, max-age=60" : "no-store",
    ...headers,
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  ctx.bytes += body.length;
  res.end(body);
}

/** A 200 with a body: bytes in one write, stored bodies streamed with backpressure. */
export async function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  body: Body,
  contentType: string,
  cacheControl: string,
): Promise<void> {
  const size = body.kind === "bytes" ? body.data.length : body.stored.size;
  res.writeHead(200, {
    "content-type": contentType,
    "content-length": size,
    "cache-control": cacheControl,
    "x-gopave-cache": ctx.cache,
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  if (body.kind === "bytes") {
    ctx.bytes += size;
    res.end(body.data);
    return;
  }
  const counted = (n: number) => {
    ctx.bytes += n;
  };
  try {
    const { path } = body.stored;
    if (path !== undefined) await sendFile(res, path, size, counted);
    else {
      const stream = body.stored.open();
      stream.on("data", (chunk: Buffer) => counted(chunk.length));
      await pipeline(stream, res);
    }
  } catch (err) {
    // The client went away, or the stored file could not be read: either way the response is
    // already partly sent, so the connection is cut (a short body is what the client detects).
    ctx.error ??= req.destroyed ? "client closed the connection" : String(err);
    res.destroy();
  }
}
