import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { destination } from "pino";
import type { DestinationStream } from "pino";
import { goEnv, runGo } from "../detect/go-command.js";
import { publicProxyUrl } from "../detect/public-proxy.js";
import { loadProxyConfig, resolveProxyConfig } from "../proxy/config.js";
import { batchLines } from "../proxy/log-batch.js";
import type { ProxyConfigFile, ProxyFlags, ProxyServeConfig } from "../proxy/config.js";
import { createProxy } from "../proxy/index.js";
import type { Proxy } from "../proxy/index.js";
import { createMetrics } from "../proxy/metrics.js";
import { buildRoutes } from "../proxy/router.js";
import { assertPublicHost } from "../proxy/ssrf.js";
import { defaultStorageUrl, openStorage } from "../proxy/storage/open.js";
import { discoverSumdbViaProxy } from "../proxy/sumdb/discover.js";
import { createSumdbProxy } from "../proxy/sumdb/index.js";
import { createDenyTarget } from "../proxy/targets/deny.js";
import { createDirectTarget } from "../proxy/targets/direct.js";
import type { DirectTarget } from "../proxy/targets/direct.js";
import { createUpstreamTarget } from "../proxy/targets/upstream.js";
import { createVerifier } from "../proxy/verify/index.js";
import { parseGosumdb } from "../proxy/verify/gosumdb.js";
import { createZipScanPool } from "../proxy/verify/zip-pool.js";
import { GopaveError } from "../util/errors.js";
import { gopaveVersion } from "./io.js";
import type { CliIo } from "./io.js";

export type ProxyServeOptions = ProxyFlags;

/** Seams for tests: when the server is up, and which signals stop it. */
export interface ProxyServeDeps {
  onListening?: (url: string, proxy: Proxy) => void;
  /** Default SIGTERM and SIGINT. */
  signals?: NodeJS.Signals[];
}

/**
 * `gopave proxy serve`: loads config and flags, assembles storage, verifier, checksum-database
 * proxy, routes and server, listens, and resolves (exit 0) once a SIGTERM/SIGINT-triggered
 * graceful shutdown has finished the requests in flight.
 */
export async function runProxyServe(
  opts: ProxyServeOptions,
  io: CliIo,
  deps: ProxyServeDeps = {},
): Promise<number> {
  const config = readConfig(opts, io);
  const upstream = config.upstream ?? (await toolchainProxy(io));
  const storage = await openStorage(config.storage ?? defaultStorageUrl(io.env), { cwd: io.cwd });
  const userAgent = `gopave/${gopaveVersion()}`;
  const db = parseGosumdb(config.sumdb ?? "sum.golang.org");
  // Like the go command: reach the database through the upstream when it says it can. In
  // go.sum-only mode (trusted go.sum files, no database configured) the verifier never asks a
  // database, so startup does not wait: only the clients' /sumdb/ proxy uses the answer, once in.
  const goSumOnly =
    config.trustedSums.length > 0 && config.sumdb === undefined && !io.env.GOSUMDB?.trim();
  const discovery =
    db.off || db.url
      ? Promise.resolve(undefined)
      : discoverSumdbViaProxy(upstream, db.name, { userAgent, timeoutMs: 2000 });
  let viaUpstream = goSumOnly ? undefined : await discovery;
  if (goSumOnly)
    void discovery.then(
      (url) => (viaUpstream = url),
      () => undefined,
    );
  const zipChecks = createZipScanPool();
  const verifier = createVerifier({
    scanZip: zipChecks.scan,
    ...(config.sumdb === undefined ? {} : { sumdb: config.sumdb }),
    ...(viaUpstream === undefined ? {} : { sumdbUrl: viaUpstream }),
    trustedSums: config.trustedSums,
    env: io.env,
    timeoutMs: config.timeouts.metadataMs,
  });
  const sumdb = createSumdbProxy({
    allow: config.sumdbAllow,
    // The configured database may name its own URL; any other allowed name is its own host.
    upstream: (name) =>
      !db.off && db.name === name
        ? (db.url ?? viaUpstream ?? `https://${name}`)
        : `https://${name}`,
    storage,
    timeoutMs: config.timeouts.metadataMs,
    // Bound late: the router exists once the proxy is assembled below.
    isPrivate: (module) => assembled.router?.isPrivate(module) ?? true,
  });
  const assembled: { router?: { isPrivate(module: string): boolean } } = {};
  const directs: DirectTarget[] = [];
  const direct = (pub: boolean): DirectTarget => {
    const t = createDirectTarget({
      env: io.env,
      timeoutMs: config.timeouts.downloadMs,
      ...(config.directConcurrency === undefined ? {} : { concurrency: config.directConcurrency }),
      ...(pub ? { ssrfCheck: (host: string) => assertPublicHost(host), private: false } : {}),
    });
    directs.push(t);
    return t;
  };
  const routes = buildRoutes(config.routes, upstream, {
    upstream: (list, { guardDirect }) =>
      createUpstreamTarget({ list, guardDirect, userAgent, direct: () => direct(guardDirect) }),
    direct: () => direct(false),
    deny: () => createDenyTarget(),
  });
  const log = logDestination(io);
  const proxy = createProxy(
    {
      routes,
      ttl: config.ttl,
      timeouts: config.timeouts,
      ...(config.cacheMaxBytes === undefined ? {} : { cacheMaxBytes: config.cacheMaxBytes }),
      ...(config.memoryCacheBytes === undefined
        ? {}
        : { memoryCacheBytes: config.memoryCacheBytes }),
      prefetch: config.prefetch,
      // Every `proxy serve` is a replica: its heartbeat lists it on the status page of all of them.
      replica: { version: gopaveVersion() },
    },
    {
      storage,
      verifier,
      sumdb,
      logStream: log.stream,
      metrics: createMetrics({ processMetrics: true }),
    },
  );
  const logger = proxy.logger;
  assembled.router = proxy.router;

  let url: string;
  try {
    url = await proxy.listen(config.listen.port, config.listen.host);
  } catch (err) {
    await storage.close();
    await zipChecks.close();
    await log.close();
    throw new GopaveError(
      "USAGE",
      `cannot listen on ${config.listen.host}:${config.listen.port}: ${(err as Error).message}`,
    );
  }
  logger.info({ url, routes: routes.map((r) => r.name ?? r.pattern) }, "listening");
  io.stderr(`gopave proxy listening on ${url}\n`);
  for (const r of routes) {
    const kind = r.verify ? "public, verified" : "private, not verified";
    io.stderr(`  route ${r.name ?? r.pattern} → ${r.target.name} (${kind})\n`);
  }
  io.stderr(`  status page ${url}/ (JSON: ${url}/status.json)\n`);
  const stopped = new Promise<void>((resolveStop) => {
    const signals = deps.signals ?? ["SIGTERM", "SIGINT"];
    const stop = (signal: NodeJS.Signals) => {
      // A second signal is not caught: it ends the process at once if draining takes too long.
      for (const s of signals) process.off(s, stop);
      logger.info({ signal }, "shutting down: finishing requests in flight");
      void proxy.close().then(resolveStop);
    };
    for (const s of signals) process.once(s, stop);
    proxy.server.once("close", () => {
      for (const s of signals) process.off(s, stop);
      resolveStop();
    });
  });

  deps.onListening?.(url, proxy);

  await stopped;
  await proxy.close();
  await Promise.all(directs.map((d) => d.close()));
  await zipChecks.close();
  await storage.close();
  await log.close();
  return 0;
}

/**
 * Where the log lines go. On the process's own stdout: batched (see batchLines), then an
 * asynchronous destination, flushed on shutdown. An injected io (tests) gets every line through
 * io.stdout, synchronously.
 */
function logDestination(io: CliIo): {
  stream: DestinationStream;
  close: () => Promise<void>;
} {
  if (io.ownsStdout !== true) {
    return { stream: { write: (line: string) => io.stdout(line) }, close: async () => undefined };
  }
  const dest = destination({ fd: 1, sync: false });
  const lines = batchLines(dest);
  return {
    stream: lines,
    // end(), not flushSync(): the latter can overtake a write still in flight and reorder the
    // last lines. A reader that stopped reading must not hold up the exit.
    close: () =>
      new Promise<void>((done) => {
        lines.flush();
        const giveUp = setTimeout(done, 2000);
        giveUp.unref();
        dest.once("close", () => {
          clearTimeout(giveUp);
          done();
        });
        dest.once("error", () => done());
        dest.end();
      }),
  };
}

function readConfig(opts: ProxyFlags, io: CliIo): ProxyServeConfig {
  let file: ProxyConfigFile | undefined;
  let baseDir = io.cwd;
  if (opts.config !== undefined) {
    const path = resolve(io.cwd, opts.config);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      throw new GopaveError(
        "USAGE",
        `cannot read --config ${opts.config}: ${(err as Error).message}`,
      );
    }
    file = loadProxyConfig(text, opts.config);
    baseDir = dirname(path);
  }
  return resolveProxyConfig(file, baseDir, opts);
}

/** The toolchain's own default proxy (first URL of GOPROXY in $GOROOT/go.env). */
async function toolchainProxy(io: CliIo): Promise<string> {
  let goroot: string | undefined;
  const r = await runGo(["env", "GOROOT"], { cwd: io.cwd, env: goEnv(io.env), timeoutMs: 30_000 });
  if (r.ok) goroot = r.stdout.trim() || undefined;
  const url = publicProxyUrl(io.env, goroot);
  if (!url) {
    throw new GopaveError(
      "USAGE",
      "no default upstream: cannot read GOPROXY from the Go toolchain's go.env",
      {
        hint: "pass --upstream https://your.proxy.example (or set upstream: in the config file)",
      },
    );
  }
  return url;
}
