import { afterEach, describe, expect, it, vi } from "vitest";
import { batchLines } from "../src/proxy/log-batch.js";
import {
  createLogger,
  createRequestLog,
  formatRequestLine,
  lineHead,
  lineTail,
} from "../src/proxy/log.js";
import type { RequestLogLine } from "../src/proxy/log.js";
import { createMetrics } from "../src/proxy/metrics.js";

const LINE: RequestLogLine = {
  method: "GET",
  path: "/github.com/!burnt!sushi/toml/@v/v1.3.2.mod",
  status: 200,
  ms: 0.42,
  bytes: 62,
  cache: "hit",
  route: "default",
  endpoint: "mod",
};

afterEach(() => {
  vi.useRealTimers();
});

describe("request log lines", () => {
  it("are exactly what the logger itself writes for the same fields", () => {
    const viaPino: string[] = [];
    vi.useFakeTimers({ now: new Date("2026-11-21T10:00:00.123Z") });
    createLogger({ write: (s: string) => void viaPino.push(s) }).info({ ...LINE }, "request");
    for (const line of [LINE, { ...LINE, error: "upstream https://u:pw@host/x failed" }]) {
      const ours = formatRequestLine(line, Date.now());
      expect(ours.endsWith("\n")).toBe(true);
      const parsed = JSON.parse(ours) as Record<string, unknown>;
      if (line.error === undefined) expect(ours).toBe(viaPino[0]);
      else expect(parsed.error).toBe("upstream https://***@host/x failed");
    }
  });

  it("are the same when built from fixed parts", () => {
    vi.useFakeTimers({ now: new Date("2026-11-21T10:00:00.123Z") });
    const out: string[] = [];
    const dest = { write: (s: string) => void out.push(s) };
    const log = createRequestLog(dest, createLogger(dest));
    log.fixed(lineHead(LINE.method, LINE.path, LINE.status), LINE.ms, lineTail(LINE));
    log(LINE);
    expect(out[0]).toBe(out[1]);
    expect(out[0]).toBe(formatRequestLine(LINE, Date.now()));
  });

  it("escapes what JSON needs escaped", () => {
    const line = formatRequestLine({ ...LINE, path: '/a"b\\c\n' }, 0);
    expect((JSON.parse(line) as { path: string }).path).toBe('/a"b\\c\n');
  });

  it("are not written when the logger's level is above info", () => {
    const out: string[] = [];
    const dest = { write: (s: string) => void out.push(s) };
    createRequestLog(dest, createLogger(dest, "warn"))(LINE);
    createRequestLog(dest, createLogger(dest, "info"))(LINE);
    expect(out).toHaveLength(1);
  });
});

describe("batchLines", () => {
  it("passes lines on in order, in batches: when 64 KiB gathered, after a delay, or on flush", () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const lines = batchLines({ write: (s: string) => void writes.push(s) });
    lines.write("a\n");
    lines.write("b\n");
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(300);
    expect(writes).toEqual(["a\nb\n"]);

    const long = `${"x".repeat(1023)}\n`;
    for (let i = 0; i < 64; i++) lines.write(long);
    expect(writes).toHaveLength(2);
    expect(writes[1]).toBe(long.repeat(64));

    lines.write("c\n");
    lines.flush();
    lines.flush();
    expect(writes).toEqual(["a\nb\n", long.repeat(64), "c\n"]);
    vi.advanceTimersByTime(1000);
    expect(writes).toHaveLength(3);
  });
});

describe("request counters", () => {
  it("reach /metrics with their labels, whether counted by labels or through a kept cell", async () => {
    const m = createMetrics();
    const labels = { endpoint: "mod", route: "default", status: "200", cache: "hit" };
    const cell = m.requests.cell(labels);
    cell.n += 2;
    m.requests.inc(labels);
    m.requests.inc({ ...labels, status: "404", cache: "miss" });
    m.bytesServed.inc({ endpoint: "mod" }, 100);
    expect(m.requests.cell(labels)).toBe(cell);
    const text = await m.registry.metrics();
    expect(text).toContain(
      'gopave_proxy_requests_total{endpoint="mod",route="default",status="200",cache="hit"} 3',
    );
    expect(text).toContain(
      'gopave_proxy_requests_total{endpoint="mod",route="default",status="404",cache="miss"} 1',
    );
    expect(text).toContain('gopave_proxy_bytes_served_total{endpoint="mod"} 100');
    // A second scrape reports the same totals, not doubled ones.
    expect(await m.registry.metrics()).toBe(text);
  });
});
