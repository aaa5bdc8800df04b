import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { stat } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createFsStorage } from "../src/proxy/storage/fs.js";
import { defaultStorageUrl, openStorage } from "../src/proxy/storage/open.js";
import type { Storage } from "../src/proxy/types.js";
import { GopaveError } from "../src/util/errors.js";
import { storageSuite } from "./helpers/storage-suite.js";

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), `gopave-${prefix}-`));

storageSuite("filesystem", async ({ now }) => createFsStorage(temp("fs-suite"), { now }));

describe("filesystem storage", () => {
  const open: Storage[] = [];
  const make = async (root: string, now?: () => number) => {
    const s = await createFsStorage(root, now ? { now } : {});
    open.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it("lays files out like GOMODCACHE's download cache", async () => {
    const root = temp("fs-layout");
    const s = await make(root);
    const m = "github.com/Azure/Go-Thing";
    await s.putOnce(m, "v1.2.3-RC.1", "info", { data: Buffer.from("{}") });
    await s.putOnce(m, "v1.2.3-RC.1", "mod", { data: Buffer.from("module x\n") });
    await s.putOnce(m, "v1.2.3-RC.1", "zip", { data: Buffer.from("zip") });
    await s.putAnswer("list", m, {
      body: "v1.2.3-RC.1\n",
      status: 200,
      fetchedAt: 1_700_000_000_000,
    });
    await s.putAnswer("latest", m, { body: "{}", status: 200, fetchedAt: 1 });
    await s.putAnswer("notfound", "x", { body: "", status: 404, fetchedAt: 1 });
    await s.putTile("sum.golang.org/tile/8/0/x001/234", Buffer.from("tile"));
    await s.putTile("sum.golang.org/tile/8/data/000.p/5", Buffer.from("data tile"));

    const v = join(root, "github.com", "!azure", "!go-!thing", "@v");
    expect(readdirSync(v).sort()).toEqual([
      "list",
      "v1.2.3-!r!c.1.info",
      "v1.2.3-!r!c.1.mod",
      "v1.2.3-!r!c.1.zip",
    ]);
    expect(readFileSync(join(v, "list"), "utf8")).toBe("v1.2.3-RC.1\n");
    expect(readFileSync(join(root, "sumdb/sum.golang.org/tile/8/0/x001/234"), "utf8")).toBe("tile");
    expect(existsSync(join(root, "sumdb/sum.golang.org/tile/8/data/000.p/5"))).toBe(true);
    // gopave's own state is only under .gopave, which no module path can start with.
    expect(readdirSync(root).sort()).toEqual([".gopave", "github.com", "sumdb"]);
    expect(readdirSync(join(root, ".gopave")).sort()).toEqual(["answers", "staging"]);
    // Staging holds this process's own directory (see fs-staging.ts), and no temp file in it.
    const staging = join(root, ".gopave", "staging");
    expect(readdirSync(staging)).toEqual([basename(await s.stagingDir())]);
    expect(readdirSync(await s.stagingDir())).toEqual([]);
  });

  it("keeps a list's fetchedAt as its file time, and reads a hand-copied list as an answer", async () => {
    const root = temp("fs-list");
    const s = await make(root);
    await s.putAnswer("list", "example.com/a", {
      body: "v1.0.0\n",
      status: 200,
      fetchedAt: 1_600_000_000_456,
    });
    expect(Math.round(statSync(join(root, "example.com/a/@v/list")).mtimeMs)).toBe(
      1_600_000_000_456,
    );

    mkdirSync(join(root, "example.com/b/@v"), { recursive: true });
    writeFileSync(join(root, "example.com/b/@v/list"), "v0.1.0\n");
    utimesSync(join(root, "example.com/b/@v/list"), 1_500_000_000, 1_500_000_000);
    expect(await s.getAnswer("list", "example.com/b")).toEqual({
      body: "v0.1.0\n",
      status: 200,
      fetchedAt: 1_500_000_000_000,
    });
  });

  it("stages on the storage's own file system", async () => {
    const root = temp("fs-staging");
    const s = await make(root);
    const staging = await s.stagingDir();
    expect(staging.startsWith(realpathSync(root))).toBe(true);
    expect(statSync(staging).dev).toBe(statSync(root).dev);
  });

  it("moves a staged source in, and copies (never deletes) a file from elsewhere", async () => {
    const root = temp("fs-sources");
    const s = await make(root);
    const staged = join(await s.stagingDir(), "dl.part");
    writeFileSync(staged, "zip A");
    await s.putOnce("example.com/a", "v1.0.0", "zip", { path: staged });
    expect(existsSync(staged)).toBe(false);

    // A redundant staged download is cleaned up too.
    writeFileSync(staged, "zip A again");
    await s.putOnce("example.com/a", "v1.0.0", "zip", { path: staged });
    expect(existsSync(staged)).toBe(false);

    const outside = join(temp("fs-modcache"), "v1.0.0.zip");
    writeFileSync(outside, "zip B");
    await s.putOnce("example.com/b", "v1.0.0", "zip", { path: outside });
    expect(readFileSync(outside, "utf8")).toBe("zip B");
    expect(readFileSync(join(root, "example.com/b/@v/v1.0.0.zip"), "utf8")).toBe("zip B");
    expect(statSync(outside).ino).not.toBe(statSync(join(root, "example.com/b/@v/v1.0.0.zip")).ino);
  });

  it("never replaces a stored file (same inode after a second put)", async () => {
    const root = temp("fs-immutable");
    const s = await make(root);
    await s.putOnce("example.com/a", "v1.0.0", "mod", { data: Buffer.from("one") });
    const file = join(root, "example.com/a/@v/v1.0.0.mod");
    const before = statSync(file);
    await s.putOnce("example.com/a", "v1.0.0", "mod", { data: Buffer.from("two") });
    const after = statSync(file);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(readFileSync(file, "utf8")).toBe("one");
  });

  it("never shows a partial file while a large one is written", async () => {
    const root = temp("fs-partial");
    const s = await make(root);
    const size = 32 << 20;
    const file = join(root, "example.com/big/@v/v1.0.0.zip");
    const seen = new Set<number>();
    let done = false;
    const poll = (async () => {
      while (!done) {
        const st = await stat(file).catch(() => undefined);
        if (st) seen.add(st.size);
        await new Promise((r) => setImmediate(r));
      }
    })();
    await s.putOnce("example.com/big", "v1.0.0", "zip", { data: Buffer.alloc(size, 1) });
    done = true;
    await poll;
    seen.add(statSync(file).size);
    expect([...seen]).toEqual([size]);
  });

  it("remembers zip recency across a restart", async () => {
    const root = temp("fs-restart");
    let clock = Math.floor(Date.now() / 1000) * 1000;
    const now = () => clock;
    const s1 = await make(root, now);
    for (const v of ["v1.0.0", "v1.1.0", "v1.2.0"]) {
      await s1.putOnce("example.com/a", v, "zip", { data: Buffer.alloc(100, 1) });
      clock += 600_000;
    }
    await s1.get("example.com/a", "v1.0.0", "zip");
    clock += 10_000;
    await s1.get("example.com/a", "v1.1.0", "zip");
    clock += 10_000;
    // Within a minute of its last write to disk, this use stays in memory until close.
    await s1.get("example.com/a", "v1.0.0", "zip");
    await s1.close();

    const s2 = await make(root, now);
    // Least recent now: v1.2.0 (put only), then v1.1.0, then v1.0.0.
    expect(await s2.evict(200)).toBe(1);
    expect(existsSync(join(root, "example.com/a/@v/v1.2.0.zip"))).toBe(false);
    expect(await s2.evict(100)).toBe(1);
    expect(existsSync(join(root, "example.com/a/@v/v1.1.0.zip"))).toBe(false);
    expect(existsSync(join(root, "example.com/a/@v/v1.0.0.zip"))).toBe(true);
  });

  it("evicts zips it did not write (a copied module cache) by their access time", async () => {
    const root = temp("fs-foreign");
    const dir = join(root, "example.com/a/@v");
    mkdirSync(dir, { recursive: true });
    const t = Math.floor(Date.now() / 1000);
    for (const [v, atime] of [
      ["v1.0.0", t - 300],
      ["v1.1.0", t - 100],
      ["v1.2.0", t - 200],
    ] as const) {
      writeFileSync(join(dir, `${v}.zip`), Buffer.alloc(100));
      writeFileSync(join(dir, `${v}.ziphash`), "h1:x");
      writeFileSync(join(dir, `${v}.mod`), "module example.com/a\n");
      utimesSync(join(dir, `${v}.zip`), atime, t - 1000);
    }
    const s = await make(root);
    expect(await s.evict(100)).toBe(2);
    expect(readdirSync(dir).filter((f) => f.endsWith(".zip"))).toEqual(["v1.1.0.zip"]);
    expect(readdirSync(dir).filter((f) => f.endsWith(".mod"))).toHaveLength(3);
    expect(readdirSync(dir).filter((f) => f.endsWith(".ziphash"))).toHaveLength(3);
  });

  it("touches nothing outside its root, whatever the names", async () => {
    const parent = temp("fs-escape");
    const root = join(parent, "root");
    const victim = join(parent, "victim");
    mkdirSync(victim);
    writeFileSync(join(victim, "keep"), "keep");
    const s = await make(root);
    const attempts: Promise<unknown>[] = [
      s.putOnce("../victim", "v1.0.0", "mod", { data: Buffer.from("x") }),
      s.putOnce("example.com/x", "../../victim/keep", "mod", { data: Buffer.from("x") }),
      s.putOnce("example.com/x", "..", "mod", { data: Buffer.from("x") }),
      s.putTile("../victim/tile/8/0/000", Buffer.from("x")),
      s.putTile("sum.golang.org/tile/8/0/../../../../victim/keep", Buffer.from("x")),
      s.putAnswer("list", "../victim", { body: "x", status: 200, fetchedAt: 1 }),
    ];
    for (const a of attempts) await expect(a).rejects.toThrow();
    await s.putAnswer("notfound", "../../victim/keep", { body: "x", status: 404, fetchedAt: 1 });
    expect(readdirSync(parent).sort()).toEqual(["root", "victim"]);
    expect(readdirSync(victim)).toEqual(["keep"]);
    expect(readFileSync(join(victim, "keep"), "utf8")).toBe("keep");
  });

  it("drops not-found records long past any TTL, so probes and typos do not pile up", async () => {
    const root = temp("fs-prune");
    const s1 = await make(root);
    const old = { body: "gone", status: 404, fetchedAt: 1 };
    await s1.putAnswer("notfound", "example.com/old/@latest", old);
    await s1.close();
    const records = () =>
      readdirSync(join(root, ".gopave/answers/notfound"), { recursive: true }).filter((f) =>
        String(f).endsWith(".json"),
      );
    expect(records()).toHaveLength(1);
    const [file] = records();
    const twoDaysAgo = Date.now() / 1000 - 2 * 24 * 3600;
    utimesSync(join(root, ".gopave/answers/notfound", String(file)), twoDaysAgo, twoDaysAgo);

    const s2 = await make(root);
    await s2.putAnswer("notfound", "example.com/new/@latest", { ...old, fetchedAt: Date.now() });
    await s2.close();
    expect(records()).toHaveLength(1);
    const s3 = await make(root);
    expect(await s3.getAnswer("notfound", "example.com/old/@latest")).toBeUndefined();
    expect(await s3.getAnswer("notfound", "example.com/new/@latest")).toBeDefined();
  });

  it("clears what killed processes of this host left in staging, but not live or fresh temps", async () => {
    const root = temp("fs-stale");
    await (await make(root)).close();
    const staging = join(root, ".gopave", "staging");
    const put = (rel: string, ageMs = 0) => {
      const path = join(staging, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, "x");
      const t = (Date.now() - ageMs) / 1000;
      utimesSync(path, t, t);
    };
    const host = hostname().replace(/[^A-Za-z0-9.-]/g, "_");
    const day = 24 * 3600 * 1000;
    // Above any pid_max: a process that cannot be running.
    put(`${host}-4194400-aaaaaa/.gopave-1.zip`);
    put(`${host}-${process.pid}-bbbbbb/left-by-an-earlier-life-of-this-pid.tmp`);
    // The parent process is alive: its temps stay.
    put(`${host}-${process.ppid}-cccccc/live.tmp`);
    // Another host's directory: only what is a day old goes.
    put(`other-host-7-dddddd/old.tmp`, 2 * day);
    put(`other-host-7-dddddd/fresh.tmp`);
    // Loose files of older gopave versions: the day rule.
    put("old.tmp", 2 * day);
    put("fresh.tmp");
    const s = await make(root);
    const own = basename(await s.stagingDir());
    expect(readdirSync(staging).sort()).toEqual(
      ["fresh.tmp", `${host}-${process.ppid}-cccccc`, "other-host-7-dddddd", own].sort(),
    );
    expect(readdirSync(join(staging, "other-host-7-dddddd"))).toEqual(["fresh.tmp"]);
    // Closing removes its own staging directory.
    await s.close();
    expect(readdirSync(staging)).not.toContain(own);
  });
});

describe("openStorage", () => {
  it("opens file:// URLs and plain paths", async () => {
    const dir = temp("open");
    const a = await openStorage(pathToFileURL(join(dir, "a")).href, { cwd: "/" });
    await a.putOnce("example.com/m", "v1.0.0", "mod", { data: Buffer.from("m") });
    await a.close();
    expect(existsSync(join(dir, "a/example.com/m/@v/v1.0.0.mod"))).toBe(true);
    const b = await openStorage("b", { cwd: dir });
    await b.close();
    expect(existsSync(join(dir, "b/.gopave/staging"))).toBe(true);
  });

  it("refuses other schemes and remote file URLs with a usage error", async () => {
    await expect(openStorage("gs://bucket/x", { cwd: "/" })).rejects.toThrow(GopaveError);
    await expect(openStorage("file://server/share", { cwd: "/" })).rejects.toThrow(/host/);
  });

  it("defaults to a per-user cache directory", () => {
    expect(defaultStorageUrl({ XDG_CACHE_HOME: "/c" })).toBe("file:///c/gopave/proxy");
    expect(defaultStorageUrl({ HOME: "/home/u" })).toBe("file:///home/u/.cache/gopave/proxy");
  });
});
