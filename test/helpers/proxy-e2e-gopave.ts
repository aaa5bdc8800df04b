import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runProxyServe } from "../../src/cli/proxy-serve.js";
import type { Proxy } from "../../src/proxy/index.js";
import { readMetric } from "./proxy-server.js";

/**
 * gopave's proxy assembled exactly as `gopave proxy serve` assembles it (runProxyServe: config
 * file + flags → fs storage, verifier, sumdb proxy, routes, server), in this process, on
 * 127.0.0.1 (or `listen`'s host) with a random port. No signal handlers are installed; `stop()` shuts it down
 * gracefully and waits for runProxyServe to return.
 */
export interface Gopave {
  url: string;
  /** The storage directory (GOMODCACHE download layout); removed by stop(). */
  storage: string;
  proxy: Proxy;
  /** What `proxy serve` printed to stderr (the listening line and the routes). */
  stderr: () => string;
  /** The JSON request log lines so far. */
  logs: () => Record<string, unknown>[];
  metric: (name: string, labels?: Record<string, string>) => Promise<number>;
  stop: () => Promise<void>;
}

export interface GopaveOptions {
  /** The default route's upstream list (GOPROXY syntax); unset: the toolchain's default proxy. */
  upstream?: string;
  /** `--route GLOB=TARGET` flags, in order. */
  routes?: string[];
  /** go.sum files whose lines are trusted (config `trustedSums`): go.sum-only verification. */
  trustedSums: string[];
  /** Config `sumdb`: a GOSUMDB value ("name+hash+key url") the verifier checks against. */
  sumdb?: string;
  /**
   * The host to listen on; unset: 127.0.0.1. A container on a bridge network cannot reach the
   * host's loopback: a dev container that fetches modules needs an address of the host.
   */
  listenHost?: string;
}

export async function startGopave(opts: GopaveOptions): Promise<Gopave> {
  const dir = mkdtempSync(join(tmpdir(), "gopave-e2e-proxy-"));
  const storage = join(dir, "storage");
  const config = join(dir, "proxy.yaml");
  writeFileSync(
    config,
    `trustedSums: ${JSON.stringify(opts.trustedSums)}\n` +
      (opts.sumdb === undefined ? "" : `sumdb: ${JSON.stringify(opts.sumdb)}\n`),
  );
  let out = "";
  let err = "";
  const io = {
    cwd: dir,
    // No GOSUMDB/GONOSUMDB/GOPRIVATE from the machine: with trustedSums and no sumdb the
    // verifier checks go.sum lines only and refuses anything they do not list.
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
    stdout: (t: string) => void (out += t),
    stderr: (t: string) => void (err += t),
    isTTY: false,
  };
  let exited: Promise<number> | undefined;
  const started = new Promise<{ url: string; proxy: Proxy }>((resolve, reject) => {
    exited = runProxyServe(
      {
        config,
        listen: `${opts.listenHost ?? "127.0.0.1"}:0`,
        storage: pathToFileURL(storage).href,
        ...(opts.upstream === undefined ? {} : { upstream: opts.upstream }),
        route: opts.routes ?? [],
      },
      io,
      { signals: [], onListening: (url, proxy) => resolve({ url, proxy }) },
    );
    exited.then(
      (code) => reject(new Error(`proxy serve exited with ${code} before listening:\n${err}`)),
      reject,
    );
  });
  const { url, proxy } = await started;
  return {
    url,
    storage,
    proxy,
    stderr: () => err,
    logs: () =>
      out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    metric: (name, labels) => readMetric(url, name, labels),
    stop: async () => {
      await proxy.close();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
