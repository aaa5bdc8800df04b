import type { IncomingMessage, ServerResponse } from "node:http";
import { CONTENT_TYPE, checkInfo, normalizeList } from "../protocol/content.js";
import type { CachedAnswer, Route } from "../types.js";
import {
  failed,
  freshNotFound,
  keepAnswer,
  keptAnswer,
  timed,
  withFetchSignal,
} from "./fetching.js";
import { sendBody, sendText } from "./respond.js";
import type { Body, Outcome, RequestContext, Runtime } from "./runtime.js";

/**
 * `@v/list` and `@latest` change over time: cached for a short TTL, refetched after it, and
 * served stale when the upstream fails (an outage should not stop builds whose versions are
 * already known). A fresh cached not-found answers without asking upstream again.
 */
export async function serveAnswer(
  rt: Runtime,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  route: Route,
  kind: "list" | "latest",
  module: string,
  key: string,
): Promise<void> {
  const ttl = kind === "list" ? rt.ttl.listMs : rt.ttl.latestMs;
  const contentType = kind === "list" ? CONTENT_TYPE.list : CONTENT_TYPE.latest;
  const maxAge = `public, max-age=${Math.floor(ttl / 1000)}`;
  const cached = await keptAnswer(rt, kind, module, ttl);
  const good = cached?.status === 200 ? cached : undefined;
  const neg = await freshNotFound(rt, key);
  const fresh = good && rt.now() - good.fetchedAt < ttl ? good : undefined;
  // When both are fresh, the newer answer is the truth.
  if (fresh && !(neg && neg.fetchedAt > fresh.fetchedAt)) {
    ctx.cache = "hit";
    return sendBody(req, res, ctx, bytes(fresh), contentType, maxAge);
  }
  if (neg) {
    ctx.cache = "negative";
    return sendText(req, res, ctx, neg.status, neg.body);
  }
  const flight = rt.flights.do(key, () =>
    withFetchSignal(rt, rt.timeouts.metadataMs, (signal) =>
      fetchAnswer(rt, route, kind, module, key, ttl, signal),
    ),
  );
  ctx.cache = flight.shared ? "shared" : "miss";
  const out = await flight.promise;
  if (out.ok) return sendBody(req, res, ctx, out.body, contentType, maxAge);
  if (!out.notFound && good) {
    ctx.cache = "stale";
    ctx.error = out.message;
    return sendBody(req, res, ctx, bytes(good), contentType, "no-store");
  }
  return sendText(req, res, ctx, out.status, out.message);
}

function bytes(a: CachedAnswer): Body {
  return { kind: "bytes", data: Buffer.from(a.body) };
}

async function fetchAnswer(
  rt: Runtime,
  route: Route,
  kind: "list" | "latest",
  module: string,
  key: string,
  ttl: number,
  signal: AbortSignal,
): Promise<Outcome> {
  const r = await timed(rt, route, { endpoint: kind, module }, signal, () =>
    kind === "list" ? route.target.list(module, signal) : route.target.latest(module, signal),
  );
  if (!r.ok) return failed(rt, key, r, signal);
  let body: string;
  if (kind === "list") body = normalizeList(r.value);
  else {
    const c = checkInfo(r.value);
    if (!c.ok)
      return { ok: false, notFound: false, status: 502, message: `bad gateway: ${c.message}` };
    body = r.value;
  }
  await keepAnswer(rt, kind, module, { body, status: 200, fetchedAt: rt.now() }, ttl);
  return { ok: true, body: { kind: "bytes", data: Buffer.from(body) } };
}
