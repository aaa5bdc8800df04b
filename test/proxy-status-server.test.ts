import { afterEach, describe, expect, it } from "vitest";
import type { StatusSnapshot } from "../src/proxy/status/snapshot.js";
import { createDenyTarget } from "../src/proxy/targets/deny.js";
import { MemoryStorage } from "./helpers/proxy-memory-storage.js";
import { rawRequest, startTestProxy, until } from "./helpers/proxy-server.js";
import type { TestProxy } from "./helpers/proxy-server.js";

/** The status endpoints in the real server, over a fake upstream and memory storage. */

const open: TestProxy[] = [];
afterEach(async () => {
  for (const p of open.splice(0)) await p.close();
});

const status = async (t: TestProxy) =>
  (await (await fetch(`${t.url}/status.json`)).json()) as StatusSnapshot;

describe("status endpoints", () => {
  it("answer GET and HEAD, uncached, without touching the module protocol", async () => {
    const t = await startTestProxy();
    open.push(t);
    for (const path of ["/", "/?refresh=1", "/status.json"]) {
      const get = await rawRequest(t.url, path);
      const head = await rawRequest(t.url, path, "HEAD");
      expect(get.status, path).toBe(200);
      expect(get.headers["cache-control"], path).toBe("no-store");
      expect(head.status, path).toBe(200);
      expect(head.body.length, path).toBe(0);
      expect(head.headers["content-type"]).toBe(get.headers["content-type"]);
      expect(Number(get.headers["content-length"])).toBe(get.body.length);
    }
    expect((await rawRequest(t.url, "/")).headers["content-type"]).toBe("text/html; charset=utf-8");
    expect((await rawRequest(t.url, "/status.json")).headers["content-type"]).toBe(
      "application/json; charset=utf-8",
    );
    // A module whose path starts like the endpoint is still a module.
    t.target.add("status.json", "v1.0.0");
    const list = await fetch(`${t.url}/status.json/@v/v1.0.0.info`);
    expect(list.status).toBe(200);
    expect(t.target.count("info", "status.json")).toBe(1);
    expect((await fetch(`${t.url}/status.json/`)).status).toBe(400);
    // The status requests are counted under their own endpoint, never as a cache result.
    expect(await t.metric("gopave_proxy_requests_total", { endpoint: "status" })).toBeGreaterThan(
      0,
    );
    expect((await status(t)).cache.requests).toEqual({
      hit: 0,
      negative: 0,
      miss: 1,
      shared: 0,
      stale: 0,
    });
  });

  it("records fetches, refusals and verification failures as they happen", async () => {
    const deny = createDenyTarget();
    const t = await startTestProxy({
      routes: (target) => [
        { pattern: "corp.example", name: "corp", target: deny, verify: false },
        {
          pattern: "*",
          name: "default",
          target: Object.assign(target, { describe: "https://me:pw@up.example/?t=secret" }),
          verify: true,
        },
      ],
    });
    open.push(t);
    t.target.add("example.com/ok", "v1.0.0").add("example.com/bad", "v1.0.0");
    t.verifier.tampered.add("example.com/bad@v1.0.0");
    await fetch(`${t.url}/example.com/ok/@v/v1.0.0.zip`);
    await fetch(`${t.url}/example.com/ok/@v/v1.0.0.zip`);
    expect((await fetch(`${t.url}/example.com/missing/@v/v1.0.0.mod`)).status).toBe(404);
    expect((await fetch(`${t.url}/example.com/bad/@v/v1.0.0.zip`)).status).toBe(403);
    expect((await fetch(`${t.url}/corp.example/x/@v/list`)).status).toBe(403);
    expect((await rawRequest(t.url, "/Example.com/x/@v/list")).status).toBe(400);
    const s = await status(t);
    expect(
      s.recentFetches.map((f) => `${f.module}@${f.version} ${f.endpoint} ${f.outcome}`),
    ).toEqual([
      "example.com/bad@v1.0.0 zip ok",
      "example.com/missing@v1.0.0 mod notfound",
      "example.com/ok@v1.0.0 zip ok",
    ]);
    expect(s.recentRefusals.map((r) => [r.status, r.route, r.path])).toEqual([
      [400, "-", "/Example.com/x/@v/list"],
      [403, "corp", "/corp.example/x/@v/list"],
      [403, "default", "/example.com/bad/@v/v1.0.0.zip"],
    ]);
    expect(s.recentRefusals[1]?.reason).toBe("module path denied by gopave route");
    expect(s.verification.failures).toBe(1);
    expect(s.verification.recent[0]).toMatchObject({ module: "example.com/bad", file: "zip" });
    expect(s.verification.recent[0]?.reason).toContain("checksum mismatch");
    const route = s.routes.find((r) => r.name === "default");
    expect(route?.fetches).toEqual({ ok: 2, notFound: 1, failed: 0 });
    expect(route?.latencyMs?.samples).toBe(3);
    expect(route?.upstream).toBe("https://***@up.example/?***");
    expect(s.cache.requests.hit).toBe(1);
    expect(s.cache.files).toBe(1);
    const page = await (await fetch(`${t.url}/`)).text();
    expect(page).not.toMatch(/pw@|secret/);
  });

  it("lists every replica that writes heartbeats into the shared storage, until it stops", async () => {
    const storage = new MemoryStorage();
    const replica = { version: "9.9.9", heartbeatMs: 50 };
    const a = await startTestProxy({ storage, replica });
    const b = await startTestProxy({ storage, replica });
    open.push(a);
    await until(() => storage.beats.size === 2);
    const s = await status(a);
    expect(s.version).toBe("9.9.9");
    expect(s.replicas.live).toHaveLength(2);
    expect(s.replicas.live.filter((r) => r.self).map((r) => r.id)).toEqual([s.replicaId]);
    expect(s.replicas.live.map((r) => r.listen).sort()).toEqual([a.url, b.url].sort());
    for (const r of s.replicas.live) expect(r.pid).toBe(process.pid);
    // Heartbeat records are never served as module files.
    const before = storage.calls.length;
    for (const path of [`/.gopave/replicas/${s.replicaId}.json`, "/.gopave/replicas/@v/list"]) {
      const r = await rawRequest(a.url, path);
      expect([400, 404], path).toContain(r.status);
      expect(r.body.toString()).not.toContain("9.9.9");
    }
    // (The replicas' own heartbeat writes go on meanwhile.)
    const reads = storage.calls.slice(before).filter((c) => !/^(putHeartbeat|heartbeats)/.test(c));
    expect(reads).toEqual([]);
    await b.proxy.close();
    expect([...storage.beats.keys()]).toEqual([s.replicaId]);
  });
});
