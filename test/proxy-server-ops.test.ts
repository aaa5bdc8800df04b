import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { startTestProxy, until } from "./helpers/proxy-server.js";
import type { TestProxy } from "./helpers/proxy-server.js";

let p: TestProxy | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

describe("operations endpoints", () => {
  it("/healthz, /readyz and /metrics", async () => {
    const t = (p = await startTestProxy());
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe("ok\n");
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    t.storage.broken = true;
    const notReady = await fetch(`${t.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toContain("storage backend unavailable");
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    t.storage.broken = false;

    t.target.add("example.com/m", "v1.0.0");
    await fetch(`${t.url}/example.com/m/@v/v1.0.0.zip`);
    const metrics = await fetch(`${t.url}/metrics`);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    for (const name of [
      "gopave_proxy_requests_total",
      "gopave_proxy_upstream_request_duration_seconds_bucket",
      "gopave_proxy_bytes_served_total",
      "gopave_proxy_singleflight_waiters",
      "gopave_proxy_singleflight_shared_total",
      "gopave_proxy_evictions_total",
      "gopave_proxy_verification_failures_total",
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toContain(
      'gopave_proxy_requests_total{endpoint="zip",route="default",status="200",cache="miss"} 1',
    );
    expect(text).toContain(
      `gopave_proxy_bytes_served_total{endpoint="zip"} ${"zip of example.com/m@v1.0.0".length}`,
    );
  });
});

describe("request log", () => {
  it("writes one JSON line per request, without credentials", async () => {
    const t = (p = await startTestProxy());
    t.target.override = () => ({
      ok: false,
      notFound: false,
      status: 500,
      message: "https://alice:s3cret@proxy.corp.example/x/@v/list: upstream answered 500",
    });
    const r = await fetch(`${t.url}/example.com/m/@v/list?token=abc`, {
      headers: { authorization: "Bearer sekret-token", cookie: "session=cookie-value" },
    });
    expect(r.status).toBe(502);
    const body = await r.text();
    expect(body).not.toContain("s3cret");
    expect(body).toContain("https://***@proxy.corp.example");
    await fetch(`${t.url}/healthz`);
    const lines = t.logs().filter((l) => l.msg === "request");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      method: "GET",
      path: "/example.com/m/@v/list",
      status: 502,
      cache: "miss",
      route: "default",
      endpoint: "list",
    });
    expect(typeof lines[0]?.ms).toBe("number");
    expect(typeof lines[0]?.bytes).toBe("number");
    const raw = t.rawLogs();
    for (const secret of ["s3cret", "sekret-token", "cookie-value", "token=abc", "alice"]) {
      expect(raw).not.toContain(secret);
    }
  });
});

describe("single-flight", () => {
  it("makes exactly one upstream fetch for 50 concurrent requests of one uncached zip", async () => {
    const t = (p = await startTestProxy());
    const zip = Buffer.alloc(256 * 1024, 1);
    t.target.add("example.com/big", "v1.0.0", { zip });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    t.target.gate = (method) => (method === "zip" ? released : Promise.resolve());
    const requests = Array.from({ length: 50 }, () =>
      fetch(`${t.url}/example.com/big/@v/v1.0.0.zip`).then(async (r) => ({
        status: r.status,
        body: Buffer.from(await r.arrayBuffer()),
      })),
    );
    await until(async () => (await t.metric("gopave_proxy_singleflight_waiters")) === 49);
    release();
    const results = await Promise.all(requests);
    expect(results.every((r) => r.status === 200 && r.body.equals(zip))).toBe(true);
    expect(t.target.count("zip")).toBe(1);
    expect(
      await t.metric("gopave_proxy_upstream_request_duration_seconds_count", { endpoint: "zip" }),
    ).toBe(1);
    expect(await t.metric("gopave_proxy_singleflight_shared_total")).toBe(49);
    expect(await t.metric("gopave_proxy_singleflight_waiters")).toBe(0);
    expect(
      await t.metric("gopave_proxy_requests_total", { endpoint: "zip", cache: "shared" }),
    ).toBe(49);
  });
});

describe("graceful shutdown", () => {
  it("finishes an in-flight download, refuses new connections, then resolves", async () => {
    const t = (p = await startTestProxy());
    const zip = Buffer.alloc(512 * 1024, 2);
    t.target.add("example.com/slow", "v1.0.0", { zip });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    t.target.gate = () => released;
    const inflight = fetch(`${t.url}/example.com/slow/@v/v1.0.0.zip`).then(async (r) => ({
      status: r.status,
      body: Buffer.from(await r.arrayBuffer()),
    }));
    await until(() => t.target.count("zip") === 1);
    let closed = false;
    const closing = t.proxy.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    await expect(fetchRaw(t.url)).rejects.toThrow();
    release();
    const got = await inflight;
    expect(got.status).toBe(200);
    expect(got.body.equals(zip)).toBe(true);
    await closing;
    expect(closed).toBe(true);
  });
});

describe("shutdown grace period", () => {
  it("aborts upstream fetches and cuts connections when draining takes too long", async () => {
    const t = (p = await startTestProxy({ timeouts: { shutdownMs: 150 } }));
    t.target.add("example.com/stuck", "v1.0.0");
    let aborted = false;
    t.target.gate = (_m, _mod, signal) =>
      new Promise((resolve) =>
        signal.addEventListener("abort", () => {
          aborted = true;
          resolve();
        }),
      );
    const inflight = fetch(`${t.url}/example.com/stuck/@v/v1.0.0.zip`).then(
      (r) => r.status,
      () => "connection cut",
    );
    await until(() => t.target.count("zip") === 1);
    const started = Date.now();
    await t.proxy.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(aborted).toBe(true);
    expect(["connection cut", 503]).toContain(await inflight);
  });
});

describe("size cap", () => {
  it("evicts least recently used zips past cacheMax and counts them", async () => {
    const t = (p = await startTestProxy({ cacheMaxBytes: 2500 }));
    for (const v of ["v1.0.0", "v1.1.0", "v1.2.0"]) {
      t.target.add("example.com/m", v, { zip: Buffer.alloc(1000, 3) });
      expect((await fetch(`${t.url}/example.com/m/@v/${v}.zip`)).status).toBe(200);
    }
    await until(async () => (await t.metric("gopave_proxy_evictions_total")) === 1);
    expect(t.storage.has("example.com/m", "v1.0.0", "zip")).toBe(false);
    expect(t.storage.has("example.com/m", "v1.2.0", "zip")).toBe(true);
  });
});

/** A fresh connection (fetch would reuse a pooled one). */
function fetchRaw(base: string): Promise<number> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: "/healthz", agent: false },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end();
  });
}
