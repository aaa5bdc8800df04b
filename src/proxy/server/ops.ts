import type { IncomingMessage, ServerResponse } from "node:http";
import { renderStatusPage } from "../status/page.js";
import { collectStatus } from "../status/sources.js";
import { errorText } from "./fetching.js";
import { sendBody, sendText } from "./respond.js";
import type { RequestContext, Runtime } from "./runtime.js";

/**
 * Exact paths only: "/" and "/status.json" are never module paths (those have an element with a
 * dot, then "/@v/" or "/@latest"), so "/status.json/@v/list" still reaches the module protocol.
 */
export const OPS_PATHS = new Set(["/healthz", "/readyz", "/metrics", "/", "/status.json"]);

const READY_TIMEOUT_MS = 5000;

/**
 * /healthz: the process answers. /readyz: storage answers too, and the proxy is not shutting down
 * (load balancers stop sending before in-flight requests are drained). /metrics: this proxy's
 * own Prometheus registry. / (HTML) and /status.json: the status page (see status/).
 */
export async function serveOps(
  rt: Runtime,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): Promise<void> {
  const status = path === "/" || path === "/status.json";
  ctx.endpoint = status ? "status" : path.slice(1);
  if (status) {
    const snapshot = await collectStatus(rt);
    const [data, type] =
      path === "/"
        ? [renderStatusPage(snapshot), "text/html; charset=utf-8"]
        : [`${JSON.stringify(snapshot, null, 2)}\n`, "application/json; charset=utf-8"];
    return sendBody(req, res, ctx, { kind: "bytes", data: Buffer.from(data) }, type, "no-store");
  }
  if (path === "/healthz") return sendText(req, res, ctx, 200, "ok");
  if (path === "/metrics") {
    const text = await rt.metrics.registry.metrics();
    return sendBody(
      req,
      res,
      ctx,
      { kind: "bytes", data: Buffer.from(text) },
      rt.metrics.registry.contentType,
      "no-store",
    );
  }
  if (rt.closing) return sendText(req, res, ctx, 503, "not ready: shutting down");
  const problem = await storageProblem(rt);
  if (problem) return sendText(req, res, ctx, 503, `not ready: storage: ${problem}`);
  return sendText(req, res, ctx, 200, "ready");
}

async function storageProblem(rt: Runtime): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
  });
  const probe = (async () => {
    try {
      await rt.storage.stagingDir();
      // A read of something that never exists exercises the backend without writing.
      await rt.storage.getAnswer("notfound", "gopave.invalid/readyz/@v/list");
      return undefined;
    } catch (err) {
      return errorText(err);
    }
  })();
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
