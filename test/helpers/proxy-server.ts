import { request } from "node:http";
import { connect } from "node:net";
import type { DestinationStream } from "pino";
import { createProxy } from "../../src/proxy/index.js";
import type { Proxy, ProxyOptions } from "../../src/proxy/index.js";
import type { SumdbProxy } from "../../src/proxy/sumdb/index.js";
import type { Route, Storage, Verifier } from "../../src/proxy/types.js";
import { FakeTarget, FakeVerifier } from "./proxy-fakes.js";
import { MemoryStorage } from "./proxy-memory-storage.js";

export interface TestProxy {
  url: string;
  proxy: Proxy;
  storage: MemoryStorage;
  target: FakeTarget;
  verifier: FakeVerifier;
  /** Parsed JSON log lines so far. */
  logs: () => Record<string, unknown>[];
  /** Raw log text, for "no credentials anywhere" checks. */
  rawLogs: () => string;
  metric: (name: string, labels?: Record<string, string>) => Promise<number>;
  close: () => Promise<void>;
}

export interface TestProxyOptions extends Partial<Omit<ProxyOptions, "routes">> {
  routes?: (target: FakeTarget) => Route[];
  storage?: MemoryStorage;
  verifier?: Verifier | null;
  sumdb?: SumdbProxy;
  now?: () => number;
}

/** A proxy on 127.0.0.1 with an in-memory storage, a fake upstream and a fake verifier. */
export async function startTestProxy(opts: TestProxyOptions = {}): Promise<TestProxy> {
  const target = new FakeTarget();
  const storage = opts.storage ?? new MemoryStorage();
  const verifier = new FakeVerifier();
  const lines: string[] = [];
  const logStream: DestinationStream = { write: (s: string) => void lines.push(s) };
  const routes = opts.routes?.(target) ?? [{ pattern: "*", name: "default", target, verify: true }];
  const proxy = createProxy(
    {
      routes,
      ...(opts.ttl ? { ttl: opts.ttl } : {}),
      ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
      ...(opts.cacheMaxBytes === undefined ? {} : { cacheMaxBytes: opts.cacheMaxBytes }),
      ...(opts.memoryCacheBytes === undefined ? {} : { memoryCacheBytes: opts.memoryCacheBytes }),
      // Off unless a test is about it: it adds upstream fetches the others do not expect.
      prefetch: opts.prefetch ?? false,
      ...(opts.replica ? { replica: opts.replica } : {}),
    },
    {
      storage: storage as Storage,
      ...(opts.verifier === null ? {} : { verifier: opts.verifier ?? verifier }),
      ...(opts.sumdb ? { sumdb: opts.sumdb } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      logStream,
    },
  );
  const url = await proxy.listen(0, "127.0.0.1");
  return {
    url,
    proxy,
    storage,
    target,
    verifier,
    logs: () =>
      lines
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    rawLogs: () => lines.join(""),
    metric: (name, labels) => readMetric(url, name, labels),
    close: async () => {
      await proxy.close();
      await storage.close();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET/HEAD with the path sent exactly as given (fetch would normalise "..", "%2e"). */
export function rawRequest(base: string, path: string, method = "GET"): Promise<RawResponse> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Bytes on a socket, for request lines Node's client refuses to send (raw NUL, spaces). */
export function rawSocket(base: string, requestText: string): Promise<string> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname);
    let out = "";
    s.on("data", (d) => (out += d.toString("latin1")));
    s.on("end", () => resolve(out));
    s.on("error", reject);
    s.write(requestText, "latin1");
    setTimeout(() => s.end(), 200);
  });
}

/** A sample's value from /metrics (0 when absent); labels must match exactly the given subset. */
export async function readMetric(
  base: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

/** Polls `cond` until it holds (every 5 ms), failing after `ms`. */
export async function until(cond: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
