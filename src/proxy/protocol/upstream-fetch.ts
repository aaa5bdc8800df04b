import { createWriteStream } from "node:fs";
import { copyFile, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { redactUrl } from "../../gomod/goproxy-list.js";
import { StorageWriteError, isStorageFull } from "../storage/write-error.js";
import type { UpstreamResult } from "../types.js";
import { MAX_ZIP_BYTES, errorDetail } from "./content.js";
import { parseProxyPath } from "./parse-path.js";
import { LimitStream, TooLargeError, httpGet, readLimited } from "./http-get.js";
import type { HttpAgents } from "./http-get.js";

/**
 * One GET of a protocol file from one proxy base URL (http, https or file), classified the way
 * the go command classifies it: 200 → the body; 404/410 → not found (with the proxy's message);
 * anything else, including network errors and oversized bodies → an error; a fired AbortSignal
 * with a TimeoutError → status 504.
 */
type Result<T> = UpstreamResult<T>;

export interface Http {
  agents: HttpAgents;
  userAgent: string;
}

export async function fetchSmall<T>(
  base: string,
  path: string,
  signal: AbortSignal,
  limit: number,
  read: (b: Buffer) => T,
  http: Http,
): Promise<Result<T>> {
  const where = `${redactUrl(base)}/${path}`;
  if (base.startsWith("file:")) {
    try {
      const file = join(fileURLToPath(base), path);
      if ((await stat(file)).size > limit) return tooLarge(where, limit);
      return { ok: true, value: read(await readFile(file)) };
    } catch (err) {
      return fileError(err, where);
    }
  }
  try {
    const res = await httpGet(`${base}/${path}`, { ...http, signal });
    if (res.status === 200) return { ok: true, value: read(await readLimited(res.body, limit)) };
    return await failure(
      res.status,
      await readLimited(res.body, 64 << 10).catch(() => Buffer.alloc(0)),
      where,
      named(path, where),
      res.body.headers["content-type"],
    );
  } catch (err) {
    return networkError(err, where, signal, limit);
  }
}

export async function fetchZip(
  base: string,
  path: string,
  dest: string,
  signal: AbortSignal,
  http: Http,
): Promise<Result<{ size: number }>> {
  const where = `${redactUrl(base)}/${path}`;
  let writeError: Error | undefined;
  if (base.startsWith("file:")) {
    try {
      const file = join(fileURLToPath(base), path);
      const size = (await stat(file)).size;
      if (size > MAX_ZIP_BYTES) return tooLarge(where, MAX_ZIP_BYTES);
      await copyFile(file, dest);
      return { ok: true, value: { size } };
    } catch (err) {
      if (isStorageFull(err)) throw new StorageWriteError(dest, err);
      return fileError(err, where);
    }
  }
  try {
    const res = await httpGet(`${base}/${path}`, { ...http, signal });
    if (res.status !== 200) {
      return failure(
        res.status,
        await readLimited(res.body, 64 << 10).catch(() => Buffer.alloc(0)),
        where,
        named(path, where),
        res.body.headers["content-type"],
      );
    }
    const declared = Number(res.body.headers["content-length"]);
    if (Number.isFinite(declared) && declared > MAX_ZIP_BYTES) {
      res.body.destroy();
      return tooLarge(where, MAX_ZIP_BYTES);
    }
    const limit = new LimitStream(MAX_ZIP_BYTES);
    const out = createWriteStream(dest);
    // pipeline also destroys `out` with a network error; only the file system's own count.
    out.once("error", (err: NodeJS.ErrnoException) => {
      if (FILE_SYSCALLS.has(err.syscall ?? "")) writeError = err;
    });
    await pipeline(res.body, limit, out);
    return { ok: true, value: { size: limit.bytes } };
  } catch (err) {
    // The download's own write failing (a full disk) is this machine's failure, not the upstream's.
    if (writeError !== undefined) throw new StorageWriteError(dest, writeError);
    return networkError(err, where, signal, MAX_ZIP_BYTES);
  }
}

/** The system calls of writing the download; a socket's errors come from others (read). */
const FILE_SYSCALLS = new Set(["open", "write", "close", "fsync"]);

/** `what`: the module@version (or the URL) a not-found names; other errors name the URL. */
function failure<T>(
  status: number,
  body: Buffer,
  where: string,
  what: string,
  contentType: string | string[] | undefined,
): Result<T> {
  const detail = errorDetail(body, Array.isArray(contentType) ? contentType[0] : contentType);
  if (status === 404 || status === 410) {
    return { ok: false, notFound: true, status, message: detail || `not found: ${what}` };
  }
  return {
    ok: false,
    notFound: false,
    status,
    message: `${where}: upstream answered ${status}${detail ? `: ${detail}` : ""}`,
  };
}

/**
 * What a not-found names, as the go command's users know it (module@version, or the module of a
 * list), rather than the upstream's URL; the URL when the path is no module request.
 */
function named(path: string, where: string): string {
  const parsed = parseProxyPath(`/${path}`);
  if (!parsed.ok) return where;
  const r = parsed.request;
  return r.kind === "file" ? `${r.module}@${r.version}` : r.kind === "sumdb" ? where : r.module;
}

function networkError<T>(
  err: unknown,
  where: string,
  signal: AbortSignal,
  limit: number,
): Result<T> {
  if (err instanceof TooLargeError) return tooLarge(where, limit);
  if (signal.aborted) {
    const reason = signal.reason as { name?: string; message?: string } | undefined;
    const timedOut = reason?.name === "TimeoutError";
    const why = reason?.message ? ` (${reason.message})` : "";
    return {
      ok: false,
      notFound: false,
      status: timedOut ? 504 : undefined,
      message: `${where}: ${timedOut ? `timed out${why}` : "aborted"}`,
    };
  }
  const e = err as NodeJS.ErrnoException;
  // A bare "ECONNRESET" does not tell the user the upstream cut its answer short.
  const cut = e.code === "ECONNRESET" || e.code === "ERR_STREAM_PREMATURE_CLOSE";
  return {
    ok: false,
    notFound: false,
    status: undefined,
    message: `${where}: ${cut ? `the connection closed before the whole answer arrived (${e.code})` : (e.code ?? e.message)}`,
  };
}

function fileError<T>(err: unknown, where: string): Result<T> {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") {
    return { ok: false, notFound: true, status: 404, message: `not found: ${where}` };
  }
  return {
    ok: false,
    notFound: false,
    status: undefined,
    message: `${where}: ${code ?? String(err)}`,
  };
}

function tooLarge<T>(where: string, limit: number): Result<T> {
  return {
    ok: false,
    notFound: false,
    status: 502,
    message: `${where}: larger than ${limit} bytes`,
  };
}
