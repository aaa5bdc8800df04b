import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZipFile } from "yazl";
import { hashMod, hashZip } from "../src/proxy/verify/index.js";

const run = promisify(execFile);

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

/** Puts module@version into a GOMODCACHE-style download directory (a file:// GOPROXY). */
async function publish(dir: string, mod: string, ver: string, gomod: string, zip: Buffer) {
  const at = join(dir, mod, "@v");
  await mkdir(at, { recursive: true });
  await writeFile(join(at, "list"), `${ver}\n`);
  await writeFile(
    join(at, `${ver}.info`),
    JSON.stringify({ Version: ver, Time: "2024-01-01T00:00:00Z" }),
  );
  await writeFile(join(at, `${ver}.mod`), gomod);
  await writeFile(join(at, `${ver}.zip`), zip);
}

/** What the real go command records in go.sum for module@version served from `proxyDir`. */
async function goSums(top: string, proxyDir: string, target: string) {
  const work = await mkdtemp(join(top, "work-"));
  await writeFile(join(work, "go.mod"), "module example.com/consumer\n\ngo 1.21\n");
  // Telemetry off: otherwise go leaves a child process writing under HOME (= work) after it
  // exits, and removing the directory races with it (ENOTEMPTY).
  await mkdir(join(work, ".config", "go", "telemetry"), { recursive: true });
  await writeFile(join(work, ".config", "go", "telemetry", "mode"), "off\n");
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: work,
    GOPATH: join(work, "gopath"),
    GOMODCACHE: join(work, "gopath", "pkg", "mod"),
    GOCACHE: join(work, "gocache"),
    GOENV: "off",
    GOTOOLCHAIN: "local",
    GOFLAGS: "-mod=mod",
    GOPROXY: `file://${proxyDir}`,
    GOSUMDB: "off",
    GO111MODULE: "on",
  };
  const { stdout } = await run("go", ["mod", "download", "-json", target], { cwd: work, env });
  const info = JSON.parse(stdout) as {
    Sum?: string;
    GoModSum?: string;
    Error?: string;
    Zip?: string;
  };
  if (info.Error) throw new Error(info.Error);
  return info;
}

const MOD = "example.com/hashme";
const GOMOD = `module ${MOD}\n\ngo 1.21\n`;
// "Ａ" (U+FF21) sorts after "𐐀" (U+10400) in JS (UTF-16 units) but before it in Go (UTF-8 bytes).
const TRICKY = [
  "a/z.go",
  "a/é.go",
  "a/Upper.go",
  "a/lower.go",
  "a/Ａ.go",
  "a/𐐀.go",
  "B.go",
  "a.go",
];

let top: string;
let proxyDir: string;

beforeAll(async () => {
  top = await mkdtemp(join(tmpdir(), "gopave-dirhash-"));
  proxyDir = join(top, "proxy");
});

afterAll(async () => {
  await rm(top, { recursive: true, force: true });
});

describe("h1 hashes agree with the go command", () => {
  it("hashes a zip with non-ASCII names, mixed compression and a directory entry like go does", async () => {
    const v = "v1.0.0";
    const p = `${MOD}@${v}/`;
    const zip = await makeZip([
      { name: `${p}go.mod`, data: GOMOD },
      { name: `${p}LICENSE`, data: "MIT\n", compress: false },
      { name: `${p}empty`, dir: true },
      ...TRICKY.map((n, i) => ({
        name: `${p}${n}`,
        data: `package a // ${i}\n`,
        compress: i % 2 === 0,
      })),
    ]);
    await publish(proxyDir, MOD, v, GOMOD, zip);
    const zipPath = join(top, "a.zip");
    await writeFile(zipPath, zip);

    const go = await goSums(top, proxyDir, `${MOD}@${v}`);
    expect(go.Sum).toMatch(/^h1:/);
    expect(await hashZip(zipPath)).toBe(go.Sum);
    expect(hashMod(Buffer.from(GOMOD))).toBe(go.GoModSum);
  });

  it("sorts names by UTF-8 bytes: JS string order gives a different hash here", async () => {
    const v = "v1.1.0";
    const p = `${MOD}@${v}/`;
    const names = TRICKY.map((n) => `${p}${n}`);
    const zip = await makeZip([
      { name: `${p}go.mod`, data: GOMOD },
      ...names.map((name) => ({ name, data: name })),
    ]);
    await publish(proxyDir, MOD, v, GOMOD, zip);
    const zipPath = join(top, "b.zip");
    await writeFile(zipPath, zip);

    const go = await goSums(top, proxyDir, `${MOD}@${v}`);
    expect(await hashZip(zipPath)).toBe(go.Sum);

    // The same summary sorted with Array.prototype.sort (UTF-16) disagrees with Go.
    const all = [`${p}go.mod`, ...names];
    const content = new Map(all.map((n) => [n, n.endsWith("go.mod") ? GOMOD : n]));
    const summary = [...all]
      .sort()
      .map(
        (n) =>
          `${createHash("sha256")
            .update(content.get(n) ?? "")
            .digest("hex")}  ${n}\n`,
      )
      .join("");
    const jsOrder = `h1:${createHash("sha256").update(summary).digest("base64")}`;
    expect(jsOrder).not.toBe(go.Sum);
  });

  it("hashes entries bigger than the 1 MiB read and inflate windows like go does", async () => {
    const v = "v1.3.0";
    const p = `${MOD}@${v}/`;
    // Compressible text spanning several output pieces, and bytes that do not compress (so the
    // compressed entry spans several read windows too), deflated and stored.
    const text = Buffer.from("package big // a line of Go source\n".repeat(150_000));
    const noise = Buffer.alloc(3 << 20);
    for (let i = 0, x = 7; i < noise.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      noise[i] = x >>> 24;
    }
    const zip = await makeZip([
      { name: `${p}go.mod`, data: GOMOD },
      { name: `${p}big.go`, data: text },
      { name: `${p}noise.bin`, data: noise },
      { name: `${p}noise-stored.bin`, data: noise, compress: false },
      { name: `${p}z.go`, data: "package big\n" },
    ]);
    await publish(proxyDir, MOD, v, GOMOD, zip);
    const zipPath = join(top, "big.zip");
    await writeFile(zipPath, zip);
    const go = await goSums(top, proxyDir, `${MOD}@${v}`);
    expect(await hashZip(zipPath)).toBe(go.Sum);
  });

  it("hashes a go.mod as the single file go.mod, like go.sum's /go.mod lines", async () => {
    const v = "v1.2.0";
    const gomod = `module ${MOD}\n\ngo 1.22\n\nrequire example.com/other v1.0.0\n`;
    const zip = await makeZip([{ name: `${MOD}@${v}/go.mod`, data: gomod }]);
    await publish(proxyDir, MOD, v, gomod, zip);
    const go = await goSums(top, proxyDir, `${MOD}@${v}`);
    expect(hashMod(Buffer.from(gomod))).toBe(go.GoModSum);
  });
});
