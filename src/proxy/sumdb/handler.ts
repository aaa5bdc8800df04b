import type { ServerResponse } from "node:http";
import {
  unescapeModulePath,
  unescapeVersion,
  escapeModulePath,
  escapeVersion,
} from "../../gomod/module-escape.js";
import type { Storage } from "../types.js";
import { HttpGetError, firstLine, getBytes, type HttpAnswer } from "../verify/http-get.js";
import { HASH_SIZE } from "../verify/tlog-hash.js";
import { parseTilePath, tilePath } from "../verify/tlog-tile.js";

export interface SumdbProxyOptions {
  /** Checksum database names served; default ["sum.golang.org"]. Anything else is 404. */
  allow?: string[];
  /** The base URL for a database name, e.g. name => "https://" + name. */
  upstream: (name: string) => string;
  storage: Storage;
  timeoutMs?: number;
  /**
   * Module paths routed privately: their lookups are refused here, so a private path never
   * reaches the public checksum database through this proxy (clients should set GONOSUMDB too).
   */
  isPrivate?: (module: string) => boolean;
}

export type SumdbRequest = { name: string; rest: string };
export type SumdbProxy = (req: SumdbRequest, res: ServerResponse) => Promise<void>;

const IMMUTABLE = "public, max-age=31536000, immutable";
const PASSED_THROUGH = new Set([400, 403, 404, 410]);
/** forward()'s statuses for an upstream that could not answer (down, timed out, broken). */
const GATEWAY_FAILURE = new Set([502, 504]);

interface Answer {
  status: number;
  body: Buffer | string;
  type: string;
  cache?: string;
  /** "hit" / "miss" for tiles, "stale" for a kept /latest or lookup, so the server counts them. */
  tileCache?: "hit" | "miss" | "stale";
}

const text = (status: number, body: string): Answer => ({
  status,
  body: body.endsWith("\n") || body === "" ? body : `${body}\n`,
  type: "text/plain; charset=utf-8",
});

const tileAnswer = (body: Buffer, tileCache: "hit" | "miss"): Answer => ({
  status: 200,
  body,
  type: "application/octet-stream",
  cache: IMMUTABLE,
  tileCache,
});

/**
 * The checksum-database side of a module proxy (go.dev/design/25530-sumdb#proxying-a-checksum-database):
 * `<proxy>/sumdb/<name>/supported` tells the go command to send every lookup and tile request
 * for <name> here. Requests are validated and forwarded to the upstream.
 *
 * Tiles never change once served, partial ones (".p/W", the first W hashes of a tile) included,
 * so every tile is cached in storage and served from there. /latest and lookups change as the
 * log grows: each is asked of the upstream, and the last answer kept, so that when the upstream
 * cannot answer the kept one is served and a client with an empty cache still verifies what the
 * proxy holds. Every answer is signed or hashed by the database, and the go command checks each
 * against the tree heads it trusts: a kept /latest older than the client's own is checked for
 * consistency and ignored, never trusted blindly.
 *
 * Tiles are cached as received after a size check; they are not authenticated here (the go
 * command checks every tile against its signed tree head), so a cached tile is only as good
 * as the upstream connection it came over.
 */
export function createSumdbProxy(opts: SumdbProxyOptions): SumdbProxy {
  const allow = new Set(opts.allow ?? ["sum.golang.org"]);
  const inflight = new Map<string, Promise<Answer>>();

  async function forward(name: string, rest: string): Promise<Answer> {
    const url = `${opts.upstream(name).replace(/\/+$/, "")}/${rest}`;
    let res: HttpAnswer;
    try {
      res = await getBytes(url, { timeoutMs: opts.timeoutMs });
    } catch (err) {
      const timedOut = err instanceof HttpGetError && err.timedOut;
      return text(timedOut ? 504 : 502, `checksum database ${name}: ${(err as Error).message}`);
    }
    // The database's own refusals reach the go command as they are; anything else upstream is
    // a gateway failure (never a 404, which would send the go command elsewhere).
    if (PASSED_THROUGH.has(res.status)) {
      return text(res.status, firstLine(res.body) || `status ${res.status}`);
    }
    if (res.status !== 200) {
      const line = firstLine(res.body);
      return text(
        502,
        `checksum database ${name} answered ${res.status}${line ? `: ${line}` : ""}`,
      );
    }
    const type = rest.startsWith("tile/")
      ? "application/octet-stream"
      : "text/plain; charset=utf-8";
    return { status: 200, body: res.body, type, cache: "no-cache" };
  }

  /** /latest and lookups: the upstream's answer, kept; the kept one when the upstream fails. */
  async function remembered(name: string, rest: string): Promise<Answer> {
    const key = `${name}/${rest}`;
    const answer = await forward(name, rest);
    if (answer.status === 200) {
      const body = answer.body.toString();
      // A failed write must not fail the request: the answer is still good to serve.
      await opts.storage
        .putAnswer("sumdb", key, { body, status: 200, fetchedAt: Date.now() })
        .catch(() => undefined);
      return answer;
    }
    if (!GATEWAY_FAILURE.has(answer.status)) return answer;
    const kept = await opts.storage.getAnswer("sumdb", key).catch(() => undefined);
    if (kept?.status !== 200) return answer;
    return { ...text(200, kept.body), cache: "no-cache", tileCache: "stale" };
  }

  async function tile(
    name: string,
    path: string,
    expectedSize: number | undefined,
  ): Promise<Answer> {
    const key = `${name}/${path}`;
    // A storage read failure is a cache miss, not an error for the go command.
    const cached = await opts.storage.getTile(key).catch(() => undefined);
    if (cached) return tileAnswer(cached, "hit");
    let p = inflight.get(key);
    if (!p) {
      p = (async (): Promise<Answer> => {
        const answer = await forward(name, path);
        if (answer.status !== 200) return answer;
        const body = answer.body as Buffer;
        const sizeOK = expectedSize === undefined ? body.length > 0 : body.length === expectedSize;
        if (!sizeOK)
          return text(502, `checksum database ${name} sent a ${body.length}-byte ${path}`);
        // A failed cache write must not fail the request: the tile is still good to serve.
        await opts.storage.putTile(key, body).catch(() => undefined);
        return tileAnswer(body, "miss");
      })().finally(() => inflight.delete(key));
      inflight.set(key, p);
    }
    return p;
  }

  async function route(name: string, rest: string): Promise<Answer> {
    if (!allow.has(name)) return text(404, `unknown checksum database "${name}"`);
    if (rest === "supported") return { status: 200, body: "", type: "text/plain; charset=utf-8" };
    if (rest === "latest") return remembered(name, rest);
    if (rest.startsWith("lookup/")) {
      const spec = rest.slice("lookup/".length);
      const at = spec.lastIndexOf("@");
      try {
        const module = unescapeModulePath(spec.slice(0, at < 0 ? spec.length : at));
        if (at < 0) throw new Error("missing @version");
        const version = unescapeVersion(spec.slice(at + 1));
        if (opts.isPrivate?.(module)) {
          return text(
            404,
            `${module} is routed privately: gopave does not ask the checksum database about it (set GONOSUMDB=${module})`,
          );
        }
        return remembered(name, `lookup/${escapeModulePath(module)}@${escapeVersion(version)}`);
      } catch (err) {
        return text(400, `bad checksum database lookup "${rest}": ${(err as Error).message}`);
      }
    }
    if (rest.startsWith("tile/")) {
      const t = parseTilePath(rest);
      if (!t) return text(400, `malformed tile path "${rest}"`);
      const path = tilePath(t);
      return tile(name, path, t.l === -1 ? undefined : t.w * HASH_SIZE);
    }
    return text(404, `not found: ${rest}`);
  }

  return async (req, res) => {
    let answer: Answer;
    try {
      answer = await route(req.name, req.rest);
    } catch (err) {
      answer = text(500, `checksum database proxy: ${(err as Error).message}`);
    }
    res.statusCode = answer.status;
    res.setHeader("Content-Type", answer.type);
    res.setHeader("Content-Length", Buffer.byteLength(answer.body));
    if (answer.cache) res.setHeader("Cache-Control", answer.cache);
    if (answer.tileCache) res.setHeader("X-Gopave-Cache", answer.tileCache);
    res.end(answer.body);
  };
}
