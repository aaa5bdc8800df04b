import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ZipFile } from "yazl";
import type { ModuleFile, Storage, StoredBody } from "../../src/proxy/types.js";

/** What the suite controls in a backend: its clock, which orders zips for eviction. */
export interface SuiteContext {
  now: () => number;
}

export async function readBody(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A module zip as the go command builds one: every entry under "<module>@<version>/" (the
 * module path NOT case-encoded), a fixed timestamp so the bytes are reproducible.
 */
export async function moduleZip(
  module: string,
  version: string,
  files: Record<string, string>,
): Promise<Buffer> {
  const zip = new ZipFile();
  const mtime = new Date("2024-01-01T00:00:00Z");
  for (const [name, text] of Object.entries(files)) {
    zip.addBuffer(Buffer.from(text), `${module}@${version}/${name}`, { mtime });
  }
  zip.end();
  return readBody(zip.outputStream as Readable);
}

export interface GoDownload {
  Path: string;
  Version: string;
  Error?: string;
  Sum?: string;
  GoModSum?: string;
  Dir?: string;
  Zip?: string;
}

/** Stores one module version as a proxy would (info, mod, zip), with a Go file in it. */
export async function putModule(s: Storage, module: string, version: string): Promise<void> {
  const gomod = `module ${module}\n\ngo 1.21\n`;
  const zip = await moduleZip(module, version, {
    "go.mod": gomod,
    "lib.go": `package lib\n\n// Version is ${version}.\nconst Version = "${version}"\n`,
  });
  const info = JSON.stringify({ Version: version, Time: "2024-01-01T00:00:00Z" });
  await s.putOnce(module, version, "info", { data: Buffer.from(info) });
  await s.putOnce(module, version, "mod", { data: Buffer.from(gomod) });
  await s.putOnce(module, version, "zip", { data: zip });
}

/** `go mod download -json` against `GOPROXY=file://<root>` in a throwaway GOPATH, offline. */
export function goDownload(root: string, args: string[]): GoDownload[] {
  const gopath = mkdtempSync(join(tmpdir(), "gopave-gopath-"));
  let out: string;
  try {
    out = execFileSync("go", ["mod", "download", "-json", ...args], {
      cwd: gopath,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        HOME: gopath,
        GOPATH: gopath,
        GOMODCACHE: join(gopath, "pkg", "mod"),
        GOCACHE: join(gopath, "cache"),
        GOENV: "off",
        GOPROXY: pathToFileURL(root).href,
        GOSUMDB: "off",
        GOFLAGS: "-mod=mod",
        GOTOOLCHAIN: "local",
      },
    });
  } catch (err) {
    out = String((err as { stdout?: string }).stdout ?? "");
    if (!out) throw err;
  }
  // -json prints one object per module, concatenated.
  return out
    .split(/\n(?=\{)/)
    .filter((s) => s.trim() !== "")
    .map((s) => JSON.parse(s) as GoDownload);
}

async function stored(s: Storage, m: string, v: string, f: ModuleFile): Promise<StoredBody> {
  const b = await s.get(m, v, f);
  if (!b) throw new Error(`${m}@${v}.${f} is not stored`);
  return b;
}

async function body(s: Storage, m: string, v: string, f: ModuleFile): Promise<string | undefined> {
  const b = await s.get(m, v, f);
  if (!b) return undefined;
  const data = await readBody(b.open());
  expect(data.length).toBe(b.size);
  return data.toString("utf8");
}

const M = "example.com/mod";
const V = "v1.0.0";

/**
 * The contract every Storage backend must keep (src/proxy/types.ts). `make` builds a fresh, empty
 * backend whose recency clock is `ctx.now` — the eviction tests drive time through it.
 */
export function storageSuite(name: string, make: (ctx: SuiteContext) => Promise<Storage>): void {
  describe(`Storage conformance: ${name}`, () => {
    let clock = 0;
    let s: Storage;
    const tick = (ms: number) => (clock += ms);

    beforeEach(async () => {
      // Near the real time, so a backend that persists recency as a file time sees sane values.
      clock = Math.floor(Date.now() / 1000) * 1000;
      s = await make({ now: () => clock });
    });
    afterEach(async () => {
      await s.close();
    });

    it("round-trips .info, .mod and .zip; a missing file is undefined", async () => {
      await s.putOnce(M, V, "info", { data: Buffer.from('{"Version":"v1.0.0"}') });
      await s.putOnce(M, V, "mod", { data: Buffer.from(`module ${M}\n`) });
      await s.putOnce(M, V, "zip", { data: Buffer.from("zip bytes") });
      expect(await body(s, M, V, "info")).toBe('{"Version":"v1.0.0"}');
      expect(await body(s, M, V, "mod")).toBe(`module ${M}\n`);
      expect(await body(s, M, V, "zip")).toBe("zip bytes");
      expect(await s.get(M, "v1.0.1", "zip")).toBeUndefined();
      expect(await s.get("example.com/other", V, "mod")).toBeUndefined();
    });

    it("lists every stored .mod and .zip by module, version and file, and removes one", async () => {
      await s.putOnce(M, V, "info", { data: Buffer.from("{}") });
      await s.putOnce(M, V, "mod", { data: Buffer.from(`module ${M}\n`) });
      await s.putOnce(M, V, "zip", { data: Buffer.from("zip") });
      await s.putOnce("example.com/Azure/x", "v1.0.0-RC", "mod", { data: Buffer.from("m") });
      await s.putAnswer("list", M, { body: `${V}\n`, status: 200, fetchedAt: 1 });
      await s.putTile("sum.golang.org/tile/8/0/000", Buffer.from("t"));
      const all = async () => {
        const out: string[] = [];
        for await (const f of s.storedFiles()) out.push(`${f.module}@${f.version} ${f.file}`);
        return out.sort();
      };
      expect(await all()).toEqual([
        "example.com/Azure/x@v1.0.0-RC mod",
        `${M}@${V} mod`,
        `${M}@${V} zip`,
      ]);
      await s.remove(M, V, "zip");
      expect(await s.get(M, V, "zip")).toBeUndefined();
      expect(await body(s, M, V, "mod")).toBe(`module ${M}\n`);
      expect(await all()).toEqual(["example.com/Azure/x@v1.0.0-RC mod", `${M}@${V} mod`]);
    });

    it("opens a fresh stream each time", async () => {
      await s.putOnce(M, V, "zip", { data: Buffer.alloc(300_000, 7) });
      const b = await stored(s, M, V, "zip");
      expect(b.size).toBe(300_000);
      const [one, two] = await Promise.all([readBody(b.open()), readBody(b.open())]);
      expect(one.equals(Buffer.alloc(300_000, 7))).toBe(true);
      expect(two.equals(one)).toBe(true);
    });

    it("keeps case-distinct modules and versions apart (case encoding)", async () => {
      await s.putOnce("example.com/Azure/x", "v1.0.0-RC", "mod", { data: Buffer.from("upper") });
      await s.putOnce("example.com/azure/x", "v1.0.0-rc", "mod", { data: Buffer.from("lower") });
      expect(await body(s, "example.com/Azure/x", "v1.0.0-RC", "mod")).toBe("upper");
      expect(await body(s, "example.com/azure/x", "v1.0.0-rc", "mod")).toBe("lower");
      expect(await s.get("example.com/Azure/x", "v1.0.0-rc", "mod")).toBeUndefined();
    });

    it("stores a file written into the staging dir", async () => {
      const dir = await s.stagingDir();
      const tmp = join(dir, "download-1.part");
      writeFileSync(tmp, "staged zip");
      await s.putOnce(M, V, "zip", { path: tmp });
      expect(await body(s, M, V, "zip")).toBe("staged zip");
    });

    it("is immutable: a second put of different bytes keeps the first", async () => {
      await s.putOnce(M, V, "mod", { data: Buffer.from("first") });
      await s.putOnce(M, V, "mod", { data: Buffer.from("second, longer") });
      const tmp = join(await s.stagingDir(), "other.part");
      writeFileSync(tmp, "third");
      await s.putOnce(M, V, "mod", { path: tmp });
      expect(await body(s, M, V, "mod")).toBe("first");
    });

    it("survives concurrent puts of one file: no error, one whole winner", async () => {
      const candidates = Array.from({ length: 16 }, (_, i) =>
        Buffer.alloc(1024 * 1024 + i, 65 + i),
      );
      // Whatever a reader sees once the file exists is what it keeps seeing: no later writer
      // replaces it, and no reader ever sees a mix or a prefix.
      const seen: Buffer[] = [];
      let done = false;
      const reader = (async () => {
        while (!done) {
          const b = await s.get(M, V, "zip");
          if (b) seen.push(await readBody(b.open()));
          await new Promise((r) => setImmediate(r));
        }
      })();
      await Promise.all(candidates.map((data) => s.putOnce(M, V, "zip", { data })));
      done = true;
      await reader;
      const data = await readBody((await stored(s, M, V, "zip")).open());
      expect(candidates.some((c) => c.equals(data))).toBe(true);
      for (const b of seen) expect(b.equals(data)).toBe(true);
      await Promise.all([
        ...["a", "b", "c"].map((v) =>
          s.putOnce(M, `v0.0.0-${v}`, "info", { data: Buffer.from(v) }),
        ),
        ...["a", "b", "c"].map((v) =>
          s.putOnce(M, `v0.0.0-${v}`, "info", { data: Buffer.from(v) }),
        ),
      ]);
      expect(await body(s, M, "v0.0.0-b", "info")).toBe("b");
    });

    it("keeps list, @latest and not-found answers with their timestamps", async () => {
      expect(await s.getAnswer("list", M)).toBeUndefined();
      const list = { body: "v1.0.0\nv1.1.0\n", status: 200, fetchedAt: 1_700_000_000_123 };
      await s.putAnswer("list", M, list);
      expect(await s.getAnswer("list", M)).toEqual(list);
      const latest = { body: '{"Version":"v1.1.0"}', status: 200, fetchedAt: 1_700_000_001_000 };
      await s.putAnswer("latest", M, latest);
      expect(await s.getAnswer("latest", M)).toEqual(latest);
      // Kinds and keys do not mix.
      expect(await s.getAnswer("notfound", M)).toBeUndefined();
      expect(await s.getAnswer("latest", "example.com/other")).toBeUndefined();
      const gone = {
        body: "not found: example.com/nope",
        status: 410,
        fetchedAt: 1_700_000_002_000,
      };
      const key = `example.com/nope/@v/${V}.info`;
      await s.putAnswer("notfound", key, gone);
      expect(await s.getAnswer("notfound", key)).toEqual(gone);
      // Any key works for not-found answers, even one that looks like a path.
      const odd = "../../etc/passwd\n@v/list";
      await s.putAnswer("notfound", odd, { ...gone, status: 404 });
      expect(await s.getAnswer("notfound", odd)).toEqual({ ...gone, status: 404 });
    });

    it("keeps the checksum database's /latest and lookups, the newer replacing the older", async () => {
      const latest = "sum.golang.org/latest";
      const lookup = "sum.golang.org/lookup/example.com/!m@v1.0.0";
      expect(await s.getAnswer("sumdb", latest)).toBeUndefined();
      const note = { body: "go.sum database tree\n1\nhash\n\n— sig\n", status: 200, fetchedAt: 1 };
      await s.putAnswer("sumdb", latest, note);
      await s.putAnswer("sumdb", latest, { ...note, body: `${note.body}newer`, fetchedAt: 2 });
      expect((await s.getAnswer("sumdb", latest))?.body).toBe(`${note.body}newer`);
      await s.putAnswer("sumdb", lookup, { ...note, body: "record" });
      expect((await s.getAnswer("sumdb", lookup))?.body).toBe("record");
      // Not a module's list or @latest, though the keys look like paths.
      expect(await s.getAnswer("list", "sum.golang.org")).toBeUndefined();
      expect(await s.getAnswer("latest", "sum.golang.org")).toBeUndefined();
    });

    it("replaces answers: the newer one is returned", async () => {
      await s.putAnswer("list", M, { body: "v1.0.0\n", status: 200, fetchedAt: 1_000_000 });
      await s.putAnswer("list", M, { body: "v1.0.0\nv1.2.0\n", status: 200, fetchedAt: 2_000_000 });
      expect(await s.getAnswer("list", M)).toEqual({
        body: "v1.0.0\nv1.2.0\n",
        status: 200,
        fetchedAt: 2_000_000,
      });
      await s.putAnswer("list", M, { body: "gone", status: 404, fetchedAt: 3_000_000 });
      expect((await s.getAnswer("list", M))?.status).toBe(404);
      await s.putAnswer("list", M, { body: "v1.3.0\n", status: 200, fetchedAt: 4_000_000 });
      expect(await s.getAnswer("list", M)).toEqual({
        body: "v1.3.0\n",
        status: 200,
        fetchedAt: 4_000_000,
      });
      await s.putAnswer("latest", M, { body: "a", status: 200, fetchedAt: 5 });
      await s.putAnswer("latest", M, { body: "b", status: 200, fetchedAt: 6 });
      expect((await s.getAnswer("latest", M))?.body).toBe("b");
    });

    it("stores checksum-database tiles once", async () => {
      const key = "sum.golang.org/tile/8/0/x001/234";
      expect(await s.getTile(key)).toBeUndefined();
      await s.putTile(key, Buffer.from([1, 2, 3]));
      await s.putTile(key, Buffer.from([9, 9, 9]));
      expect(await s.getTile(key)).toEqual(Buffer.from([1, 2, 3]));
      const partial = "sum.golang.org/tile/8/data/000.p/5";
      await s.putTile(partial, Buffer.from("data"));
      expect((await s.getTile(partial))?.toString()).toBe("data");
      await Promise.all(
        [1, 2, 3].map((n) => s.putTile("sum.golang.org/tile/8/1/007", Buffer.from([n]))),
      );
      expect((await s.getTile("sum.golang.org/tile/8/1/007"))?.length).toBe(1);
    });

    it("evicts least-recently-used zips, counting them", async () => {
      const size = 1000;
      for (const v of ["v1.0.0", "v1.1.0", "v1.2.0"]) {
        await s.putOnce(M, v, "zip", { data: Buffer.alloc(size, 1) });
        await s.putOnce(M, v, "mod", { data: Buffer.from(`module ${M}\n`) });
        await s.putOnce(M, v, "info", { data: Buffer.from(`{"Version":"${v}"}`) });
        tick(60_000);
      }
      // v1.0.0 is the oldest put, but reading it makes v1.1.0 the least recently used.
      tick(60_000);
      await s.get(M, "v1.0.0", "zip");
      expect(await s.evict(3 * size)).toBe(0);
      expect(await s.evict(2 * size + 500)).toBe(1);
      const present = async (v: string) => (await s.get(M, v, "zip")) !== undefined;
      expect(await present("v1.1.0")).toBe(false);
      expect(await present("v1.0.0")).toBe(true);
      expect(await present("v1.2.0")).toBe(true);

      // Touch order now: v1.0.0 then v1.2.0 (the checks above); read v1.0.0 again, later.
      tick(60_000);
      await s.get(M, "v1.0.0", "zip");
      expect(await s.evict(size)).toBe(1);
      expect(await present("v1.2.0")).toBe(false);
      expect(await present("v1.0.0")).toBe(true);

      // An evicted zip can be stored again.
      await s.putOnce(M, "v1.1.0", "zip", { data: Buffer.alloc(size, 2) });
      expect((await body(s, M, "v1.1.0", "zip"))?.length).toBe(size);
    });

    it("never evicts .mod or .info", async () => {
      for (const v of ["v1.0.0", "v1.1.0"]) {
        await s.putOnce(M, v, "zip", { data: Buffer.alloc(500, 1) });
        await s.putOnce(M, v, "mod", { data: Buffer.alloc(5000, 2) });
        await s.putOnce(M, v, "info", { data: Buffer.alloc(5000, 3) });
        tick(1000);
      }
      await s.putTile("sum.golang.org/tile/8/0/000", Buffer.alloc(5000, 4));
      expect(await s.evict(0)).toBe(2);
      expect(await s.evict(0)).toBe(0);
      for (const v of ["v1.0.0", "v1.1.0"]) {
        expect(await s.get(M, v, "zip")).toBeUndefined();
        expect((await s.get(M, v, "mod"))?.size).toBe(5000);
        expect((await s.get(M, v, "info"))?.size).toBe(5000);
      }
      expect(await s.getTile("sum.golang.org/tile/8/0/000")).toBeDefined();
      await expect(s.evict(-1)).rejects.toThrow();
    });

    it("refuses names that could escape the storage", async () => {
      const data = { data: Buffer.from("x") };
      const badModules = [
        "../../etc",
        "example.com/../../x",
        "/abs.com/x",
        "example.com/x/",
        "Example.com/x",
        "example.com/.hidden",
        ".gopave/x",
      ];
      for (const m of badModules) {
        await expect(s.get(m, V, "mod"), m).rejects.toThrow();
        await expect(s.putOnce(m, V, "mod", data), m).rejects.toThrow();
        await expect(s.getAnswer("list", m), m).rejects.toThrow();
        await expect(
          s.putAnswer("latest", m, { body: "", status: 200, fetchedAt: 1 }),
          m,
        ).rejects.toThrow();
      }
      for (const v of ["..", "../../x", "v1.0.0/../../x", "v1!0", ""]) {
        await expect(s.get(M, v, "info"), v).rejects.toThrow();
        await expect(s.putOnce(M, v, "zip", data), v).rejects.toThrow();
      }
      await expect(s.get(M, V, "../../x" as ModuleFile)).rejects.toThrow();
      await expect(s.putOnce(M, V, "list" as ModuleFile, data)).rejects.toThrow();
      for (const k of [
        "../../etc/passwd",
        "sum.golang.org/../../x",
        "sum.golang.org/tile/8/0/../../../x",
        "../sum.golang.org/tile/8/0/000",
        "sum.golang.org/latest",
        "sum.golang.org",
      ]) {
        await expect(s.getTile(k), k).rejects.toThrow();
        await expect(s.putTile(k, Buffer.from("x")), k).rejects.toThrow();
      }
    });

    it("counts stored module files and their bytes, not answers, tiles or records", async () => {
      expect(await s.usage(1000)).toEqual({ files: 0, bytes: 0, complete: true });
      await s.putOnce(M, V, "info", { data: Buffer.from("{}") });
      await s.putOnce(M, V, "mod", { data: Buffer.from("module m\n") });
      await s.putOnce(M, V, "zip", { data: Buffer.alloc(1000, 1) });
      await s.putOnce("example.com/Azure/x", "v1.0.0-RC", "mod", { data: Buffer.from("m") });
      await s.putAnswer("list", M, { body: `${V}\n`, status: 200, fetchedAt: 1 });
      await s.putAnswer("notfound", "example.com/nope/@v/list", {
        body: "gone",
        status: 404,
        fetchedAt: 1,
      });
      await s.putTile("sum.golang.org/tile/8/0/000", Buffer.alloc(500, 2));
      await s.putHeartbeat("host-1-abc", '{"id":"host-1-abc"}');
      expect(await s.usage(1000)).toEqual({ files: 4, bytes: 2 + 9 + 1000 + 1, complete: true });
      const cut = await s.usage(2);
      expect(cut.files).toBe(2);
      expect(cut.complete).toBe(false);
      await s.remove(M, V, "zip");
      expect(await s.usage(1000)).toEqual({ files: 3, bytes: 2 + 9 + 1, complete: true });
    });

    it("keeps replica heartbeats apart from modules: replaced, listed, removed", async () => {
      expect(await s.heartbeats(10)).toEqual([]);
      await s.putHeartbeat("host-a-1-0f", '{"seen":1}');
      await s.putHeartbeat("host.b-2-1e", '{"seen":2}');
      await s.putHeartbeat("host-a-1-0f", '{"seen":3}');
      const byId = async () =>
        Object.fromEntries((await s.heartbeats(10)).map((h) => [h.id, h.text]));
      expect(await byId()).toEqual({ "host-a-1-0f": '{"seen":3}', "host.b-2-1e": '{"seen":2}' });
      expect(await s.heartbeats(1)).toHaveLength(1);
      // Not modules: not listed for verification, not counted, never evicted.
      await s.putOnce(M, V, "zip", { data: Buffer.from("zip") });
      const files: string[] = [];
      for await (const f of s.storedFiles()) files.push(`${f.module}@${f.version} ${f.file}`);
      expect(files).toEqual([`${M}@${V} zip`]);
      expect((await s.usage(100)).files).toBe(1);
      expect(await s.evict(0)).toBe(1);
      expect(Object.keys(await byId()).sort()).toEqual(["host-a-1-0f", "host.b-2-1e"]);
      await s.removeHeartbeat("host.b-2-1e");
      await s.removeHeartbeat("never-written");
      expect(Object.keys(await byId())).toEqual(["host-a-1-0f"]);
      for (const id of ["", "../x", "a/b", ".hidden", "a..b", "x\ny", "a b", "a\\b"]) {
        await expect(s.putHeartbeat(id, "{}"), id).rejects.toThrow();
        await expect(s.removeHeartbeat(id), id).rejects.toThrow();
      }
    });

    it("closes once; later calls are refused", async () => {
      await s.putOnce(M, V, "mod", { data: Buffer.from("m") });
      await s.close();
      await s.close();
      await expect(s.get(M, V, "mod")).rejects.toThrow(/closed/);
      await expect(s.putOnce(M, V, "info", { data: Buffer.from("i") })).rejects.toThrow(/closed/);
      await expect(s.getAnswer("list", M)).rejects.toThrow(/closed/);
    });
  });
}
