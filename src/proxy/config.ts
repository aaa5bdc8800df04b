import { isAbsolute, resolve } from "node:path";
import { isMap, isPair, isScalar, isSeq } from "yaml";
import type { Document, Node } from "yaml";
import { z } from "zod";
import { parseGoproxy } from "../gomod/goproxy-list.js";
import { didYouMean } from "../util/did-you-mean.js";
import { GopaveError, GopaveErrors } from "../util/errors.js";
import { parseYamlSource } from "../util/yaml-source.js";
import { DEFAULT_TIMEOUTS, DEFAULT_TTL } from "./server/runtime.js";
import { parseRouteRule } from "./router.js";
import type { RouteRule } from "./router.js";
import { parseGosumdb } from "./verify/gosumdb.js";

/**
 * `proxy serve` configuration: a YAML file (validated, errors at file:line:col like gopave.yaml)
 * merged with flags, flags winning. Route flags come before the file's routes, so a flag rule
 * takes precedence where both match.
 */
const duration = z.union([z.number().nonnegative(), z.string()]);
const fileSchema = z.strictObject({
  listen: z.string().optional(),
  storage: z.string().optional(),
  upstream: z.string().optional(),
  routes: z.array(z.string()).optional(),
  sumdb: z.string().optional(),
  sumdbAllow: z.array(z.string()).optional(),
  cacheMax: z.union([z.number().int().nonnegative(), z.string()]).optional(),
  memoryCache: z.union([z.number().int().nonnegative(), z.string()]).optional(),
  prefetch: z.boolean().optional(),
  ttl: z
    .strictObject({
      list: duration.optional(),
      latest: duration.optional(),
      notFound: duration.optional(),
    })
    .optional(),
  timeouts: z
    .strictObject({
      metadata: duration.optional(),
      download: duration.optional(),
      shutdown: duration.optional(),
    })
    .optional(),
  trustedSums: z.array(z.string()).optional(),
  direct: z.strictObject({ concurrency: z.number().int().positive().optional() }).optional(),
});

export type ProxyConfigFile = z.infer<typeof fileSchema>;

export interface ProxyFlags {
  config?: string | undefined;
  listen?: string | undefined;
  storage?: string | undefined;
  upstream?: string | undefined;
  route?: string[] | undefined;
  sumdb?: string | undefined;
  cacheMax?: string | undefined;
  memoryCache?: string | undefined;
  /** false from --no-prefetch; the flag can only turn prefetching off. */
  prefetch?: boolean | undefined;
}

export interface ProxyServeConfig {
  listen: { host: string; port: number };
  /** A storage URL or path; relative paths from a config file are resolved against its directory. */
  storage: string | undefined;
  /** The default route's upstream list; undefined → the toolchain's default proxy. */
  upstream: string | undefined;
  routes: RouteRule[];
  /**
   * A GOSUMDB value ("sum.golang.org", "name+hash+key url", "off"). Undefined: the verifier's
   * default (sum.golang.org, or go.sum-only when trustedSums are given).
   */
  sumdb: string | undefined;
  /** Checksum databases proxied under /sumdb/ (default: the configured one). */
  sumdbAllow: string[];
  cacheMaxBytes: number | undefined;
  /** Memory for hot zips; undefined → the proxy's default. */
  memoryCacheBytes: number | undefined;
  /** Fetch a version's zip when its .info is asked for. */
  prefetch: boolean;
  ttl: { listMs: number; latestMs: number; notFoundMs: number };
  timeouts: { metadataMs: number; downloadMs: number; shutdownMs: number };
  trustedSums: string[];
  directConcurrency: number | undefined;
}

export const DEFAULT_LISTEN = "127.0.0.1:3000";
export const DEFAULT_SUMDB = "sum.golang.org";

type Path = readonly (string | number)[];
/** `key`: point at the key itself (an unknown key), not at its value. */
type Problem = { path: Path; message: string; key?: boolean };

/** Parses and validates a config file's text. Throws GopaveErrors with every problem found. */
export function loadProxyConfig(text: string, file: string): ProxyConfigFile {
  const { doc, at } = parseYamlSource(text, file);
  const fail = (problems: Problem[]) =>
    new GopaveErrors(
      problems.map(
        (p) =>
          new GopaveError("SPEC_INVALID", p.message, {
            position: at(offsetOf(doc, p.path, p.key === true)),
            hint: "see `gopave proxy serve --help`; durations look like 30s, 10m; sizes like 20GiB",
          }),
      ),
    );
  const parsed = fileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) throw fail(parsed.error.issues.map(issueProblem));
  const problems = semanticProblems(parsed.data);
  if (problems.length > 0) throw fail(problems);
  return parsed.data;
}

function issueProblem(issue: z.core.$ZodIssue): Problem {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const where = dotted(path) || "(top level)";
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const allowed = allowedKeys(path);
    const guess = didYouMean(key, allowed);
    return {
      path: [...path, key],
      key: true,
      message: `unknown key "${key}" in ${where}${guess ? ` (did you mean "${guess}"?)` : ""}`,
    };
  }
  return { path, message: `${where}: ${issue.message}` };
}

function allowedKeys(path: Path): string[] {
  if (path.length === 0) return Object.keys(fileSchema.shape);
  if (path.length !== 1) return [];
  const shape = fileSchema.shape;
  const key = path[0];
  if (key === "ttl") return Object.keys(shape.ttl.unwrap().shape);
  if (key === "timeouts") return Object.keys(shape.timeouts.unwrap().shape);
  if (key === "direct") return Object.keys(shape.direct.unwrap().shape);
  return [];
}

function semanticProblems(c: ProxyConfigFile): Problem[] {
  const out: Problem[] = [];
  const check = (path: Path, f: () => unknown) => {
    try {
      f();
    } catch (err) {
      out.push({ path, message: `${dotted(path)}: ${(err as Error).message}` });
    }
  };
  if (c.listen !== undefined) check(["listen"], () => parseListen(c.listen as string));
  if (c.upstream !== undefined) check(["upstream"], () => parseUpstream(c.upstream as string));
  c.routes?.forEach((r, i) =>
    check(["routes", i], () => {
      const p = parseRouteRule(r);
      if (!p.ok) throw new Error(p.error);
    }),
  );
  if (c.sumdb !== undefined) check(["sumdb"], () => parseGosumdb(c.sumdb as string));
  for (const key of ["cacheMax", "memoryCache"] as const) {
    const v = c[key];
    if (v !== undefined) check([key], () => parseSize(v));
  }
  for (const group of ["ttl", "timeouts"] as const) {
    for (const [k, v] of Object.entries(c[group] ?? {})) {
      check([group, k], () => parseDuration(v as string | number));
    }
  }
  return out;
}

/**
 * Merges a loaded file (or nothing) with flags; `baseDir` resolves the file's relative paths.
 * Flag values are validated here and reported as usage errors.
 */
export function resolveProxyConfig(
  file: ProxyConfigFile | undefined,
  baseDir: string,
  flags: ProxyFlags,
): ProxyServeConfig {
  const f = file ?? {};
  const usage = (flag: string, fn: () => unknown) => {
    try {
      return fn();
    } catch (err) {
      throw new GopaveError("USAGE", `--${flag}: ${(err as Error).message}`);
    }
  };
  const flagRoutes = (flags.route ?? []).map((r) => {
    const p = parseRouteRule(r);
    if (!p.ok) throw new GopaveError("USAGE", `--route: ${p.error}`);
    return p.value;
  });
  if (flags.listen !== undefined) usage("listen", () => parseListen(flags.listen as string));
  if (flags.upstream !== undefined)
    usage("upstream", () => parseUpstream(flags.upstream as string));
  if (flags.sumdb !== undefined) usage("sumdb", () => parseGosumdb(flags.sumdb as string));
  const cacheMax = flags.cacheMax ?? f.cacheMax;
  const memoryCache = flags.memoryCache ?? f.memoryCache;
  const sumdb = flags.sumdb ?? f.sumdb;
  const db = parseGosumdb(sumdb ?? DEFAULT_SUMDB);
  const ms = (v: string | number | undefined, dflt: number) =>
    v === undefined ? dflt : parseDuration(v);
  return {
    listen: parseListen(flags.listen ?? f.listen ?? DEFAULT_LISTEN),
    storage:
      flags.storage ?? (f.storage === undefined ? undefined : relativeTo(f.storage, baseDir)),
    upstream: flags.upstream ?? f.upstream,
    routes: [...flagRoutes, ...(f.routes ?? []).flatMap(validRule)],
    sumdb,
    sumdbAllow: f.sumdbAllow ?? (db.off ? [] : [db.name]),
    cacheMaxBytes:
      cacheMax === undefined
        ? undefined
        : (usage("cache-max", () => parseSize(cacheMax)) as number),
    memoryCacheBytes:
      memoryCache === undefined
        ? undefined
        : (usage("memory-cache", () => parseSize(memoryCache)) as number),
    prefetch: flags.prefetch === false ? false : (f.prefetch ?? true),
    ttl: {
      listMs: ms(f.ttl?.list, DEFAULT_TTL.listMs),
      latestMs: ms(f.ttl?.latest, DEFAULT_TTL.latestMs),
      notFoundMs: ms(f.ttl?.notFound, DEFAULT_TTL.notFoundMs),
    },
    timeouts: {
      metadataMs: ms(f.timeouts?.metadata, DEFAULT_TIMEOUTS.metadataMs),
      downloadMs: ms(f.timeouts?.download, DEFAULT_TIMEOUTS.downloadMs),
      shutdownMs: ms(f.timeouts?.shutdown, DEFAULT_TIMEOUTS.shutdownMs),
    },
    trustedSums: (f.trustedSums ?? []).map((p) => resolve(baseDir, p)),
    directConcurrency: f.direct?.concurrency,
  };
}

/** Rules in a loaded file were validated by loadProxyConfig. */
function validRule(rule: string): RouteRule[] {
  const p = parseRouteRule(rule);
  return p.ok ? [p.value] : [];
}

/** A plain relative path in the file is relative to the file, not to where gopave runs. */
function relativeTo(storage: string, baseDir: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(storage) || isAbsolute(storage)) return storage;
  return resolve(baseDir, storage);
}

export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d+)$/.exec(value) ?? /^()()(\d+)$/.exec(value);
  if (!m) throw new Error(`"${value}" is not HOST:PORT (e.g. 127.0.0.1:3000, :3000)`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`port ${port} is out of range`);
  // ":3000" means every interface, as in Go's net.Listen.
  const host = m[1] || m[2] || "0.0.0.0";
  return { host, port };
}

function parseUpstream(value: string): void {
  const p = parseGoproxy(value);
  if (!p.ok) throw new Error(p.error);
  if (p.entries.length === 0) throw new Error("empty upstream list");
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "30s", "10m", "1h", "500ms", or a number of seconds → milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === "number") return Math.round(value * 1000);
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(value);
  if (!m) throw new Error(`"${value}" is not a duration (e.g. 30s, 10m, 1h, 500ms)`);
  return Math.round(Number(m[1]) * (DURATION_UNITS[m[2] as string] as number));
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** "20GiB", "500MB", "1024" → bytes. */
export function parseSize(value: string | number): number {
  if (typeof value === "number") return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?\s*$/i.exec(value);
  if (!m) throw new Error(`"${value}" is not a size (e.g. 20GiB, 500MB)`);
  return Math.floor(Number(m[1]) * (SIZE_UNITS[(m[2] ?? "b").toLowerCase()] as number));
}

function dotted(path: Path): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p),
    "",
  );
}

/** Offset of the node at `path` (a map entry's key), else of the nearest parent that exists. */
function offsetOf(doc: Document, path: Path, key: boolean): number {
  for (let n = path.length; n > 0; n--) {
    const parent =
      n === 1 ? doc.contents : (doc.getIn(path.slice(0, n - 1), true) as Node | undefined);
    const last = path[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find(
        (it) => isPair(it) && isScalar(it.key) && it.key.value === last,
      );
      if (pair && isPair(pair) && isScalar(pair.key) && pair.key.range) {
        const v = pair.value as Node | null;
        // Point at the value when the value is what is wrong (a scalar), else at the key.
        return n === path.length && !key && isScalar(v) && v.range ? v.range[0] : pair.key.range[0];
      }
    }
    if (isSeq(parent) && typeof last === "number") {
      const item = parent.items[last] as Node | undefined;
      if (item?.range) return item.range[0];
    }
  }
  return (doc.contents as Node | null)?.range?.[0] ?? 0;
}
