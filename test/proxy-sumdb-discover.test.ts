import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverSumdbViaProxy } from "../src/proxy/sumdb/discover.js";

let base = "";
const seen: string[] = [];
const server = createServer((req, res) => {
  seen.push(req.url ?? "");
  res.statusCode = req.url === "/sumdb/sum.golang.org/supported" ? 200 : 404;
  res.end();
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("discoverSumdbViaProxy", () => {
  const opts = { userAgent: "gopave-test", timeoutMs: 2000 };

  it("uses the first proxy when it supports the database, as the go command does", async () => {
    expect(
      await discoverSumdbViaProxy(`${base}|https://other.example,direct`, "sum.golang.org", opts),
    ).toBe(`${base}/sumdb/sum.golang.org`);
    expect(seen).toContain("/sumdb/sum.golang.org/supported");
  });

  it("goes direct when the proxy says it does not support it (404), or is not a URL", async () => {
    expect(await discoverSumdbViaProxy(base, "sum.example", opts)).toBeUndefined();
    expect(await discoverSumdbViaProxy("direct", "sum.golang.org", opts)).toBeUndefined();
  });

  it("stays with an upstream it cannot reach: the database is unavailable, not elsewhere", async () => {
    expect(await discoverSumdbViaProxy("http://127.0.0.1:1", "sum.golang.org", opts)).toBe(
      "http://127.0.0.1:1/sumdb/sum.golang.org",
    );
  });
});
