import { afterEach, describe, expect, it, vi } from "vitest";
import { rawRequest, startTestProxy } from "./helpers/proxy-server.js";
import type { TestProxy } from "./helpers/proxy-server.js";

const MOD = "github.com/BurntSushi/toml";
const ESC = "github.com/!burnt!sushi/toml";

let p: TestProxy;
afterEach(async () => {
  await p.close();
});

describe("module files", () => {
  it("fetches a miss once, stores it, and serves later requests from storage", async () => {
    p = await startTestProxy();
    p.target.add(MOD, "v1.3.2", { zip: Buffer.from("ZIPBYTES") });
    for (const [file, type] of [
      ["info", "application/json"],
      ["mod", "text/plain; charset=utf-8"],
      ["zip", "application/zip"],
    ] as const) {
      const first = await fetch(`${p.url}/${ESC}/@v/v1.3.2.${file}`);
      expect(first.status).toBe(200);
      expect(first.headers.get("content-type")).toBe(type);
      expect(first.headers.get("x-gopave-cache")).toBe("miss");
      const body = Buffer.from(await first.arrayBuffer());
      expect(first.headers.get("content-length")).toBe(String(body.length));
      const second = await fetch(`${p.url}/${ESC}/@v/v1.3.2.${file}`);
      expect(second.headers.get("x-gopave-cache")).toBe("hit");
      expect(Buffer.from(await second.arrayBuffer())).toEqual(body);
      expect(p.target.count(file)).toBe(1);
      await p.proxy.settled();
      expect(p.storage.has(MOD, "v1.3.2", file)).toBe(true);
    }
    const zip = await fetch(`${p.url}/${ESC}/@v/v1.3.2.zip`);
    expect(await zip.text()).toBe("ZIPBYTES");
    expect(p.target.calls.every((c) => c.module === MOD)).toBe(true);
  });

  it("keeps zips that fit the memory cache in memory from their second use, and streams larger ones from storage", async () => {
    p = await startTestProxy({ memoryCacheBytes: 1 << 20 });
    p.target.add(MOD, "v1.0.0", { zip: Buffer.alloc(1000, 1) });
    p.target.add(MOD, "v1.0.1", { zip: Buffer.alloc((1 << 20) + 1, 2) });
    const get = vi.spyOn(p.storage, "get");
    for (const [version, size, reads] of [
      // Every fetched zip is stored first and streamed from storage (a miss, the miss checked
      // again inside the fetch's flight, then a read). A small one is read into memory on its
      // second use, and answered from there from then on; a large one is read per hit.
      ["v1.0.0", 1000, 5],
      ["v1.0.1", (1 << 20) + 1, 6],
    ] as const) {
      get.mockClear();
      for (let i = 0; i < 4; i++) {
        const r = await fetch(`${p.url}/${ESC}/@v/${version}.zip`);
        expect(Buffer.from(await r.arrayBuffer()).length).toBe(size);
      }
      expect(get.mock.calls.length).toBe(reads);
    }
  });

  it("answers HEAD with the headers of GET and no body, filling the cache", async () => {
    p = await startTestProxy();
    p.target.add(MOD, "v1.0.0", { zip: Buffer.alloc(1234, 7) });
    const head = await rawRequest(p.url, `/${ESC}/@v/v1.0.0.zip`, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe("1234");
    expect(head.headers["content-type"]).toBe("application/zip");
    expect(head.body.length).toBe(0);
    await p.proxy.settled();
    expect(p.storage.has(MOD, "v1.0.0", "zip")).toBe(true);
  });

  it("passes upstream not-found through (404/410 with its message) and caches it", async () => {
    let now = 1_000_000;
    p = await startTestProxy({ now: () => now, ttl: { notFoundMs: 60_000 } });
    const r1 = await fetch(`${p.url}/example.com/nope/@v/v1.0.0.mod`);
    expect(r1.status).toBe(404);
    expect(r1.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await r1.text()).toBe("not found: example.com/nope@v1.0.0: unknown revision\n");
    const r2 = await fetch(`${p.url}/example.com/nope/@v/v1.0.0.mod`);
    expect(r2.status).toBe(404);
    expect(p.target.count("mod")).toBe(1);
    now += 61_000;
    await fetch(`${p.url}/example.com/nope/@v/v1.0.0.mod`);
    expect(p.target.count("mod")).toBe(2);

    p.target.override = () => ({
      ok: false,
      notFound: true,
      status: 410,
      message: "gone: retracted",
    });
    const gone = await fetch(`${p.url}/example.com/gone/@v/v1.0.0.info`);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toBe("gone: retracted\n");
  });

  it("never turns an upstream failure into a not-found, and never caches it", async () => {
    p = await startTestProxy({ timeouts: { metadataMs: 150 } });
    p.target.add(MOD, "v1.0.0");
    const cases: [number | undefined, number][] = [
      [500, 502],
      [503, 502],
      [401, 502],
      [undefined, 502],
      [403, 403],
      [504, 504],
    ];
    for (const [upstream, want] of cases) {
      p.target.override = () => ({
        ok: false,
        notFound: false,
        status: upstream,
        message: `upstream said ${upstream ?? "ECONNRESET"}`,
      });
      const r = await fetch(`${p.url}/${ESC}/@v/v1.0.0.mod`);
      expect(r.status, `upstream ${upstream}`).toBe(want);
      expect(await r.text()).toContain(`upstream said ${upstream ?? "ECONNRESET"}`);
    }
    expect(p.target.count("mod")).toBe(cases.length);
    expect(p.storage.has(MOD, "v1.0.0", "mod")).toBe(false);

    // A target that never answers runs into the metadata timeout: 504.
    p.target.override = undefined;
    p.target.gate = (_m, _mod, signal) =>
      new Promise((resolve) => signal.addEventListener("abort", () => resolve()));
    const slow = await fetch(`${p.url}/${ESC}/@v/v1.0.0.info`);
    expect(slow.status).toBe(504);
    expect(
      await p.metric("gopave_proxy_upstream_request_duration_seconds_count", { result: "timeout" }),
    ).toBe(2); // the upstream 504 above, and this one
  });

  it("resolves .info queries upstream every time without storing them", async () => {
    p = await startTestProxy();
    p.target.add(MOD, "main", { info: JSON.stringify({ Version: "v1.4.0" }) });
    for (let i = 0; i < 2; i++) {
      const r = await fetch(`${p.url}/${ESC}/@v/main.info`);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ Version: "v1.4.0" });
    }
    expect(p.target.count("info")).toBe(2);
    expect(p.storage.files.size).toBe(0);
  });

  it("refuses an .info that names another version than the one asked for", async () => {
    p = await startTestProxy();
    p.target.add(MOD, "v1.0.0", { info: JSON.stringify({ Version: "v1.0.1" }) });
    const r = await fetch(`${p.url}/${ESC}/@v/v1.0.0.info`);
    expect(r.status).toBe(502);
    expect(await r.text()).toContain("instead of requested version v1.0.0");
    expect(p.storage.has(MOD, "v1.0.0", "info")).toBe(false);
  });

  it("answers from the cache only with Disable-Module-Fetch", async () => {
    p = await startTestProxy();
    p.target.add(MOD, "v1.0.0");
    const r = await fetch(`${p.url}/${ESC}/@v/v1.0.0.mod`, {
      headers: { "Disable-Module-Fetch": "true" },
    });
    expect(r.status).toBe(404);
    expect(p.target.calls).toHaveLength(0);
  });
});

describe("list and @latest", () => {
  it("caches a list for its TTL, then refetches", async () => {
    let now = 5_000_000;
    p = await startTestProxy({ now: () => now, ttl: { listMs: 60_000 } });
    p.target.add(MOD, "v1.10.0").add(MOD, "v1.2.0");
    const r1 = await fetch(`${p.url}/${ESC}/@v/list`);
    expect(r1.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await r1.text()).toBe("v1.2.0\nv1.10.0\n");
    const r2 = await fetch(`${p.url}/${ESC}/@v/list`);
    expect(r2.headers.get("x-gopave-cache")).toBe("hit");
    expect(p.target.count("list")).toBe(1);
    now += 61_000;
    p.target.add(MOD, "v1.11.0");
    expect(await (await fetch(`${p.url}/${ESC}/@v/list`)).text()).toBe(
      "v1.2.0\nv1.10.0\nv1.11.0\n",
    );
    expect(p.target.count("list")).toBe(2);
  });

  it("serves a stale list and @latest when the upstream fails, 502 when nothing is cached", async () => {
    let now = 5_000_000;
    p = await startTestProxy({ now: () => now });
    p.target.add(MOD, "v1.0.0");
    expect((await fetch(`${p.url}/${ESC}/@v/list`)).status).toBe(200);
    expect((await fetch(`${p.url}/${ESC}/@latest`)).status).toBe(200);
    now += 3_600_000;
    p.target.override = () => ({
      ok: false,
      notFound: false,
      status: 503,
      message: "upstream down",
    });
    const list = await fetch(`${p.url}/${ESC}/@v/list`);
    expect(list.status).toBe(200);
    expect(list.headers.get("x-gopave-cache")).toBe("stale");
    expect(await list.text()).toBe("v1.0.0\n");
    const latest = await fetch(`${p.url}/${ESC}/@latest`);
    expect(latest.status).toBe(200);
    expect(await latest.json()).toMatchObject({ Version: "v1.0.0" });
    const other = await fetch(`${p.url}/example.com/other/@v/list`);
    expect(other.status).toBe(502);
    expect(await other.text()).toMatch(/^bad gateway: upstream down/);
    expect(
      await p.metric("gopave_proxy_requests_total", { endpoint: "list", cache: "stale" }),
    ).toBe(1);
  });

  it("caches a not-found list and answers it without asking again", async () => {
    p = await startTestProxy();
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${p.url}/example.com/missing/@v/list`);
      expect(r.status).toBe(404);
    }
    expect(p.target.count("list")).toBe(1);
    expect(
      await p.metric("gopave_proxy_requests_total", { endpoint: "list", cache: "negative" }),
    ).toBe(2);
  });
});
