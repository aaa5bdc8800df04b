import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { lineHead, lineTail } from "../log.js";
import { CONTENT_TYPE } from "../protocol/content.js";
import type { ModuleFile } from "../types.js";
import type { HotFiles } from "./memo.js";
import { IMMUTABLE } from "./respond.js";
import type { Runtime } from "./runtime.js";

/**
 * The warm path, taken before any parsing: a GET or HEAD whose path is exactly the key of a file
 * held in memory is answered synchronously, with headers, counters and log line prepared when
 * the file was first served. Only paths that were parsed, validated and routed (never to deny)
 * are ever keys, and routes do not change while the proxy runs, so skipping those steps is safe;
 * anything else (a query string, %-escapes, an unknown path) takes the full pipeline. A warm
 * `go mod download` or a CI fleet mostly asks for files this path answers; measured in
 * bench/proxy, it is what brings a Node process near a static file server.
 */
export function serveHot(rt: Runtime, req: IncomingMessage, res: ServerResponse): boolean {
  const method = req.method;
  if (method !== "GET" && method !== "HEAD") return false;
  const url = req.url ?? "";
  const hot = (url.endsWith(".zip") ? rt.hotZips : rt.hot).get(url);
  if (!hot) return false;
  const start = performance.now();
  if (rt.closing) res.shouldKeepAlive = false;
  res.writeHead(200, hot.headers);
  const bytes = method === "HEAD" ? 0 : hot.data.length;
  if (bytes === 0) res.end();
  else res.end(hot.data);
  const done = () => {
    const ms = Math.round((performance.now() - start) * 100) / 100;
    hot.requests.n++;
    hot.bytes.n += bytes;
    if (method === "GET" && res.writableFinished) {
      rt.requestLog.fixed(hot.logGet.head, ms, hot.logGet.tail);
    } else {
      const error = res.writableFinished ? undefined : "connection closed early";
      rt.requestLog({
        method,
        path: url,
        status: 200,
        ms,
        bytes,
        cache: "hit",
        route: hot.route,
        endpoint: hot.endpoint,
        ...(error === undefined ? {} : { error }),
      });
    }
    if (rt.closing) rt.onResponseDone?.();
  };
  // Small answers are in the socket already; a large zip is logged once it is all sent.
  if (res.writableFinished) done();
  else res.once("close", done);
  return true;
}

/** Where a module file of this kind is held: zips have a budget of their own. */
export function hotFilesFor(rt: Runtime, file: ModuleFile): HotFiles {
  return file === "zip" ? rt.hotZips : rt.hot;
}

/** Keeps a served module file in memory for serveHot (if it fits). */
export function keepHot(
  rt: Runtime,
  key: string,
  file: ModuleFile,
  route: string,
  data: Buffer,
): void {
  const files = hotFilesFor(rt, file);
  if (!files.fits(data.length)) return;
  files.set(`/${key}`, {
    data,
    headers: [
      "content-type",
      CONTENT_TYPE[file],
      "content-length",
      String(data.length),
      "cache-control",
      IMMUTABLE,
      "x-gopave-cache",
      "hit",
    ],
    endpoint: file,
    route,
    requests: rt.metrics.requests.cell({ endpoint: file, route, status: "200", cache: "hit" }),
    bytes: rt.metrics.bytesServed.cell({ endpoint: file }),
    logGet: {
      head: lineHead("GET", `/${key}`, 200),
      tail: lineTail({ bytes: data.length, cache: "hit", route, endpoint: file }),
    },
  });
}
