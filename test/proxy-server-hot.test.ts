import { afterEach, describe, expect, it, vi } from "vitest";
import { HotFiles } from "../src/proxy/server/memo.js";
import { rawRequest, startTestProxy } from "./helpers/proxy-server.js";
import type { TestProxy } from "./helpers/proxy-server.js";

const MOD = "github.com/BurntSushi/toml";
const ESC = "github.com/!burnt!sushi/toml";

let p: TestProxy | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

const requestLines = (t: TestProxy) => t.logs().filter((l) => l.msg === "request");

describe("files answered from memory", () => {
  it("answers a repeat without storage or upstream, with the same headers, log line and counts", async () => {
    const t = (p = await startTestProxy({ memoryCacheBytes: 64 << 20 }));
    t.target.add(MOD, "v1.3.2", { zip: Buffer.from("ZIPBYTES") });
    for (const [file, type] of [
      ["info", "application/json"],
      ["mod", "text/plain; charset=utf-8"],
      ["zip", "application/zip"],
    ] as const) {
      const path = `/${ESC}/@v/v1.3.2.${file}`;
      const first = await fetch(`${t.url}${path}`);
      const body = Buffer.from(await first.arrayBuffer());
      // A zip enters memory on its second use; the first two hits are read from storage.
      const warmups = file === "zip" ? 2 : 0;
      for (let i = 0; i < warmups; i++) await (await fetch(`${t.url}${path}`)).arrayBuffer();
      const get = vi.spyOn(t.storage, "get");
      const hit = await fetch(`${t.url}${path}`);
      expect(hit.status).toBe(200);
      expect(Buffer.from(await hit.arrayBuffer())).toEqual(body);
      expect(hit.headers.get("content-type")).toBe(type);
      expect(hit.headers.get("content-length")).toBe(String(body.length));
      expect(hit.headers.get("cache-control")).toBe(first.headers.get("cache-control"));
      expect(hit.headers.get("x-gopave-cache")).toBe("hit");
      expect(get).not.toHaveBeenCalled();
      get.mockRestore();
      expect(t.target.count(file)).toBe(1);

      const line = requestLines(t).at(-1);
      expect(line).toMatchObject({
        level: "info",
        msg: "request",
        method: "GET",
        path,
        status: 200,
        bytes: body.length,
        cache: "hit",
        route: "default",
        endpoint: file,
      });
      expect(typeof line?.ms).toBe("number");
      expect(new Date(String(line?.time)).toISOString()).toBe(line?.time);
      const labels = { endpoint: file, route: "default", status: "200", cache: "hit" };
      expect(await t.metric("gopave_proxy_requests_total", labels)).toBe(1 + warmups);
      expect(await t.metric("gopave_proxy_bytes_served_total", { endpoint: file })).toBe(
        (2 + warmups) * body.length,
      );
    }
  });

  it("answers HEAD from memory with the headers of GET and no body", async () => {
    const t = (p = await startTestProxy());
    t.target.add(MOD, "v1.0.0", { zip: Buffer.alloc(1234, 7) });
    await fetch(`${t.url}/${ESC}/@v/v1.0.0.zip`);
    const head = await rawRequest(t.url, `/${ESC}/@v/v1.0.0.zip`, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe("1234");
    expect(head.headers["x-gopave-cache"]).toBe("hit");
    expect(head.body.length).toBe(0);
    expect(requestLines(t).at(-1)).toMatchObject({ method: "HEAD", bytes: 0, cache: "hit" });
  });

  it("serves other spellings of a held path (a query, %-escapes) through the full pipeline", async () => {
    const t = (p = await startTestProxy());
    t.target.add(MOD, "v1.0.0");
    const path = `/${ESC}/@v/v1.0.0.mod`;
    await fetch(`${t.url}${path}`);
    for (const other of [`${path}?x=1`, path.replace("toml", "%74oml")]) {
      const r = await fetch(`${t.url}${other}`);
      expect(r.status).toBe(200);
      expect(r.headers.get("x-gopave-cache")).toBe("hit");
    }
    expect(t.target.count("mod")).toBe(1);
    const post = await fetch(`${t.url}${path}`, { method: "POST" });
    expect(post.status).toBe(405);
  });

  it("reads a stored file into memory once for many concurrent first requests", async () => {
    const t = (p = await startTestProxy({ memoryCacheBytes: 64 << 20 }));
    const zip = Buffer.alloc(200_000, 3);
    await t.storage.putOnce(MOD, "v1.0.0", "zip", { data: zip });
    const get = t.storage.get.bind(t.storage);
    let opens = 0;
    vi.spyOn(t.storage, "get").mockImplementation(async (...args) => {
      const stored = await get(...args);
      if (!stored) return stored;
      // No path: a streamed answer opens the body too (with a path it reads the file itself).
      return {
        size: stored.size,
        open: () => {
          opens++;
          return stored.open();
        },
      };
    });
    const bodies = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const r = await fetch(`${t.url}/${ESC}/@v/v1.0.0.zip`);
        return Buffer.from(await r.arrayBuffer());
      }),
    );
    expect(bodies.every((b) => b.equals(zip))).toBe(true);
    // The first request streams it (a first use is not held in memory); every later one shares
    // the one read that the second use starts.
    expect(opens).toBe(2);
    expect(t.target.count("zip")).toBe(0);
  });

  it.each([
    ["with memoryCache 0", 0],
    ["by default with file-system storage (the OS page cache holds hot files)", undefined],
  ])("keeps no zip in memory %s", async (_, memoryCacheBytes) => {
    const t = (p = await startTestProxy({ memoryCacheBytes }));
    t.target.add(MOD, "v1.0.0", { zip: Buffer.alloc(100, 1) });
    const get = vi.spyOn(t.storage, "get");
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${t.url}/${ESC}/@v/v1.0.0.zip`);
      expect((await r.arrayBuffer()).byteLength).toBe(100);
    }
    // Miss, the miss checked again in the fetch's flight, the stored copy it serves, then one
    // read per hit.
    expect(get.mock.calls.filter((c) => c[2] === "zip")).toHaveLength(5);
  });

  it("writes a fetched .mod to storage in the background, and close waits for it", async () => {
    const t = (p = await startTestProxy());
    t.target.add(MOD, "v1.0.0", { mod: "module example.com/hot\n" });
    const put = t.storage.putOnce.bind(t.storage);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    vi.spyOn(t.storage, "putOnce").mockImplementation(async (...args) => {
      await held;
      return put(...args);
    });
    const r = await fetch(`${t.url}/${ESC}/@v/v1.0.0.mod`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe("module example.com/hot\n");
    expect(t.storage.has(MOD, "v1.0.0", "mod")).toBe(false);
    const closed = t.proxy.close();
    setTimeout(release, 50);
    await closed;
    expect(t.storage.has(MOD, "v1.0.0", "mod")).toBe(true);
  });
});

describe("HotFiles", () => {
  const file = (size: number) => ({
    data: Buffer.alloc(size),
    headers: [],
    endpoint: "zip" as const,
    route: "default",
    requests: { n: 0 },
    bytes: { n: 0 },
    logGet: { head: "", tail: "" },
  });

  it("holds at most its budget, least recently used out first, and nothing over the entry limit", () => {
    const hot = new HotFiles(300, 150);
    hot.set("/a", file(100));
    hot.set("/b", file(100));
    hot.set("/big", file(151));
    expect(hot.get("/big")).toBeUndefined();
    expect(hot.get("/a")).toBeDefined(); // now b is the least recently used
    hot.set("/c", file(100));
    hot.set("/d", file(100));
    expect(hot.get("/b")).toBeUndefined();
    expect([hot.get("/a"), hot.get("/c"), hot.get("/d")].every(Boolean)).toBe(true);
    expect(new HotFiles(0, 0).fits(1)).toBe(false);
  });
});
