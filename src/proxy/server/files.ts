import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { canonicalVersion } from "../../gomod/module-escape.js";
import { CONTENT_TYPE, checkInfo } from "../protocol/content.js";
import { routeLabel } from "../router.js";
import { StorageWriteError, isStorageFull, storageFailureText } from "../storage/write-error.js";
import type { ModuleFile, Route } from "../types.js";
import {
  failed,
  withFetchSignal,
  freshNotFound,
  refused,
  timed,
  verifySafely,
} from "./fetching.js";
import { hotFilesFor, keepHot } from "./hot.js";
import { readAll } from "./memo.js";
import { IMMUTABLE, sendBody, sendText } from "./respond.js";
import type { Outcome, RequestContext, Runtime } from "./runtime.js";

export interface FileRequest {
  module: string;
  version: string;
  file: ModuleFile;
  /** The escaped protocol path, the key of flights and cached not-founds. */
  key: string;
}

/** pkgsite's header for "answer from the cache only" (goproxy/goproxy honours it too). */
const CACHE_ONLY_HEADER = "disable-module-fetch";

/**
 * .info/.mod/.zip for a canonical version: storage first; on a miss one fetch per item however
 * many clients ask (single-flight), verification before anything is stored, then written once.
 * A query (.info for a branch or commit) is resolved upstream each time and never stored.
 */
export async function serveFile(
  rt: Runtime,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  route: Route,
  f: FileRequest,
): Promise<void> {
  const contentType = CONTENT_TYPE[f.file];
  if (canonicalVersion(f.version) !== f.version) return serveQuery(rt, req, res, ctx, route, f);
  // A file in memory under another spelling of its path (a %-escape) is still a hit.
  const files = hotFilesFor(rt, f.file);
  const hot = files.get(`/${f.key}`);
  if (hot) {
    ctx.cache = "hit";
    return sendBody(req, res, ctx, { kind: "bytes", data: hot.data }, contentType, IMMUTABLE);
  }
  const stored = await rt.storage.get(f.module, f.version, f.file);
  if (stored) {
    ctx.cache = "hit";
    if (f.file === "info" && req.headers[CACHE_ONLY_HEADER] !== "true") prefetchZip(rt, route, f);
    const label = ctx.route;
    const loading = files.load(`/${f.key}`, stored.size, async () => {
      const data = await readAll(stored.open(), stored.size);
      keepHot(rt, f.key, f.file, label, data);
      return data;
    });
    if (loading) {
      const data = await loading;
      return sendBody(req, res, ctx, { kind: "bytes", data }, contentType, IMMUTABLE);
    }
    return sendBody(req, res, ctx, { kind: "stored", stored }, contentType, IMMUTABLE);
  }
  const neg = await freshNotFound(rt, f.key);
  if (neg) {
    ctx.cache = "negative";
    return sendText(req, res, ctx, neg.status, neg.body);
  }
  if (req.headers[CACHE_ONLY_HEADER] === "true") {
    return sendText(
      req,
      res,
      ctx,
      404,
      `not found: ${f.module}@${f.version}.${f.file} is not cached`,
    );
  }
  const ms = f.file === "zip" ? rt.timeouts.downloadMs : rt.timeouts.metadataMs;
  const flight = rt.flights.do(f.key, () =>
    withFetchSignal(
      rt,
      ms,
      async (signal) =>
        (f.file === "zip" ? await zipWeHave(rt, f) : undefined) ?? fetchFile(rt, route, f, signal),
    ),
  );
  ctx.cache = flight.shared ? "shared" : "miss";
  const out = await flight.promise;
  if (!out.ok) return sendText(req, res, ctx, out.status, out.message);
  if (f.file === "info") prefetchZip(rt, route, f);
  return sendBody(req, res, ctx, out.body, contentType, IMMUTABLE);
}

/** After a version's .info, its zip is usually next: fetch it ahead (see prefetch.ts). */
function prefetchZip(rt: Runtime, route: Route, info: FileRequest): void {
  if (!rt.prefetcher) return;
  const zip: FileRequest = { ...info, file: "zip", key: `${info.key.slice(0, -"info".length)}zip` };
  if (rt.hotZips.has(`/${zip.key}`) || rt.flights.has(zip.key)) return;
  rt.prefetcher.offer(zip.key, async () => {
    const flight = rt.flights.do(zip.key, () =>
      withFetchSignal(
        rt,
        rt.timeouts.downloadMs,
        async (signal) => (await zipWeHave(rt, zip)) ?? fetchZip(rt, route, zip, signal),
      ),
    );
    return (await flight.promise).ok;
  });
}

/**
 * The zip, if a flight that ended before this one began already got it: in memory (with S3 the
 * upload may still be running) or in storage. Checked inside the flight, so that no fetch can
 * end unseen between the check and the fetch (seen: the client's zip fetched twice when the
 * prefetch queued after its .info started once the client's own fetch had ended).
 */
async function zipWeHave(rt: Runtime, f: FileRequest): Promise<Outcome | undefined> {
  const hot = rt.hotZips.get(`/${f.key}`);
  if (hot) return { ok: true, body: { kind: "bytes", data: hot.data } };
  const stored = await rt.storage.get(f.module, f.version, "zip");
  return stored ? { ok: true, body: { kind: "stored", stored } } : undefined;
}

async function fetchFile(
  rt: Runtime,
  route: Route,
  f: FileRequest,
  signal: AbortSignal,
): Promise<Outcome> {
  if (f.file === "zip") return fetchZip(rt, route, f, signal);
  // The checksum database lookup (several round trips) runs while the .mod downloads.
  if (f.file === "mod" && route.verify) rt.verifier?.prepare?.(f.module, f.version, "mod");
  const item = { endpoint: f.file, module: f.module, version: f.version };
  const r = await timed(rt, route, item, signal, () =>
    f.file === "info"
      ? route.target.info(f.module, f.version, signal)
      : route.target.mod(f.module, f.version, signal),
  );
  if (!r.ok) return failed(rt, f.key, r, signal);
  if (f.file === "info") {
    const c = checkInfo(r.value, f.version);
    if (!c.ok)
      return { ok: false, notFound: false, status: 502, message: `bad gateway: ${c.message}` };
  } else if (route.verify && rt.verifier) {
    const verifier = rt.verifier;
    const v = await verifySafely(() => verifier.verifyMod(f.module, f.version, r.value));
    if (!v.ok) return refused(rt, f.module, f.version, "mod", v);
  }
  // Verified and in memory: answered at once, from memory until the write lands (a failed write
  // still serves them).
  keepHot(rt, f.key, f.file, routeLabel(route), r.value);
  storeInBackground(rt, f, rt.storage.putOnce(f.module, f.version, f.file, { data: r.value }));
  return { ok: true, body: { kind: "bytes", data: r.value } };
}

/**
 * Zips go to a temp file in the storage's staging dir, are verified there, moved into storage
 * and streamed from it: a cold `go mod download` asks for each zip once, so holding them in
 * memory would only grow the process (the memory cache admits a zip on its second use).
 */
async function fetchZip(
  rt: Runtime,
  route: Route,
  f: FileRequest,
  signal: AbortSignal,
): Promise<Outcome> {
  const tmp = join(await rt.storage.stagingDir(), `.gopave-${randomBytes(8).toString("hex")}.zip`);
  let handedOff = false;
  if (route.verify) rt.verifier?.prepare?.(f.module, f.version, "zip");
  try {
    const item = { endpoint: "zip", module: f.module, version: f.version };
    const r = await timed(rt, route, item, signal, () =>
      route.target.zip(f.module, f.version, tmp, signal),
    );
    if (!r.ok) return await failed(rt, f.key, r, signal);
    if (route.verify && rt.verifier) {
      const verifier = rt.verifier;
      const v = await verifySafely(() => verifier.verifyZip(f.module, f.version, tmp));
      if (!v.ok) return refused(rt, f.module, f.version, "zip", v);
    }
    // An upload takes a while: answer from memory meanwhile (and keep it there, since reading
    // it back would be a download). A file system stores it first (a link) and streams it.
    const data =
      rt.storage.remote && rt.hotZips.fits(r.value.size) ? await readFile(tmp) : undefined;
    const store = rt.storage
      .putOnce(f.module, f.version, "zip", { path: tmp })
      .then(() => rt.scheduleEviction());
    if (data) {
      handedOff = true;
      keepHot(rt, f.key, "zip", routeLabel(route), data);
      storeInBackground(
        rt,
        f,
        store.finally(() => rm(tmp, { force: true })),
      );
      return { ok: true, body: { kind: "bytes", data } };
    }
    await store;
    const stored = await rt.storage.get(f.module, f.version, "zip");
    if (!stored) {
      return {
        ok: false,
        notFound: false,
        status: 500,
        message: "internal error: stored zip is missing",
      };
    }
    return { ok: true, body: { kind: "stored", stored } };
  } catch (err) {
    if (!(err instanceof StorageWriteError) && !isStorageFull(err)) throw err;
    const message = storageFailureText(`${f.module}@${f.version}'s zip`, err);
    rt.logger.error(
      { error: message, module: f.module, version: f.version },
      "storage write failed",
    );
    return {
      ok: false,
      notFound: false,
      status: err instanceof StorageWriteError && !err.full ? 500 : 507,
      message,
    };
  } finally {
    if (!handedOff) await rm(tmp, { force: true });
  }
}

/**
 * A verified file already answered from memory goes to storage in the background. If the write
 * fails (a full disk) the file is dropped from memory too, so the next request fetches it again
 * and retries the write, rather than memory hiding forever that storage never got it.
 */
function storeInBackground(rt: Runtime, f: FileRequest, store: Promise<unknown>): void {
  rt.inBackground(
    store.then(
      () => undefined,
      (err: unknown) => {
        hotFilesFor(rt, f.file).forget(`/${f.key}`);
        rt.logger.warn(
          { error: storageFailureText(`${f.module}@${f.version}.${f.file}`, err) },
          "storage write failed",
        );
      },
    ),
  );
}

async function serveQuery(
  rt: Runtime,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  route: Route,
  f: FileRequest,
): Promise<void> {
  const flight = rt.flights.do(`query:${f.key}`, () =>
    withFetchSignal(rt, rt.timeouts.metadataMs, (signal) => resolveQuery(rt, route, f, signal)),
  );
  ctx.cache = flight.shared ? "shared" : "miss";
  const out = await flight.promise;
  if (!out.ok) return sendText(req, res, ctx, out.status, out.message);
  return sendBody(req, res, ctx, out.body, CONTENT_TYPE.info, "no-store");
}

async function resolveQuery(
  rt: Runtime,
  route: Route,
  f: FileRequest,
  signal: AbortSignal,
): Promise<Outcome> {
  const item = { endpoint: "info", module: f.module, version: f.version };
  const r = await timed(rt, route, item, signal, () =>
    route.target.info(f.module, f.version, signal),
  );
  if (!r.ok) {
    // Branches appear at any time, so a not-found query is not remembered.
    if (r.notFound) return { ok: false, notFound: true, status: r.status, message: r.message };
    return failed(rt, f.key, r, signal);
  }
  const c = checkInfo(r.value);
  if (!c.ok)
    return { ok: false, notFound: false, status: 502, message: `bad gateway: ${c.message}` };
  return { ok: true, body: { kind: "bytes", data: r.value } };
}
