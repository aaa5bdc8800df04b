import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublicModuleChecker, userCacheDir } from "../src/check/public-modules.js";

let server: Server;
let base: string;
const asked: string[] = [];
let hang = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url ?? "");
    if (hang) return; // never answers: the timeout path
    if (req.url?.startsWith("/github.com/public/")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"Version":"v1.0.0"}');
    } else if (req.url?.startsWith("/github.com/flaky/")) {
      res.writeHead(500);
      res.end();
    } else {
      res.writeHead(404);
      res.end("not found");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function setup(extra: NodeJS.ProcessEnv = {}) {
  const cache = mkdtempSync(join(tmpdir(), "gopave-cache-"));
  const env = {
    PATH: process.env.PATH,
    XDG_CACHE_HOME: cache,
    GOPAVE_PUBLIC_PROXY: base,
    ...extra,
  };
  return { cache, env, file: join(cache, "gopave", "public-modules.json") };
}

describe("isPublicModule", () => {
  it("asks the proxy, caches answers in the user cache dir, and reuses them", async () => {
    const { env, file } = setup();
    const c = createPublicModuleChecker({ env });
    asked.length = 0;
    expect(await c.isPublicModule("github.com/public/mod", "v1.0.0")).toBe(true);
    expect(await c.isPublicModule("github.com/acme/secret", "v0.1.0")).toBe(false);
    expect(asked).toEqual([
      "/github.com/public/mod/@v/v1.0.0.info",
      "/github.com/acme/secret/@v/v0.1.0.info",
    ]);
    expect(existsSync(file)).toBe(false);
    c.save();
    const saved = JSON.parse(readFileSync(file, "utf8")) as {
      modules: Record<string, { public: boolean }>;
    };
    expect(saved.modules["github.com/public/mod@v1.0.0"]?.public).toBe(true);
    expect(saved.modules["github.com/acme/secret@v0.1.0"]?.public).toBe(false);

    asked.length = 0;
    const again = createPublicModuleChecker({ env });
    expect(await again.isPublicModule("github.com/public/mod", "v1.0.0")).toBe(true);
    expect(await again.isPublicModule("github.com/acme/secret", "v0.1.0")).toBe(false);
    expect(asked).toEqual([]);
  });

  it("asks again once a cached 'not found' is a day old", async () => {
    const { env, file } = setup();
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        modules: { "github.com/public/x@v1.0.0": { public: false, at: 0 } },
      }),
    );
    asked.length = 0;
    const c = createPublicModuleChecker({ env, now: () => 2 * 24 * 3600 * 1000 });
    expect(await c.isPublicModule("github.com/public/x", "v1.0.0")).toBe(true);
    expect(asked).toHaveLength(1);
  });

  it("decides by host name without asking when that is certain", async () => {
    const { env } = setup();
    const c = createPublicModuleChecker({ env });
    asked.length = 0;
    expect(await c.isPublicModule("golang.org/x/tools", "v0.1.0")).toBe(true);
    expect(await c.isPublicModule("corp/internal", "v1.0.0")).toBe(false);
    expect(await c.isPublicModule("git.corp.internal/x", "v1.0.0")).toBe(false);
    expect(asked).toEqual([]);
  });

  it("offline (--offline, GOPAVE_OFFLINE=1, GOPROXY=off) decides only hosts that are certainly private", async () => {
    for (const [opts, extra] of [
      [{ offline: true }, {}],
      [{}, { GOPAVE_OFFLINE: "1" }],
      [{}, { GOPROXY: "off" }],
    ] as const) {
      const { env } = setup(extra);
      const c = createPublicModuleChecker({ env, ...opts });
      asked.length = 0;
      expect(await c.isPublicModule("github.com/public/mod", "v1.0.0")).toBeUndefined();
      // A forge-looking host is only a guess: unknown, as any other host offline.
      expect(await c.isPublicModule("git.example.com/team/mod", "v1.0.0")).toBeUndefined();
      expect(asked).toEqual([]);
    }
  });

  it("falls back to the heuristic on a proxy error, without caching it", async () => {
    const { env, file } = setup();
    const c = createPublicModuleChecker({ env });
    expect(await c.isPublicModule("github.com/flaky/mod", "v1.0.0")).toBeUndefined();
    c.save();
    expect(existsSync(file)).toBe(false);
  });

  it("gives up on a proxy that hangs after one timeout", async () => {
    const { env } = setup();
    hang = true;
    try {
      const c = createPublicModuleChecker({ env, timeoutMs: 200 });
      asked.length = 0;
      const started = Date.now();
      const answers = await Promise.all(
        ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"].map((n) =>
          c.isPublicModule(`github.com/slow/${n}`, "v1.0.0"),
        ),
      );
      expect(answers.every((a) => a === undefined)).toBe(true);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await c.isPublicModule("git.slow.example/x", "v1.0.0")).toBeUndefined();
    } finally {
      hang = false;
    }
  });

  it("userCacheDir respects XDG_CACHE_HOME", () => {
    expect(userCacheDir({ XDG_CACHE_HOME: "/x/cache", HOME: "/home/u" })).toBe("/x/cache");
    if (process.platform === "linux") {
      expect(userCacheDir({ HOME: "/home/u" })).toBe("/home/u/.cache");
    }
  });
});
