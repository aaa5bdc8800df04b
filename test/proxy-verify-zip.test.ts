import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZipFile } from "yazl";
import { checkZip, hashZip } from "../src/proxy/verify/index.js";
import { createZipScanPool } from "../src/proxy/verify/zip-pool.js";
import { scanZip } from "../src/proxy/verify/zip-scan.js";

type ZipItem = { name: string; data?: string | Buffer; compress?: boolean; dir?: boolean };

async function makeZip(items: ZipItem[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const it of items) {
    if (it.dir) zip.addEmptyDirectory(it.name);
    else zip.addBuffer(Buffer.from(it.data ?? ""), it.name, { compress: it.compress ?? true });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Rewrites every occurrence of `from` (names in local and central headers) with same-length `to`. */
function patchName(zip: Buffer, from: string, to: string): Buffer {
  const a = Buffer.from(from);
  const b = Buffer.from(to);
  if (a.length !== b.length) throw new Error("same length only");
  const out = Buffer.from(zip);
  for (let i = out.indexOf(a); i >= 0; i = out.indexOf(a, i + 1)) b.copy(out, i);
  return out;
}

/** Makes the central directory lie about an entry's uncompressed size. */
function declareSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  const want = Buffer.from(name);
  const sig = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let i = out.indexOf(sig); i >= 0; i = out.indexOf(sig, i + 1)) {
    const len = out.readUInt16LE(i + 28);
    if (out.subarray(i + 46, i + 46 + len).equals(want)) {
      out.writeUInt32LE(size, i + 24);
      return out;
    }
  }
  throw new Error(`no central entry ${name}`);
}

const MOD = "example.com/zipcheck";
const V = "v1.0.0";
const P = `${MOD}@${V}/`;
const GOMOD = `module ${MOD}\n`;

let top: string;
let n = 0;
async function problems(zip: Buffer, mod = MOD, ver = V): Promise<string[]> {
  const path = join(top, `z${n++}.zip`);
  await writeFile(path, zip);
  return checkZip(path, mod, ver);
}

beforeAll(async () => {
  top = await mkdtemp(join(tmpdir(), "gopave-zipcheck-"));
});
afterAll(async () => {
  await rm(top, { recursive: true, force: true });
});

describe("checkZip (golang.org/x/mod/zip rules)", () => {
  it("accepts a well-formed module zip", async () => {
    const zip = await makeZip([
      { name: `${P}go.mod`, data: GOMOD },
      { name: `${P}LICENSE`, data: "MIT" },
      { name: `${P}internal`, dir: true },
      { name: `${P}internal/x.go`, data: "package x" },
      { name: `${P}vendor/modules.txt`, data: "" },
    ]);
    expect(await problems(zip)).toEqual([]);
  });

  it("refuses entries without the module@version/ prefix", async () => {
    const zip = await makeZip([
      { name: `${P}go.mod`, data: GOMOD },
      { name: `example.com/other@${V}/x.go`, data: "package x" },
      { name: `${MOD}@v1.0.1/y.go`, data: "package y" },
    ]);
    const got = await problems(zip);
    expect(got).toHaveLength(2);
    expect(got[0]).toContain(`path does not have prefix "${P}"`);
  });

  it("refuses path traversal and unclean paths", async () => {
    const raw = await makeZip([
      { name: `${P}go.mod`, data: GOMOD },
      { name: `${P}xx/xx/evil.go`, data: "package evil" },
      { name: `${P}./dot.go`, data: "package dot" },
      { name: `${P}a/xx/xx/b.go`, data: "package b" },
    ]);
    const patched = patchName(patchName(raw, `${P}xx/xx/`, `${P}../../`), "a/xx/xx/", "a/../../");
    const got = await problems(patched);
    expect(got).toEqual([
      // Already clean, so it fails CheckFilePath instead, exactly as in Go.
      `"${P}../../evil.go": malformed file path "../../evil.go": invalid path element ".."`,
      `"${P}./dot.go": file path is not clean`,
      `"${P}a/../../b.go": file path is not clean`,
    ]);
  });

  it("refuses names equal under Unicode case folding", async () => {
    const got = await problems(
      await makeZip([
        { name: `${P}go.mod`, data: GOMOD },
        { name: `${P}Readme.md`, data: "a" },
        { name: `${P}README.md`, data: "b" },
        { name: `${P}k.go`, data: "package k" },
        { name: `${P}\u212a.go`, data: "package k" }, // KELVIN SIGN folds to k
      ]),
    );
    expect(got).toEqual([
      `"${P}README.md": case-insensitive file name collision: "Readme.md" and "README.md"`,
      `"${P}\u212a.go": case-insensitive file name collision: "k.go" and "\u212a.go"`,
    ]);
  });

  it("refuses a file that is also a directory, and duplicate entries", async () => {
    const got = await problems(
      await makeZip([
        { name: `${P}go.mod`, data: GOMOD },
        { name: `${P}a`, data: "file" },
        { name: `${P}a/b.go`, data: "package b" },
        { name: `${P}c.go`, data: "package c" },
        { name: `${P}c.go`, data: "package c" },
      ]),
    );
    expect(got).toEqual([
      `"${P}a/b.go": entry "a" is both a file and a directory`,
      `"${P}c.go": multiple entries for file "c.go"`,
    ]);
  });

  it("refuses invalid file names and misplaced go.mod files", async () => {
    const got = await problems(
      await makeZip([
        { name: `${P}go.mod`, data: GOMOD },
        { name: `${P}a:b.go`, data: "" },
        { name: `${P}con.txt`, data: "" },
        { name: `${P}sub/go.mod`, data: "module x" },
        { name: `${P}tab\tname.go`, data: "" },
      ]),
    );
    expect(got).toEqual([
      `"${P}a:b.go": malformed file path "a:b.go": invalid char ":"`,
      `"${P}con.txt": malformed file path "con.txt": "con" disallowed as path element component on Windows`,
      `"${P}sub/go.mod": go.mod file not in module root directory`,
      `"${P}tab\\tname.go": malformed file path "tab\\tname.go": invalid char "\\t"`,
    ]);
  });

  it("refuses a go.mod whose name is not lower case", async () => {
    const zip = await makeZip([{ name: `${P}GO.MOD`, data: GOMOD }]);
    expect(await problems(zip)).toEqual([`"${P}GO.MOD": go.mod files must have lowercase names`]);
    const both = await makeZip([
      { name: `${P}go.mod`, data: GOMOD },
      { name: `${P}Go.Mod`, data: GOMOD },
    ]);
    expect(await problems(both)).toEqual([
      `"${P}Go.Mod": case-insensitive file name collision: "go.mod" and "Go.Mod"`,
    ]);
  });

  it("refuses a non-canonical version or one that does not fit the path's major version", async () => {
    const zip = await makeZip([{ name: `${P}go.mod`, data: GOMOD }]);
    expect(await problems(zip, MOD, "v1.0")).toEqual([
      `version "v1.0" is not canonical (should be "v1.0.0")`,
    ]);
    expect((await problems(zip, `${MOD}/v2`, "v1.0.0"))[0]).toContain("should be v2, not v1");
  });

  it("refuses a go.mod or LICENSE over 16 MiB and contents over 500 MiB (declared sizes)", async () => {
    const big = Buffer.alloc((16 << 20) + 1, 0x20);
    const got = await problems(
      await makeZip([
        { name: `${P}go.mod`, data: Buffer.concat([Buffer.from(GOMOD), big]) },
        { name: `${P}LICENSE`, data: big },
      ]),
    );
    expect(got).toEqual([
      `"${P}go.mod": go.mod file too large (max size is ${16 << 20} bytes)`,
      `"${P}LICENSE": LICENSE file too large (max size is ${16 << 20} bytes)`,
    ]);

    let huge = await makeZip([
      { name: `${P}go.mod`, data: GOMOD },
      { name: `${P}a.bin`, data: "a" },
      { name: `${P}b.bin`, data: "b" },
    ]);
    huge = declareSize(declareSize(huge, `${P}a.bin`, 300 << 20), `${P}b.bin`, 300 << 20);
    expect(await problems(huge)).toEqual([
      `total uncompressed size of module contents too large (max size is ${500 << 20} bytes)`,
    ]);
  });

  it("measures inflated bytes: a zip whose declared sizes lie is refused", async () => {
    // 17 MiB of go.mod declared as 100 bytes: the declared-size rules pass, inflation does not.
    const bomb = Buffer.alloc(17 << 20, 0x20);
    let zip = await makeZip([
      { name: `${P}go.mod`, data: Buffer.concat([Buffer.from(GOMOD), bomb]) },
    ]);
    expect(zip.length).toBeLessThan(1 << 20);
    zip = declareSize(zip, `${P}go.mod`, 100);
    expect(await problems(zip)).toEqual([
      `"${P}go.mod": inflates to more than its declared size (100 bytes)`,
    ]);

    let short = await makeZip([
      { name: `${P}go.mod`, data: GOMOD },
      { name: `${P}x.go`, data: "package x" },
    ]);
    short = declareSize(short, `${P}x.go`, 1000);
    expect(await problems(short)).toEqual([
      `"${P}x.go": inflates to less than its declared size (1000 bytes)`,
    ]);

    const path = join(top, "lying.zip");
    await writeFile(path, zip);
    await expect(hashZip(path)).rejects.toThrow(/declared size/);
  });

  it("refuses a zip file over 500 MiB without reading it, and a file that is not a zip", async () => {
    const path = join(top, "sparse.zip");
    await writeFile(path, "");
    await truncate(path, (500 << 20) + 1);
    expect(await checkZip(path, MOD, V)).toEqual([
      `module zip file is too large (${(500 << 20) + 1} bytes; limit is ${500 << 20} bytes)`,
    ]);
    const junk = join(top, "junk.zip");
    await writeFile(junk, "this is not a zip");
    expect((await checkZip(junk, MOD, V))[0]).toMatch(/^not a readable zip file/);
  });
});

describe("zip check pool", () => {
  it("runs at most `concurrency` checks at once and answers each queued one in turn", async () => {
    const pool = createZipScanPool(2);
    try {
      const path = join(top, "bounded.zip");
      await writeFile(path, await makeZip([{ name: `${P}go.mod`, data: GOMOD }]));
      const scans = Array.from({ length: 7 }, () => pool.scan(path, { module: MOD, version: V }));
      expect(pool.running()).toBe(2);
      const results = await Promise.all(scans);
      expect(pool.running()).toBe(0);
      expect(new Set(results.map((r) => r.hash)).size).toBe(1);
      expect(results[0]?.hash).toMatch(/^h1:/);
    } finally {
      await pool.close();
    }
  });

  it("gives the same answers as checking on this thread, for good and bad zips alike", async () => {
    const pool = createZipScanPool(2);
    try {
      const good = await makeZip([
        { name: `${P}go.mod`, data: GOMOD },
        { name: `${P}x.go`, data: "package x" },
      ]);
      const cases = [
        good,
        await makeZip([{ name: "other.example/x.go", data: "package x" }]),
        declareSize(good, `${P}x.go`, 1000),
        Buffer.from("this is not a zip"),
      ];
      const paths = await Promise.all(
        cases.map(async (zip, i) => {
          const path = join(top, `pool-${i}.zip`);
          await writeFile(path, zip);
          return path;
        }),
      );
      // More zips than workers at once: queued, each answered for its own zip.
      const viaPool = await Promise.all(
        paths.map((p) => pool.scan(p, { module: MOD, version: V })),
      );
      const here = await Promise.all(paths.map((p) => scanZip(p, { module: MOD, version: V })));
      expect(viaPool).toEqual(here);
      expect(viaPool[0]?.hash).toMatch(/^h1:/);
      expect(viaPool.slice(1).every((s) => s.problems.length > 0)).toBe(true);
      expect(await pool.scan(paths[0] as string, undefined)).toEqual(
        await scanZip(paths[0] as string, undefined),
      );
    } finally {
      await pool.close();
    }
    await expect(pool.scan(join(top, "pool-0.zip"), undefined)).rejects.toThrow(/closed/);
  });

  it("on close, finishes the check in progress and rejects the queued ones; a missing file is an error", async () => {
    const pool = createZipScanPool(1);
    await expect(pool.scan(join(top, "no-such.zip"), undefined)).rejects.toThrow(/ENOENT/);
    const zip = await makeZip([{ name: `${P}go.mod`, data: GOMOD }]);
    const path = join(top, "pool-close.zip");
    await writeFile(path, zip);
    const running = pool.scan(path, undefined);
    const queued = expect(pool.scan(path, undefined)).rejects.toThrow(/closed/);
    await pool.close();
    expect(pool.running()).toBe(0);
    expect((await running).hash).toMatch(/^h1:/);
    await queued;
  });
});
