import { afterEach, describe, expect, it } from "vitest";
import { Prefetcher } from "../src/proxy/server/prefetch.js";
import { startTestProxy, until } from "./helpers/proxy-server.js";
import type { TestProxy } from "./helpers/proxy-server.js";

const MOD = "example.com/pre";
const V = "v1.2.3";

let p: TestProxy | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

const prefetched = (t: TestProxy, result: string) =>
  t.metric("gopave_proxy_prefetches_total", { result });

describe("zip prefetch", () => {
  it("fetches a version's zip once its .info is asked for; the client's zip request finds it", async () => {
    const t = (p = await startTestProxy({ prefetch: true }));
    t.target.add(MOD, V, { zip: Buffer.from("prefetched zip") });
    expect((await fetch(`${t.url}/${MOD}/@v/${V}.info`)).status).toBe(200);
    await until(async () => (await prefetched(t, "ok")) === 1);
    expect(t.target.count("zip")).toBe(1);
    expect(t.verifier.calls).toContain(`zip ${MOD}@${V}`);

    const zip = await fetch(`${t.url}/${MOD}/@v/${V}.zip`);
    expect(await zip.text()).toBe("prefetched zip");
    expect(zip.headers.get("x-gopave-cache")).toBe("hit");
    expect(t.target.count("zip")).toBe(1);
    await t.proxy.settled();
    expect(t.storage.has(MOD, V, "zip")).toBe(true);
  });

  it("lets a client's zip request join a prefetch in progress", async () => {
    const t = (p = await startTestProxy({ prefetch: true }));
    t.target.add(MOD, V);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    t.target.gate = async (method) => {
      if (method === "zip") await held;
    };
    await fetch(`${t.url}/${MOD}/@v/${V}.info`);
    await until(() => t.target.count("zip") === 1);
    const zip = fetch(`${t.url}/${MOD}/@v/${V}.zip`);
    setTimeout(release, 20);
    const r = await zip;
    expect(r.headers.get("x-gopave-cache")).toBe("shared");
    expect(await r.text()).toBe(`zip of ${MOD}@${V}`);
    expect(t.target.count("zip")).toBe(1);
  });

  it("never serves or stores a prefetched zip that fails verification", async () => {
    const t = (p = await startTestProxy({ prefetch: true }));
    t.target.add(MOD, V);
    t.verifier.tampered.add(`${MOD}@${V}`);
    await fetch(`${t.url}/${MOD}/@v/${V}.info`);
    await until(async () => (await prefetched(t, "failed")) === 1);
    const zip = await fetch(`${t.url}/${MOD}/@v/${V}.zip`);
    expect(zip.status).toBe(403);
    await t.proxy.settled();
    expect(t.storage.has(MOD, V, "zip")).toBe(false);
  });

  it("does nothing when off, for a stored zip, or for a cache-only request", async () => {
    const off = (p = await startTestProxy({ prefetch: false }));
    off.target.add(MOD, V);
    await fetch(`${off.url}/${MOD}/@v/${V}.info`);
    await new Promise((r) => setTimeout(r, 50));
    expect(off.target.count("zip")).toBe(0);
    await off.close();

    const t = (p = await startTestProxy({ prefetch: true }));
    t.target.add(MOD, V).add(MOD, "v1.0.0");
    await t.storage.putOnce(MOD, V, "info", { data: Buffer.from(`{"Version":"${V}"}`) });
    await t.storage.putOnce(MOD, V, "zip", { data: Buffer.from("stored") });
    await fetch(`${t.url}/${MOD}/@v/${V}.info`);
    await t.storage.putOnce(MOD, "v1.0.0", "info", { data: Buffer.from('{"Version":"v1.0.0"}') });
    await fetch(`${t.url}/${MOD}/@v/v1.0.0.info`, { headers: { "Disable-Module-Fetch": "true" } });
    await new Promise((r) => setTimeout(r, 50));
    expect(t.target.count("zip")).toBe(0);
  });
});

describe("Prefetcher", () => {
  it("runs a few at a time, skips keys already queued, and drops what does not fit", async () => {
    const results: string[] = [];
    const q = new Prefetcher({
      concurrency: 2,
      maxQueued: 3,
      onResult: (r) => results.push(r),
    });
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const job = (ok: boolean) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((r) => releases.push(r));
      running--;
      if (!ok) throw new Error("upstream down");
      return true;
    };
    q.offer("a", job(true)); // starts
    q.offer("b", job(false)); // starts
    q.offer("c", job(true));
    q.offer("c", job(true)); // already queued
    q.offer("d", job(true));
    q.offer("e", job(true));
    q.offer("f", job(true)); // queue full
    expect(results).toEqual(["dropped"]);
    while (results.length < 6) {
      releases.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(most).toBe(2);
    expect(results.sort()).toEqual(["dropped", "failed", "ok", "ok", "ok", "ok"]);
    q.stop();
    q.offer("g", job(true));
    await new Promise((r) => setTimeout(r, 1));
    expect(running).toBe(0);
  });
});
