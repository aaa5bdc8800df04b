import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSumdbProxy, LocalSumdb, type SumdbProxy } from "../src/proxy/sumdb/index.js";
import type { CachedAnswer, Storage } from "../src/proxy/types.js";
import { hashMod, hashZip } from "../src/proxy/verify/index.js";
import { makeZip } from "./helpers/proxy-e2e-zip.js";

const run = promisify(execFile);

/** Only the tiles and answers of Storage; module files are not the sumdb proxy's business. */
function tileStorage() {
  const tiles = new Map<string, Buffer>();
  const answers = new Map<string, CachedAnswer>();
  const puts: string[] = [];
  const nope = () => {
    throw new Error("not used by the sumdb proxy");
  };
  const storage: Storage = {
    get: nope,
    putOnce: nope,
    getAnswer: async (kind, key) => answers.get(`${kind} ${key}`),
    putAnswer: async (kind, key, answer) => {
      answers.set(`${kind} ${key}`, answer);
    },
    stagingDir: nope,
    evict: nope,
    storedFiles: nope,
    remove: nope,
    usage: nope,
    putHeartbeat: nope,
    heartbeats: nope,
    removeHeartbeat: nope,
    close: async () => undefined,
    getTile: async (key) => tiles.get(key),
    putTile: async (key, data) => {
      puts.push(key);
      tiles.set(key, data);
    },
  };
  return { storage, tiles, answers, puts };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const MOD = "example.com/Proxied";
const ESC = "example.com/!proxied";
const V = "v1.0.0";
const GOMOD = `module ${MOD}\n\ngo 1.21\n`;

let top: string;
let moduleDir: string;
let db: LocalSumdb;
let upstream: Awaited<ReturnType<LocalSumdb["listen"]>>;
let proxyUrl: string;
let proxyServer: Server;
let store: ReturnType<typeof tileStorage>;

beforeAll(async () => {
  top = await mkdtemp(join(tmpdir(), "gopave-sumdbproxy-"));
  moduleDir = join(top, "modules");
  const zip = await makeZip({
    [`${MOD}@${V}/go.mod`]: GOMOD,
    [`${MOD}@${V}/p.go`]: "package proxied\n",
  });
  const at = join(moduleDir, ESC, "@v");
  await mkdir(at, { recursive: true });
  await writeFile(join(at, "list"), `${V}\n`);
  await writeFile(join(at, `${V}.info`), JSON.stringify({ Version: V }));
  await writeFile(join(at, `${V}.mod`), GOMOD);
  await writeFile(join(at, `${V}.zip`), zip);

  db = new LocalSumdb("sumdb.test");
  for (let i = 0; i < 700; i++) {
    const m = `example.com/filler${i}`;
    await db.add(
      m,
      "v1.0.0",
      await Promise.resolve(`h1:${Buffer.alloc(32, i % 256).toString("base64")}`),
      hashMod(Buffer.from(m)),
    );
  }
  await db.add(MOD, V, await hashZip(join(at, `${V}.zip`)), hashMod(Buffer.from(GOMOD)));
  upstream = await db.listen();

  store = tileStorage();
  const handle = createSumdbProxy({
    allow: ["sumdb.test"],
    upstream: () => upstream.url,
    storage: store.storage,
    timeoutMs: 5000,
    isPrivate: (module) => module.startsWith("git.corp.example/"),
  });
  proxyServer = miniProxy(handle);
  proxyUrl = await listen(proxyServer);
});

afterAll(async () => {
  proxyServer.closeAllConnections();
  await new Promise((r) => proxyServer.close(r));
  await upstream.close();
  await rm(top, { recursive: true, force: true });
});

/** A module proxy in miniature: module files from a directory, /sumdb/<name>/… from `handle`. */
function miniProxy(handle: SumdbProxy): Server {
  return createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").slice(1));
    const m = /^sumdb\/([^/]+)\/(.*)$/.exec(path);
    if (m) {
      void handle({ name: m[1] ?? "", rest: m[2] ?? "" }, res);
      return;
    }
    readFile(join(moduleDir, path)).then(
      (data) => res.end(data),
      () => {
        res.statusCode = 404;
        res.end("not found\n");
      },
    );
  });
}

/** The go command with an empty module cache in `work`, the proxy as GOPROXY, GOSUMDB on. */
function goEnv(work: string, proxy: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: work,
    GOPATH: join(work, "gopath"),
    GOMODCACHE: join(work, "gopath", "pkg", "mod"),
    GOCACHE: join(work, "gocache"),
    GOENV: "off",
    GOTOOLCHAIN: "local",
    GOFLAGS: "-mod=mod",
    GOPROXY: proxy,
    // No URL: the go command finds the database through <proxy>/sumdb/sumdb.test/supported.
    GOSUMDB: db.verifierKey,
    GONOSUMDB: "",
    GOPRIVATE: "",
  };
}

const get = async (path: string) => {
  const res = await fetch(`${proxyUrl}/${path}`);
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    headers: res.headers,
    body: Buffer.from(await res.arrayBuffer()),
  };
};
const upstreamHits = (prefix: string) =>
  upstream.requests.filter((r) => r.startsWith(prefix)).length;

describe("checksum database proxy", () => {
  it("answers /supported for allowed names and 404 text/plain for others, without asking upstream", async () => {
    const ok = await get("sumdb/sumdb.test/supported");
    expect([ok.status, ok.body.length]).toEqual([200, 0]);
    const before = upstream.requests.length;
    for (const path of [
      "sumdb/sum.golang.org/supported",
      "sumdb/evil.example/latest",
      "sumdb/evil.example/tile/8/0/000",
    ]) {
      const r = await get(path);
      expect(r.status).toBe(404);
      expect(r.type).toMatch(/^text\/plain/);
    }
    expect(upstream.requests.length).toBe(before);
  });

  it("passes /latest and /lookup through and validates lookup paths", async () => {
    const latest = await get("sumdb/sumdb.test/latest");
    expect(latest.status).toBe(200);
    expect(latest.body.toString()).toBe((await db.signedTree()).toString());
    const lookup = await get(`sumdb/sumdb.test/lookup/${ESC}@${V}`);
    expect(lookup.status).toBe(200);
    expect(lookup.body.toString()).toContain(`${MOD} ${V}/go.mod ${hashMod(Buffer.from(GOMOD))}`);
    const missing = await get("sumdb/sumdb.test/lookup/example.com/missing@v1.0.0");
    expect(missing.status).toBe(404);
    const before = upstream.requests.length;
    for (const bad of [
      "lookup/example.com/Upper@v1.0.0",
      "lookup/example.com/x",
      "lookup/x@v1.0.0",
    ]) {
      expect((await get(`sumdb/sumdb.test/${bad}`)).status).toBe(400);
    }
    expect(upstream.requests.length).toBe(before);
  });

  it("refuses lookups of privately routed modules without asking the upstream", async () => {
    const before = upstream.requests.length;
    const res = await get("sumdb/sumdb.test/lookup/git.corp.example/team/lib@v1.2.3");
    expect(res.status).toBe(404);
    expect(res.body.toString()).toContain("routed privately");
    expect(upstream.requests.length).toBe(before);
  });

  it("caches full tiles: the second request does not reach the upstream", async () => {
    const first = await get("sumdb/sumdb.test/tile/8/0/001");
    expect(first.status).toBe(200);
    expect(first.body.length).toBe(256 * 32);
    expect(first.headers.get("x-gopave-cache")).toBe("miss");
    expect(store.puts).toContain("sumdb.test/tile/8/0/001");
    const hits = upstreamHits("tile/8/0/001");
    const second = await get("sumdb/sumdb.test/tile/8/0/001");
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.headers.get("x-gopave-cache")).toBe("hit");
    expect(second.headers.get("cache-control")).toContain("immutable");
    expect(upstreamHits("tile/8/0/001")).toBe(hits);
  });

  it("fetches an uncached full tile once for concurrent requests", async () => {
    const before = upstreamHits("tile/8/data/000");
    const all = await Promise.all(
      Array.from({ length: 10 }, () => get("sumdb/sumdb.test/tile/8/data/000")),
    );
    expect(all.every((r) => r.status === 200)).toBe(true);
    expect(upstreamHits("tile/8/data/000") - before).toBe(1);
  });

  it("caches partial tiles like full ones: a .p/W tile never changes either", async () => {
    const path = `tile/8/0/002.p/${db.size - 512}`;
    const before = upstreamHits(path);
    const first = await get(`sumdb/sumdb.test/${path}`);
    const second = await get(`sumdb/sumdb.test/${path}`);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.length).toBe((db.size - 512) * 32);
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.headers.get("x-gopave-cache")).toBe("hit");
    expect(upstreamHits(path) - before).toBe(1);
    expect(store.tiles.has(`sumdb.test/${path}`)).toBe(true);
  });

  it("keeps /latest and lookups, and serves the kept ones only when the upstream cannot answer", async () => {
    const lookupPath = `lookup/${ESC}@${V}`;
    const latest = await get("sumdb/sumdb.test/latest");
    const lookup = await get(`sumdb/sumdb.test/${lookupPath}`);
    expect(store.answers.get("sumdb sumdb.test/latest")?.body).toBe(latest.body.toString());
    expect(store.answers.get(`sumdb sumdb.test/${lookupPath}`)?.body).toBe(lookup.body.toString());
    // Online, the upstream's answer, every time (the log grows).
    const hits = upstreamHits("latest");
    await get("sumdb/sumdb.test/latest");
    expect(upstreamHits("latest") - hits).toBe(1);

    const dead = createSumdbProxy({
      allow: ["sumdb.test"],
      upstream: () => "http://127.0.0.1:9",
      storage: store.storage,
    });
    const server = createServer(
      (req, res) => void dead({ name: "sumdb.test", rest: (req.url ?? "").slice(1) }, res),
    );
    const url = await listen(server);
    try {
      for (const [path, want] of [
        ["latest", latest.body],
        [lookupPath, lookup.body],
      ] as const) {
        const r = await fetch(`${url}/${path}`);
        expect(r.status).toBe(200);
        expect(r.headers.get("x-gopave-cache")).toBe("stale");
        expect(Buffer.from(await r.arrayBuffer()).equals(want)).toBe(true);
      }
      // Nothing kept: the failure, as before.
      expect((await fetch(`${url}/lookup/example.com/never@v1.0.0`)).status).toBe(502);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("rejects malformed tile paths, passes 404s through uncached, and reports a dead upstream as 502", async () => {
    for (const bad of [
      "tile/8/0/1",
      "tile/8/0/x000/001",
      "tile/99/0/000",
      "tile/8/0/000.p/256",
      "tile/8/0/../000",
    ]) {
      expect((await get(`sumdb/sumdb.test/${bad}`)).status).toBe(400);
    }
    const gone = await get("sumdb/sumdb.test/tile/8/0/x001/000");
    expect(gone.status).toBe(404);
    expect(store.tiles.has("sumdb.test/tile/8/0/x001/000")).toBe(false);

    // Nothing kept: a new store.
    const dead = createSumdbProxy({
      allow: ["sumdb.test"],
      upstream: () => "http://127.0.0.1:9",
      storage: tileStorage().storage,
    });
    const server = createServer(
      (req, res) => void dead({ name: "sumdb.test", rest: (req.url ?? "").slice(1) }, res),
    );
    const url = await listen(server);
    try {
      const r = await fetch(`${url}/latest`);
      expect(r.status).toBe(502);
      expect(await r.text()).toMatch(/checksum database sumdb\.test: /);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("is what the go command uses: go mod download verifies through it", async () => {
    const work = await mkdtemp(join(top, "go-"));
    await writeFile(join(work, "go.mod"), "module example.com/consumer\n\ngo 1.21\n");
    const env = goEnv(work, proxyUrl);
    const before = upstreamHits("lookup/");
    const { stdout } = await run("go", ["mod", "download", "-json", `${MOD}@${V}`], {
      cwd: work,
      env,
    });
    const info = JSON.parse(stdout) as { Sum: string; Error?: string };
    expect(info.Error).toBeUndefined();
    expect(upstreamHits("lookup/") - before).toBe(1);
    // The go command kept the signed tree head it verified.
    const latest = await readFile(
      join(work, "gopath", "pkg", "sumdb", "sumdb.test", "latest"),
      "utf8",
    );
    expect(latest).toBe((await db.signedTree()).toString());
  });

  it("lets a client with an empty cache and no go.sum verify offline: upstream gone, GOSUMDB on", async () => {
    // What the go command asked above is kept: its lookup, the tiles, full and partial. Now the
    // checksum database is unreachable; module files still come from the proxy's store.
    const offline = createSumdbProxy({
      allow: ["sumdb.test"],
      upstream: () => "http://127.0.0.1:9",
      storage: store.storage,
      timeoutMs: 2000,
    });
    const server = miniProxy(offline);
    const url = await listen(server);
    const work = await mkdtemp(join(top, "offline-"));
    await writeFile(join(work, "go.mod"), "module example.com/consumer\n\ngo 1.21\n");
    const before = upstream.requests.length;
    try {
      const { stdout } = await run("go", ["mod", "download", "-json", `${MOD}@${V}`], {
        cwd: work,
        env: goEnv(work, url),
      });
      const info = JSON.parse(stdout) as { Sum: string; Error?: string };
      expect(info.Error).toBeUndefined();
      expect(info.Sum).toBe(await hashZip(join(moduleDir, ESC, "@v", `${V}.zip`)));
      expect(upstream.requests.length).toBe(before);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
