import { parseGoproxy } from "../../gomod/goproxy-list.js";
import type { ProxyEntry } from "../../gomod/goproxy-list.js";
import { escapeModulePath, escapeVersion } from "../../gomod/module-escape.js";
import { MAX_METADATA_BYTES, MAX_MOD_BYTES } from "../protocol/content.js";
import { createAgents } from "../protocol/http-get.js";
import type { HttpAgents } from "../protocol/http-get.js";
import { fetchSmall, fetchZip } from "../protocol/upstream-fetch.js";
import { ForbiddenHostError, assertPublicHost, moduleHost } from "../ssrf.js";
import type { Resolver } from "../ssrf.js";
import type { Target, UpstreamResult } from "../types.js";

export interface UpstreamTargetOptions {
  /** A GOPROXY-syntax list: "https://a,https://b|direct". */
  list: string;
  /** The target used for a `direct` entry (created on first use). */
  direct?: () => Target;
  /** Public routes: before a `direct` entry runs, the module's host must not be a private address. */
  guardDirect?: boolean;
  agents?: HttpAgents;
  userAgent?: string;
  resolver?: Resolver;
}

type Result<T> = UpstreamResult<T>;
type Fetch<T> = (base: string, signal: AbortSignal) => Promise<Result<T>>;

/** Thrown for a list gopave cannot use; config validation reports it earlier with a position. */
export class UpstreamListError extends Error {}

/**
 * An upstream proxy list with the go command's own fallback rules (modfetch TryProxies): after a
 * `,` the next entry is tried only on 404/410, after a `|` on any error; `direct` and `off` end
 * the list. When everything fails, the most useful error wins: direct's, then a real failure,
 * then a not-found — so an outage is never reported as "not found".
 */
export function createUpstreamTarget(opts: UpstreamTargetOptions): Target {
  const parsed = parseGoproxy(opts.list);
  if (!parsed.ok) throw new UpstreamListError(parsed.error);
  const entries = parsed.entries;
  if (entries.length === 0) throw new UpstreamListError("empty upstream list");
  const agents = opts.agents ?? createAgents();
  const userAgent = opts.userAgent ?? "gopave-proxy";
  let direct: Target | undefined;
  const directTarget = (): Target => {
    if (!opts.direct)
      throw new UpstreamListError("`direct` in an upstream list needs a direct target");
    direct ??= opts.direct();
    return direct;
  };

  async function walk<T>(
    module: string,
    signal: AbortSignal,
    viaUrl: Fetch<T>,
    viaDirect: (t: Target) => Promise<Result<T>>,
  ): Promise<Result<T>> {
    let best: Result<T> | undefined;
    let bestRank = -1;
    for (const e of entries) {
      const r = await tryEntry(e, module, signal, viaUrl, viaDirect);
      if (r.ok) return r;
      const rank = e.kind === "direct" ? 2 : r.notFound ? 0 : 1;
      if (rank >= bestRank) {
        best = r;
        bestRank = rank;
      }
      if (e.kind !== "url" || signal.aborted) break;
      if (!r.notFound && !e.fallbackOnError) break;
    }
    return best as Result<T>;
  }

  async function tryEntry<T>(
    e: ProxyEntry,
    module: string,
    signal: AbortSignal,
    viaUrl: Fetch<T>,
    viaDirect: (t: Target) => Promise<Result<T>>,
  ): Promise<Result<T>> {
    if (e.kind === "off") {
      return {
        ok: false,
        notFound: false,
        status: 403,
        message: "module lookup disabled by GOPROXY=off",
      };
    }
    if (e.kind === "direct") {
      if (opts.guardDirect) {
        try {
          await assertPublicHost(moduleHost(module), opts.resolver);
        } catch (err) {
          if (err instanceof ForbiddenHostError) {
            return { ok: false, notFound: false, status: 403, message: err.message };
          }
          throw err;
        }
      }
      return viaDirect(directTarget());
    }
    return viaUrl(e.url.replace(/\/+$/, ""), signal);
  }

  const http = { agents, userAgent };
  const small =
    <T>(path: string, read: (b: Buffer) => T, limit: number): Fetch<T> =>
    (base, signal) =>
      fetchSmall(base, path, signal, limit, read, http);
  const text = (b: Buffer) => b.toString("utf8");
  const raw = (b: Buffer) => b;
  const versioned = (m: string, v: string, ext: string) =>
    `${escapeModulePath(m)}/@v/${escapeVersion(v)}.${ext}`;

  return {
    name: "upstream",
    describe: opts.list,
    list: (module, signal) =>
      walk(
        module,
        signal,
        small(`${escapeModulePath(module)}/@v/list`, text, MAX_METADATA_BYTES),
        (t) => t.list(module, signal),
      ),
    latest: (module, signal) =>
      walk(
        module,
        signal,
        small(`${escapeModulePath(module)}/@latest`, text, MAX_METADATA_BYTES),
        (t) => t.latest(module, signal),
      ),
    info: (module, version, signal) =>
      walk(
        module,
        signal,
        small(versioned(module, version, "info"), raw, MAX_METADATA_BYTES),
        (t) => t.info(module, version, signal),
      ),
    mod: (module, version, signal) =>
      walk(module, signal, small(versioned(module, version, "mod"), raw, MAX_MOD_BYTES), (t) =>
        t.mod(module, version, signal),
      ),
    zip: (module, version, dest, signal) =>
      walk(
        module,
        signal,
        (base, sig) => fetchZip(base, versioned(module, version, "zip"), dest, sig, http),
        (t) => t.zip(module, version, dest, signal),
      ),
  };
}
