import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProxyServe } from "../src/cli/proxy-serve.js";
import {
  loadProxyConfig,
  parseDuration,
  parseListen,
  parseSize,
  resolveProxyConfig,
} from "../src/proxy/config.js";
import { GopaveError } from "../src/util/errors.js";
import { gopave } from "./helpers/cli.js";
import { moduleZip } from "./helpers/storage-suite.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gopave-proxy-config-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorsOf(text: string): string {
  try {
    loadProxyConfig(text, "proxy.yaml");
  } catch (err) {
    if (err instanceof GopaveError) return err.format();
    throw err;
  }
  return "";
}

describe("config file", () => {
  it("loads a complete config", () => {
    const c = loadProxyConfig(
      [
        "listen: 127.0.0.1:0",
        "storage: ./cache",
        "upstream: https://mirror.example.test,direct",
        "routes:",
        '  - "*.corp.example.com=direct"',
        "  - secret.example.com=deny",
        "sumdb: sum.golang.org",
        "sumdbAllow: [sum.golang.org]",
        "cacheMax: 20GiB",
        "memoryCache: 128MiB",
        "prefetch: false",
        "ttl: { list: 30s, latest: 1m, notFound: 10m }",
        "timeouts: { metadata: 15s, download: 10m, shutdown: 5s }",
        "trustedSums: [go.sum]",
        "direct: { concurrency: 2 }",
      ].join("\n"),
      "proxy.yaml",
    );
    const r = resolveProxyConfig(c, "/etc/gopave", {
      route: ["github.com/acme=https://goproxy.corp"],
    });
    expect(r).toMatchObject({
      listen: { host: "127.0.0.1", port: 0 },
      storage: "/etc/gopave/cache",
      upstream: "https://mirror.example.test,direct",
      sumdb: "sum.golang.org",
      cacheMaxBytes: 20 * 2 ** 30,
      memoryCacheBytes: 128 * 2 ** 20,
      prefetch: false,
      ttl: { listMs: 30_000, latestMs: 60_000, notFoundMs: 600_000 },
      timeouts: { metadataMs: 15_000, downloadMs: 600_000, shutdownMs: 5000 },
      trustedSums: ["/etc/gopave/go.sum"],
      directConcurrency: 2,
    });
    // Flag routes come first: they win where both match.
    expect(r.routes.map((x) => x.pattern)).toEqual([
      "github.com/acme",
      "*.corp.example.com",
      "secret.example.com",
    ]);
  });

  it("lets flags override the file", () => {
    const c = loadProxyConfig(
      "listen: 127.0.0.1:3000\nupstream: https://a.example\ncacheMax: 1GiB\n",
      "p.yaml",
    );
    const r = resolveProxyConfig(c, dir, {
      listen: ":4000",
      upstream: "https://b.example",
      cacheMax: "10MB",
      memoryCache: "0",
    });
    expect(r.memoryCacheBytes).toBe(0);
    expect(r.prefetch).toBe(true);
    expect(resolveProxyConfig(undefined, dir, { prefetch: false }).prefetch).toBe(false);
    expect(r.listen).toEqual({ host: "0.0.0.0", port: 4000 });
    expect(r.upstream).toBe("https://b.example");
    expect(r.cacheMaxBytes).toBe(10_000_000);
    expect(() => resolveProxyConfig(undefined, dir, { route: ["nope"] })).toThrow(/--route/);
    expect(() => resolveProxyConfig(undefined, dir, { cacheMax: "lots" })).toThrow(/--cache-max/);
    expect(() => resolveProxyConfig(undefined, dir, { memoryCache: "x" })).toThrow(
      /--memory-cache/,
    );
  });

  it("reports problems at file:line:col", () => {
    expect(errorsOf("listen: 127.0.0.1:3000\nlisten2: x\n")).toMatch(
      /^proxy\.yaml:2:1: unknown key "listen2"/,
    );
    expect(errorsOf("ttl:\n  lst: 30s\n")).toMatch(
      /^proxy\.yaml:2:3: unknown key "lst" in ttl \(did you mean "list"\?\)/,
    );
    expect(errorsOf("routes:\n  - ok.example.com=direct\n  - bad-rule\n")).toMatch(
      /^proxy\.yaml:3:5: routes\[1\]: route "bad-rule" is not GLOB=TARGET/,
    );
    expect(errorsOf("cacheMax: lots\n")).toMatch(
      /^proxy\.yaml:1:11: cacheMax: "lots" is not a size/,
    );
    expect(errorsOf("listen: :0\nmemoryCache: plenty\n")).toMatch(
      /^proxy\.yaml:2:14: memoryCache: "plenty" is not a size/,
    );
    expect(errorsOf("timeouts:\n  download: soon\n")).toMatch(
      /^proxy\.yaml:2:13: timeouts\.download: /,
    );
    expect(errorsOf("upstream: ftp://x\n")).toMatch(
      /^proxy\.yaml:1:11: upstream: invalid proxy URL scheme/,
    );
    expect(errorsOf("listen: [a\n")).toMatch(/^proxy\.yaml:\d+:\d+: invalid YAML/);
    expect(errorsOf("routes: direct\n")).toMatch(/^proxy\.yaml:1:9: routes: /);
  });

  it("parses durations, sizes and listen addresses", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("1.5m")).toBe(90_000);
    expect(parseDuration(2)).toBe(2000);
    expect(() => parseDuration("2 days")).toThrow();
    expect(parseSize("20GiB")).toBe(20 * 2 ** 30);
    expect(parseSize("500MB")).toBe(500e6);
    expect(parseSize("1024")).toBe(1024);
    expect(parseListen("[::1]:8080")).toEqual({ host: "::1", port: 8080 });
    expect(parseListen("3000")).toEqual({ host: "0.0.0.0", port: 3000 });
    expect(() => parseListen("host:99999")).toThrow();
  });
});

describe("gopave proxy serve", () => {
  it("exits 2 with file:line:col for a bad config", async () => {
    writeFileSync(join(dir, "bad.yaml"), "listen: 127.0.0.1:0\ncacheMax: huge\n");
    const r = await gopave(dir, ["proxy", "serve", "--config", "bad.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bad.yaml:2:11: cacheMax:");
  });

  it("serves through real storage and verifier, prints its URL, and stops gracefully on a signal", async () => {
    const upstream = join(dir, "upstream", "example.com", "m", "@v");
    mkdirSync(upstream, { recursive: true });
    writeFileSync(join(upstream, "v1.0.0.info"), '{"Version":"v1.0.0"}');
    writeFileSync(join(upstream, "v1.0.0.mod"), "module example.com/m\n");
    writeFileSync(
      join(upstream, "v1.0.0.zip"),
      await moduleZip("example.com/m", "v1.0.0", {
        "go.mod": "module example.com/m\n",
        "m.go": "package m\n",
      }),
    );
    let out = "";
    let err = "";
    const io = {
      cwd: dir,
      env: { ...process.env, GOSUMDB: "", GONOSUMDB: "", GOPRIVATE: "" },
      stdout: (t: string) => void (out += t),
      stderr: (t: string) => void (err += t),
      isTTY: false,
    };
    const served = new Promise<{ zip: number; mod: string; url: string }>((resolve, reject) => {
      const code = runProxyServe(
        {
          listen: "127.0.0.1:0",
          storage: pathToFileURL(join(dir, "store")).href,
          upstream: pathToFileURL(join(dir, "upstream")).href,
          sumdb: "off",
        },
        io,
        {
          signals: ["SIGUSR2"],
          onListening: (url) => {
            void (async () => {
              const zip = await fetch(`${url}/example.com/m/@v/v1.0.0.zip`);
              const mod = await fetch(`${url}/example.com/m/@v/v1.0.0.mod`);
              const result = { zip: zip.status, mod: await mod.text(), url };
              process.emit("SIGUSR2", "SIGUSR2");
              resolve(result);
            })().catch(reject);
          },
        },
      );
      code.then((c) => expect(c).toBe(0), reject);
    });
    const r = await served;
    expect(r.zip).toBe(200);
    expect(r.mod).toBe("module example.com/m\n");
    expect(err).toContain(`gopave proxy listening on ${r.url}`);
    expect(err).toContain(`status page ${r.url}/ (JSON: ${r.url}/status.json)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const lines = out
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; path?: string });
    expect(
      lines.some((l) => l.msg === "request" && l.path === "/example.com/m/@v/v1.0.0.zip"),
    ).toBe(true);
    expect(lines.some((l) => l.msg === "shutting down: finishing requests in flight")).toBe(true);
  });
});
