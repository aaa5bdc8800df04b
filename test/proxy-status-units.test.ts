import { describe, expect, it } from "vitest";
import { createLogger } from "../src/proxy/log.js";
import * as fmt from "../src/proxy/status/format.js";
import { startHeartbeat } from "../src/proxy/status/heartbeat.js";
import {
  HEARTBEAT_PRUNE_MS,
  heartbeatText,
  liveReplicas,
  parseHeartbeat,
  replicaId,
  staleHeartbeats,
} from "../src/proxy/status/heartbeat-record.js";
import type { Heartbeat } from "../src/proxy/status/heartbeat-record.js";
import { escapeHtml, html } from "../src/proxy/status/html.js";
import { renderStatusPage } from "../src/proxy/status/page.js";
import { LATENCY_WINDOW, RECENT_EVENTS, StatusRecorder } from "../src/proxy/status/recorder.js";
import type { FetchEvent } from "../src/proxy/status/recorder.js";
import { redactForDisplay } from "../src/proxy/status/redact.js";
import { Refreshing } from "../src/proxy/status/refreshing.js";
import { Ring } from "../src/proxy/status/ring.js";
import { buildStatus, percentiles } from "../src/proxy/status/snapshot.js";
import type { StatusInput } from "../src/proxy/status/snapshot.js";
import { MemoryStorage } from "./helpers/proxy-memory-storage.js";
import { until } from "./helpers/proxy-server.js";

const HOSTILE = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  "&lt;already&gt; & more",
  "</td></tr></table><h1>pwned</h1>",
];

describe("escapeHtml and the html template", () => {
  it("leaves no markup-significant character in any hostile string", () => {
    for (const s of HOSTILE) {
      const out = escapeHtml(s);
      expect(out, s).not.toMatch(/[<>"']/);
      // Every & it writes starts an entity it wrote.
      expect(out.replace(/&(amp|lt|gt|quot|#39);/g, ""), s).not.toContain("&");
    }
    expect(escapeHtml("&lt;")).toBe("&amp;lt;");
    expect(escapeHtml(`a"b'c`)).toBe("a&quot;b&#39;c");
    expect(escapeHtml(42)).toBe("42");
    expect(escapeHtml(null)).toBe("null");
  });

  it("escapes interpolations, but not nested templates", () => {
    const inner = html`<b>${"<i>"}</b>`;
    expect(html`<p title="${'x" onclick="y'}">${inner}${[inner, inner]}</p>`.text).toBe(
      '<p title="x&quot; onclick=&quot;y"><b>&lt;i&gt;</b><b>&lt;i&gt;</b><b>&lt;i&gt;</b></p>',
    );
  });
});

describe("redactForDisplay", () => {
  it("strips userinfo, tokens and every URL's query and fragment", () => {
    const list =
      "https://alice:s3cret@proxy.corp.example/go?token=abc123&x=1,https://b.example/p#frag|direct";
    const out = redactForDisplay(list);
    for (const secret of ["alice", "s3cret", "abc123", "frag"]) expect(out).not.toContain(secret);
    expect(out).toBe("https://***@proxy.corp.example/go?***,https://b.example/p?***|direct");
    expect(redactForDisplay("upstream said: Bearer eyJhbGciOi.x.y")).toBe(
      "upstream said: Bearer ***",
    );
    expect(redactForDisplay("https://proxy.example/m/@v/list: 500")).toBe(
      "https://proxy.example/m/@v/list: 500",
    );
  });
});

describe("Ring and percentiles", () => {
  it("keeps the last N items, newest first", () => {
    const r = new Ring<number>(3);
    expect(r.newestFirst()).toEqual([]);
    for (let i = 1; i <= 7; i++) r.push(i);
    expect(r.newestFirst()).toEqual([7, 6, 5]);
    expect(r.length).toBe(3);
    expect(() => new Ring(0)).toThrow(RangeError);
  });

  it("takes nearest-rank percentiles", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(hundred)).toEqual({ p50: 50, p99: 99, samples: 100 });
    expect(percentiles([7])).toEqual({ p50: 7, p99: 7, samples: 1 });
    expect(percentiles([1, 2, 3, 1000])).toEqual({ p50: 2, p99: 1000, samples: 4 });
  });
});

const fetchEvent = (over: Partial<FetchEvent>): FetchEvent => ({
  at: Date.UTC(2026, 0, 2, 3, 4, 5),
  route: "default",
  endpoint: "zip",
  module: "example.com/m",
  version: "v1.0.0",
  outcome: "ok",
  status: null,
  ms: 12.5,
  error: null,
  ...over,
});

describe("StatusRecorder", () => {
  it("bounds every list and the latency window, and redacts what it keeps", () => {
    const r = new StatusRecorder(["default"]);
    for (let i = 0; i < 1000; i++) r.fetched(fetchEvent({ ms: i }));
    r.fetched(fetchEvent({ route: "not-configured", outcome: "error", error: "x" }));
    expect(r.fetches.length).toBe(RECENT_EVENTS);
    expect(r.route("default")?.latencies.length).toBe(LATENCY_WINDOW);
    expect(r.route("default")?.ok).toBe(1000);
    expect(r.route("not-configured")).toBeUndefined();
    r.fetched(
      fetchEvent({
        outcome: "error",
        status: 500,
        error: "https://bob:hunter2@up.example/x?sig=zzz: upstream answered 500",
      }),
    );
    expect(r.route("default")?.failed).toBe(1);
    expect(r.route("default")?.last?.error).toBe(
      "https://***@up.example/x?***: upstream answered 500",
    );
    r.refused({
      at: 1,
      path: `/${"a".repeat(5000)}`,
      route: "-",
      status: 400,
      reason: "bad\nrequest",
    });
    const refusal = r.refusals.newestFirst()[0];
    expect(refusal?.path.length).toBeLessThanOrEqual(200);
    expect(refusal?.reason).toBe("bad request");
  });
});

const input = (over: Partial<StatusInput> = {}): StatusInput => ({
  now: Date.UTC(2026, 0, 2, 3, 4, 5),
  startedAt: Date.UTC(2026, 0, 2, 0, 0, 0),
  version: "1.2.3",
  replicaId: "host-1-ab",
  routes: [
    {
      name: "*.corp.example",
      pattern: "*.corp.example",
      target: "deny",
      describe: undefined,
      verify: false,
    },
    {
      name: "default",
      pattern: "*",
      target: "upstream",
      describe: "https://u:p4ss@up.example/?key=k3y",
      verify: true,
    },
  ],
  recorder: new StatusRecorder(["*.corp.example", "default"]),
  requests: [],
  verifying: true,
  usage: { state: "pending" },
  heartbeats: { state: "pending" },
  ...over,
});

describe("buildStatus", () => {
  it("has an empty state: nothing measured, no ratio, no fetch", () => {
    const s = buildStatus(input());
    expect(s.cache).toMatchObject({ files: null, bytes: null, measuredAt: null, hitRatio: null });
    expect(s.cache.requests).toEqual({ hit: 0, negative: 0, miss: 0, shared: 0, stale: 0 });
    expect(s.routes.map((r) => [r.name, r.last, r.latencyMs])).toEqual([
      ["*.corp.example", null, null],
      ["default", null, null],
    ]);
    expect(s.routes[1]?.upstream).toBe("https://***@up.example/?***");
    expect(JSON.stringify(s)).not.toMatch(/p4ss|k3y/);
    expect(s.recentFetches).toEqual([]);
    expect(s.replicas.live).toEqual([]);
    expect(s.generatedAt).toBe("2026-01-02T03:04:05.000Z");
  });

  it("adds up requests by cache result, ignoring requests no cache answered", () => {
    const s = buildStatus(
      input({
        requests: [
          { cache: "hit", n: 5 },
          { cache: "hit", n: 1 },
          { cache: "negative", n: 1 },
          { cache: "miss", n: 1 },
          { cache: "none", n: 99 },
        ],
        usage: { state: "ok", value: { files: 3, bytes: 1536, complete: false }, at: 0 },
      }),
    );
    expect(s.cache.requests).toEqual({ hit: 6, negative: 1, miss: 1, shared: 0, stale: 0 });
    expect(s.cache.hitRatio).toBe(7 / 8);
    expect(s.cache).toMatchObject({ files: 3, bytes: 1536, complete: false });
  });

  it("lists live replicas only, marking this one", () => {
    const now = 1_000_000_000;
    const beat = (id: string, seenAt: number): Heartbeat => ({
      id,
      host: "h",
      pid: 1,
      version: "1",
      listen: "http://0.0.0.0:8080",
      startedAt: seenAt - 1000,
      seenAt,
      intervalMs: 15_000,
    });
    const records = [
      beat("host-1-ab", now - 1000),
      beat("b", now - 44_000),
      beat("gone", now - 46_000),
    ].map((b) => ({ id: b.id, text: heartbeatText(b) }));
    records.push(
      { id: "damaged", text: "{not json" },
      { id: "liar", text: heartbeatText(beat("other", now)) },
    );
    const s = buildStatus(input({ now, heartbeats: { state: "ok", value: records, at: now } }));
    expect(s.replicas.live.map((r) => [r.id, r.self])).toEqual([
      ["host-1-ab", true],
      ["b", false],
    ]);
  });
});

describe("heartbeat records", () => {
  it("makes storage-safe ids and refuses records it cannot check", () => {
    expect(replicaId("web-1.corp", 42, "0a1b")).toBe("web-1.corp-42-0a1b");
    expect(replicaId("../../evil host/x", 7, "ff")).toBe("evil-host-x-7-ff");
    expect(replicaId("", 7, "ff")).toBe("host-7-ff");
    const b: Heartbeat = {
      id: "a",
      host: "h",
      pid: 1,
      version: "v",
      listen: "http://x",
      startedAt: 1,
      seenAt: 2,
      intervalMs: 15_000,
    };
    expect(parseHeartbeat({ id: "a", text: heartbeatText(b) })).toEqual(b);
    expect(parseHeartbeat({ id: "b", text: heartbeatText(b) })).toBeUndefined();
    expect(parseHeartbeat({ id: "a", text: JSON.stringify({ ...b, pid: "1" }) })).toBeUndefined();
    expect(
      parseHeartbeat({ id: "a", text: JSON.stringify({ ...b, intervalMs: 0 }) }),
    ).toBeUndefined();
    expect(parseHeartbeat({ id: "a", text: "null" })).toBeUndefined();
    const old = { id: "a", text: heartbeatText({ ...b, seenAt: 0 }) };
    expect(staleHeartbeats([old, { id: "x", text: "" }], HEARTBEAT_PRUNE_MS + 1)).toEqual([
      "a",
      "x",
    ]);
    expect(liveReplicas([old], 45_000)).toHaveLength(1);
    expect(liveReplicas([old], 45_001)).toHaveLength(0);
  });

  it("writes at once and on every interval, logs failures, and removes its record on stop", async () => {
    const storage = new MemoryStorage();
    const lines: string[] = [];
    const logger = createLogger({ write: (l: string) => void lines.push(l) });
    const first: Heartbeat = {
      id: "host-9-ab",
      host: "host",
      pid: 9,
      version: "t",
      listen: "http://127.0.0.1:1",
      startedAt: Date.now(),
      seenAt: Date.now(),
      intervalMs: 20,
    };
    const stale = { ...first, id: "crashed-1-cd", seenAt: Date.now() - HEARTBEAT_PRUNE_MS - 1 };
    storage.beats.set(stale.id, heartbeatText(stale));
    const loop = startHeartbeat(storage, first, logger, Date.now);
    await until(() => storage.beats.has(first.id) && !storage.beats.has(stale.id));
    const seen = () =>
      parseHeartbeat({ id: first.id, text: storage.beats.get(first.id) ?? "" })?.seenAt ?? 0;
    const before = seen();
    await until(() => seen() > before);
    storage.broken = true;
    await until(() => lines.some((l) => l.includes("heartbeat write failed")));
    storage.broken = false;
    await loop.stop();
    expect(storage.beats.has(first.id)).toBe(false);
    const writes = storage.calls.filter((c) => c.startsWith("putHeartbeat")).length;
    await new Promise((r) => setTimeout(r, 60));
    expect(storage.calls.filter((c) => c.startsWith("putHeartbeat")).length).toBe(writes);
    await storage.close();
  });
});

describe("Refreshing", () => {
  it("waits only for the first reading, then refreshes stale ones in the background", async () => {
    let t = 0;
    let n = 0;
    let release: () => void = () => undefined;
    const r = new Refreshing(
      async () => {
        n++;
        if (n === 2) await new Promise<void>((resolve) => (release = resolve));
        if (n === 3) throw new Error("bucket unreachable");
        return n;
      },
      { maxAgeMs: 100, firstWaitMs: 1000, now: () => t },
    );
    expect(await r.read()).toEqual({ state: "ok", value: 1, at: 0 });
    t = 50;
    expect(await r.read()).toMatchObject({ value: 1 });
    expect(n).toBe(1);
    t = 150;
    // Stale: the old reading is answered while the second load runs; no second load starts.
    expect(await r.read()).toMatchObject({ value: 1 });
    expect(await r.read()).toMatchObject({ value: 1 });
    expect(n).toBe(2);
    release();
    await until(async () => {
      const reading = await r.read();
      return reading.state === "ok" && reading.value === 2 && reading.at === 150;
    });
    t = 300;
    await r.read();
    await until(async () => (await r.read()).state === "error");
    expect(await r.read()).toMatchObject({ state: "error", error: "bucket unreachable", at: 300 });
  });

  it("answers pending when the first reading takes longer than it may wait", async () => {
    const r = new Refreshing(() => new Promise<number>(() => undefined), {
      maxAgeMs: 1,
      firstWaitMs: 20,
      now: Date.now,
    });
    expect(await r.read()).toEqual({ state: "pending" });
  });
});

describe("renderStatusPage", () => {
  it("renders the empty state as a complete, labelled document", () => {
    const page = renderStatusPage(buildStatus(input()));
    expect(page).toMatch(/^<!doctype html>\s*<html lang="en">/);
    for (const part of [
      "<title>gopave proxy status</title>",
      "<header>",
      "<main>",
      "<footer>",
      '<nav aria-label="Sections">',
      '<meta http-equiv="refresh" content="10"',
      "No upstream fetch yet.",
      "No verification failure yet.",
      "No replica has written a heartbeat recently.",
      "not measured yet",
      "no requests yet",
      "no fetch yet",
    ]) {
      expect(page).toContain(part);
    }
    // Self-contained: no script, no external stylesheet or image, no absolute URL to fetch.
    expect(page.replace('<link rel="icon" href="data:," />', "")).not.toMatch(
      /<script|<link|<img|src=|https?:\/\/(?!\*\*\*@up\.example)/i,
    );
    expect(page).not.toMatch(/p4ss|k3y/);
    // Every table has a caption and every header cell a scope.
    const tables = page.match(/<table>/g)?.length ?? 0;
    expect(page.match(/<caption>/g)?.length).toBe(tables);
    expect(page.match(/<th(?![^>]*scope="(col|row)")[ >]/g)).toBeNull();
  });

  it("escapes hostile module paths, request paths and errors", () => {
    const recorder = new StatusRecorder(["default"]);
    for (const s of HOSTILE) {
      recorder.fetched(fetchEvent({ module: s, outcome: "error", error: s }));
      recorder.refused({ at: 1, path: `/${s}`, route: s, status: 400, reason: s });
      recorder.verificationFailed({ at: 1, module: s, version: s, file: "zip", reason: s });
    }
    const page = renderStatusPage(buildStatus(input({ recorder, version: HOSTILE[0] })));
    expect(page).not.toMatch(/<script|<img|<h1>pwned|onmouseover='/);
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    expect(page).toContain("&amp;lt;already&amp;gt; &amp; more");
  });

  it("prints the snapshot's numbers", () => {
    const recorder = new StatusRecorder(["*.corp.example", "default"]);
    for (const ms of [10, 20, 30, 400]) recorder.fetched(fetchEvent({ ms }));
    recorder.fetched(fetchEvent({ outcome: "notfound", status: 404, ms: 5 }));
    recorder.verificationFailed({
      at: 1,
      module: "example.com/t",
      version: "v1.0.0",
      file: "zip",
      reason: "checksum mismatch",
    });
    const s = buildStatus(
      input({
        recorder,
        requests: [
          { cache: "hit", n: 7 },
          { cache: "miss", n: 1 },
        ],
        usage: { state: "ok", value: { files: 1234, bytes: 5_000_000, complete: true }, at: 0 },
      }),
    );
    const page = renderStatusPage(s);
    expect(page).toContain(fmt.count(1234));
    expect(page).toContain("5,000,000 bytes (4.8 MiB)");
    expect(page).toContain("87.5 %");
    expect(page).toContain("20.0 ms"); // p50 of 5, 10, 20, 30, 400
    expect(page).toContain("400 ms"); // p99
    expect(page).toMatch(/<strong class="num">1<\/strong> since start/);
    expect(page).toContain("notfound (404)");
  });
});
