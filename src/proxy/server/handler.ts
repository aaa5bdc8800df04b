import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { loggablePath } from "../log.js";
import { parseProxyPath, requestKey } from "../protocol/parse-path.js";
import { routeLabel } from "../router.js";
import { isDenyTarget } from "../targets/deny.js";
import { serveAnswer } from "./answers.js";
import { errorText } from "./fetching.js";
import { serveFile } from "./files.js";
import { serveHot } from "./hot.js";
import { OPS_PATHS, serveOps } from "./ops.js";
import { sendText } from "./respond.js";
import type { RequestContext, Runtime } from "./runtime.js";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The request pipeline: method → ops endpoints → path parsing (nothing malformed gets further) →
 * route → list/@latest answers, module files, or the checksum-database proxy. Each request ends
 * with one log line and one requests_total sample, whatever happened. Files held in memory skip
 * all of it (serveHot).
 */
export function createHandler(rt: Runtime): RequestHandler {
  return (req, res) => {
    if (serveHot(rt, req, res)) return;
    const start = performance.now();
    const ctx: RequestContext = { endpoint: "other", route: "-", cache: "none", bytes: 0 };
    // Log and count once the response is gone AND the pipeline is done with it (a handler may
    // still be adding up what it wrote after Node reported the response closed).
    let pending = 2;
    const done = () => {
      if (--pending === 0) finish(rt, req, res, ctx, start);
    };
    res.once("close", done);
    if (rt.closing) res.shouldKeepAlive = false;
    handle(rt, req, res, ctx)
      .catch((err: unknown) => {
        ctx.error = errorText(err);
        rt.logger.error({ error: ctx.error, path: loggablePath(req.url) }, "request failed");
        if (!res.headersSent) sendText(req, res, ctx, 500, "internal error in gopave proxy");
        else res.destroy();
      })
      .finally(done);
  };
}

async function handle(
  rt: Runtime,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return sendText(
      req,
      res,
      ctx,
      405,
      `method ${req.method ?? ""} not allowed (use GET or HEAD)`,
      {
        allow: "GET, HEAD",
      },
    );
  }
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q >= 0 ? url.slice(0, q) : url;
  if (OPS_PATHS.has(path)) return serveOps(rt, path, req, res, ctx);
  const parsed = parseProxyPath(url);
  if (!parsed.ok) {
    ctx.endpoint = parsed.status === 400 ? "invalid" : "other";
    return sendText(req, res, ctx, parsed.status, parsed.message);
  }
  const r = parsed.request;
  if (r.kind === "sumdb") return serveSumdb(rt, req, res, ctx, r.name, r.rest);
  const route = rt.router.select(r.module);
  ctx.route = routeLabel(route);
  ctx.endpoint = r.kind === "file" ? r.file : r.kind;
  if (isDenyTarget(route.target)) {
    const denied = await route.target.list(r.module, AbortSignal.timeout(1000));
    return sendText(req, res, ctx, 403, denied.ok ? "forbidden" : denied.message);
  }
  const key = requestKey(r);
  if (r.kind === "file") {
    const f = { module: r.module, version: r.version, file: r.file, key };
    return serveFile(rt, req, res, ctx, route, f);
  }
  return serveAnswer(rt, req, res, ctx, route, r.kind, r.module, key);
}

async function serveSumdb(
  rt: Runtime,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  name: string,
  rest: string,
): Promise<void> {
  ctx.endpoint = "sumdb";
  ctx.route = "sumdb";
  if (!rt.sumdb) {
    return sendText(req, res, ctx, 404, "not found: this proxy does not proxy checksum databases");
  }
  try {
    await rt.sumdb({ name, rest }, res);
  } catch (err) {
    if (!res.headersSent) {
      return sendText(
        req,
        res,
        ctx,
        502,
        `bad gateway: checksum database ${name}: ${errorText(err)}`,
      );
    }
    res.destroy();
    return;
  }
  // The sumdb proxy writes its own response; its size is what Content-Length said.
  if (req.method !== "HEAD") ctx.bytes += Number(res.getHeader("content-length") ?? 0);
  if (res.statusCode >= 400) ctx.error ??= `checksum database answered ${res.statusCode}`;
  const tile = res.getHeader("x-gopave-cache");
  if (tile === "hit" || tile === "miss" || tile === "stale") ctx.cache = tile;
}

function finish(
  rt: Runtime,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  start: number,
): void {
  // A response cut short (client gone, stream error) is logged with the status that was sent.
  const status = res.statusCode;
  if (!res.writableFinished && ctx.error === undefined) ctx.error = "connection closed early";
  rt.metrics.requests.inc({
    endpoint: ctx.endpoint,
    route: ctx.route,
    status: String(status),
    cache: ctx.cache,
  });
  if (ctx.bytes > 0) rt.metrics.bytesServed.inc({ endpoint: ctx.endpoint }, ctx.bytes);
  // Refusals for the status page: denied routes, invalid requests, failed verification (a
  // not-found is an answer, not a refusal).
  if (status >= 400 && status < 500 && status !== 404 && status !== 410) {
    rt.status.recorder.refused({
      at: rt.now(),
      path: loggablePath(req.url),
      route: ctx.route,
      status,
      reason: ctx.error ?? "",
    });
  }
  rt.requestLog({
    method: req.method ?? "",
    path: loggablePath(req.url),
    status,
    ms: Math.round((performance.now() - start) * 100) / 100,
    bytes: ctx.bytes,
    cache: ctx.cache,
    route: ctx.route,
    endpoint: ctx.endpoint,
    ...(ctx.error === undefined ? {} : { error: ctx.error }),
  });
  if (rt.closing) rt.onResponseDone?.();
}
