import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { isOffline } from "../detect/detect.js";
import { goEnv, runGo } from "../detect/go-command.js";
import { hostHeuristic, isKnownPublicHost } from "../detect/private-hosts.js";
import { askProxy } from "../detect/proxy-check.js";
import { publicProxyUrl } from "../detect/public-proxy.js";
import { writeFileAtomic } from "../util/fs-atomic.js";

export interface PublicModuleOptions {
  env: NodeJS.ProcessEnv;
  /** --offline: never ask the network. */
  offline?: boolean | undefined;
  /** Working directory for `go env` (the repo). */
  cwd?: string | undefined;
  /** Per request; a proxy that hangs once is not asked again in this run. */
  timeoutMs?: number | undefined;
  /** Overrides the cache file (default `<user cache dir>/gopave/public-modules.json`). */
  cacheFile?: string | undefined;
  /** Clock, for cache expiry in tests. */
  now?: () => number;
}

export interface PublicModuleChecker {
  isPublicModule(path: string, version: string): Promise<boolean | undefined>;
  /** Writes what was learned to the cache; a no-op when nothing new was asked. */
  save(): void;
}

interface CacheEntry {
  public: boolean;
  /** Epoch ms of the answer. */
  at: number;
}

interface CacheFile {
  version: 1;
  modules: Record<string, CacheEntry>;
}

/** A version the proxy serves stays served; "not found" may change once a module is published. */
const NOT_FOUND_TTL_MS = 24 * 60 * 60 * 1000;
const CONCURRENCY = 8;

/** Like os.UserCacheDir: XDG_CACHE_HOME or ~/.cache, ~/Library/Caches on macOS, %LocalAppData%. */
export function userCacheDir(env: NodeJS.ProcessEnv): string {
  // An explicit XDG_CACHE_HOME wins on every platform (Go honours it on Unix only): it is how
  // tests and sandboxes keep the cache out of a real home.
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return env.XDG_CACHE_HOME;
  if (process.platform === "win32" && env.LocalAppData) return env.LocalAppData;
  if (process.platform === "darwin") return join(env.HOME ?? homedir(), "Library", "Caches");
  return join(env.HOME ?? homedir(), ".cache");
}

function readCache(file: string): CacheFile {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<CacheFile>;
    if (parsed.version === 1 && parsed.modules && typeof parsed.modules === "object") {
      return { version: 1, modules: parsed.modules };
    }
  } catch {
    // Missing or corrupt: a cache is only ever a shortcut.
  }
  return { version: 1, modules: {} };
}

/**
 * Decides whether module@version is public: by host name when that is certain (never leaking a
 * private name to the network), else from the cache, else by asking the toolchain's public
 * proxy; offline or when the proxy does not answer, unknown.
 */
export function createPublicModuleChecker(opts: PublicModuleOptions): PublicModuleChecker {
  const env = opts.env;
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 2000;
  const cacheFile = opts.cacheFile ?? join(userCacheDir(env), "gopave", "public-modules.json");
  let cache: CacheFile | undefined;
  let dirty = false;
  let proxy: Promise<string | undefined> | undefined;
  let proxyDown = false;
  const inFlight = new Map<string, Promise<boolean | undefined>>();
  let running = 0;
  const waiting: (() => void)[] = [];

  const offlineBySettings = isOffline({ offline: opts.offline === true }, env);
  const resolveProxy = async (): Promise<string | undefined> => {
    const override = publicProxyUrl(env, undefined);
    if (override) return override;
    const r = await runGo(["env", "-json", "GOROOT", "GOPROXY"], {
      cwd: opts.cwd ?? process.cwd(),
      env: goEnv(env),
      timeoutMs: 5000,
    });
    if (!r.ok) return undefined;
    try {
      const j = JSON.parse(r.stdout) as { GOROOT?: string; GOPROXY?: string };
      // GOPROXY=off in the go env file means this machine must not ask the network.
      if (isOffline({}, env, j.GOPROXY)) return undefined;
      return publicProxyUrl(env, j.GOROOT || undefined);
    } catch {
      return undefined;
    }
  };

  const withSlot = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= CONCURRENCY) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };

  const ask = async (path: string, version: string, key: string, guess: boolean | undefined) => {
    proxy ??= resolveProxy();
    const base = await proxy;
    if (base === undefined || proxyDown) return guess;
    const answer = await withSlot(async () =>
      proxyDown
        ? undefined
        : (await askProxy(base, [{ path, version }], { budgetMs: timeoutMs, concurrency: 1 })).get(
            path,
          ),
    );
    if (answer?.kind === "found" || answer?.kind === "not-found") {
      const isPublic = answer.kind === "found";
      (cache ??= readCache(cacheFile)).modules[key] = { public: isPublic, at: now() };
      dirty = true;
      return isPublic;
    }
    if (answer?.kind === "error" && /no answer within/.test(answer.error)) proxyDown = true;
    return guess;
  };

  return {
    async isPublicModule(path, version) {
      if (isKnownPublicHost(path)) return true;
      const heuristic = hostHeuristic(path);
      if (heuristic === "certain") return false;
      // A self-hosted-looking forge (`code.`, `git.`) is only a guess: many serve public modules
      // through the public proxy. Offline, or with the proxy silent, that stays unknown.
      const guess = undefined;
      if (offlineBySettings) return guess;
      const key = `${path}@${version}`;
      const hit = (cache ??= readCache(cacheFile)).modules[key];
      if (hit && (hit.public || now() - hit.at < NOT_FOUND_TTL_MS)) return hit.public;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = ask(path, version, key, guess);
        inFlight.set(key, pending);
      }
      return pending;
    },
    save() {
      if (!dirty || !cache) return;
      try {
        // Merge with what another run may have written meanwhile.
        const merged = readCache(cacheFile);
        Object.assign(merged.modules, cache.modules);
        writeFileAtomic(cacheFile, `${JSON.stringify(merged, null, 2)}\n`);
        dirty = false;
      } catch {
        // A read-only home must not fail the check; the answers are simply asked again.
      }
    },
  };
}

/** One-off question with the process environment; saves the answer to the cache. */
export async function isPublicModule(path: string, version: string): Promise<boolean | undefined> {
  const checker = createPublicModuleChecker({ env: process.env });
  const answer = await checker.isPublicModule(path, version);
  checker.save();
  return answer;
}
