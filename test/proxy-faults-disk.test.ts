import { execFileSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgents } from "../src/proxy/protocol/http-get.js";
import { fetchZip } from "../src/proxy/protocol/upstream-fetch.js";
import { StorageWriteError } from "../src/proxy/storage/write-error.js";
import { startLocalUpstream } from "./helpers/local-upstream.js";
import type { LocalUpstream } from "./helpers/local-upstream.js";
import { startServe } from "./helpers/proxy-faults-cli.js";
import type { ServeProcess } from "./helpers/proxy-faults-cli.js";
import { makeFaultModules } from "./helpers/proxy-faults-modules.js";
import { startFaultUpstream } from "./helpers/proxy-faults-upstream.js";
import type { FaultModule, FaultModules } from "./helpers/proxy-faults-modules.js";

/**
 * A full disk under the filesystem storage (a real 8 MiB tmpfs, so the kernel says ENOSPC, as
 * on a real volume): a zip that cannot be downloaded into storage is refused with 507 naming the
 * storage, ENOSPC and the way out; a small verified file is still answered (correct bytes from
 * memory) while its failed write is logged; nothing partial stays on disk; once space is freed
 * the same requests succeed and are stored. Needs root (mount) and `npm run build`.
 */
let work: string;
let mnt: string;
let mods: FaultModules;
let upstream: LocalUpstream;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "gopave-faults-disk-"));
  mnt = join(work, "mnt");
  mkdirSync(mnt);
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt], { stdio: "pipe" });
  } catch (err) {
    const why = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? String(err);
    throw new Error(
      `cannot mount an 8 MiB tmpfs at ${mnt} (this test needs root to make a real full disk): ${why}`,
    );
  }
  mods = await makeFaultModules(join(work, "upstream"), [
    { path: "example.test/disk/big", version: "v1.0.0", blobBytes: 3 * 1024 * 1024 },
    { path: "example.test/disk/small", version: "v1.0.0", blobBytes: 100 * 1024 },
  ]);
  upstream = await startLocalUpstream(mods.root);
}, 120_000);

afterAll(async () => {
  await serve?.kill("SIGTERM");
  await upstream?.close();
  if (mnt) execFileSync("umount", ["-l", mnt], { stdio: "ignore" });
  if (work) rmSync(work, { recursive: true, force: true });
  if (mods) rmSync(join(mods.goSum, ".."), { recursive: true, force: true });
});

/** Writes `path` until the file system refuses: afterwards not one more block fits. */
function fillUp(path: string): void {
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe("ENOSPC");
  } finally {
    closeSync(fd);
  }
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

const pathOf = (m: FaultModule, ext: string) =>
  [...m.files.keys()].find((p) => p.endsWith(`.${ext}`)) as string;

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

describe("a full disk under fs storage (tmpfs, built CLI)", () => {
  it("refuses what cannot be stored with 507, leaves nothing partial, and recovers when space is freed", async () => {
    const [big, small] = mods.modules as [FaultModule, FaultModule];
    const storage = join(mnt, "storage");
    const dir = join(work, "serve");
    mkdirSync(dir);
    serve = await startServe({
      dir,
      storage,
      upstream: upstream.url,
      trustedSums: [mods.goSum],
      extraArgs: ["--memory-cache", "1MiB", "--no-prefetch"],
    });
    const filler = join(mnt, "filler");
    fillUp(filler);

    // A zip is downloaded into storage before anything else: no space, no download.
    for (const m of [big, small]) {
      const r = await fetch(`${serve.url}${pathOf(m, "zip")}`);
      const text = await r.text();
      expect(r.status, text).toBe(507);
      expect(text).toContain("ENOSPC");
      expect(text).toContain(storage);
      expect(text).toMatch(/free space/);
    }
    // A verified go.mod is answered from memory; its write fails, and says so in the log.
    const mod = await fetch(`${serve.url}${pathOf(small, "mod")}`);
    expect(mod.status).toBe(200);
    expect(
      Buffer.from(await mod.arrayBuffer()).equals(small.files.get(pathOf(small, "mod")) as Buffer),
    ).toBe(true);
    expect(
      await until(
        () =>
          /storage write failed.*ENOSPC|ENOSPC.*storage write failed/.test(serve?.stdout() ?? ""),
        5000,
      ),
      serve.stdout(),
    ).toBe(true);
    // A full disk is not a broken proxy: everything already stored can still be served.
    expect((await fetch(`${serve.url}/readyz`)).status).toBe(200);
    expect(
      // Answers (not-founds) and replica heartbeats are small records, not module files.
      files(storage).filter(
        (f) => !f.startsWith(".gopave/answers/") && !f.startsWith(".gopave/replicas/"),
      ),
      "nothing partial",
    ).toEqual([]);

    // Space freed: the same requests succeed, and the go.mod is stored by the retry.
    rmSync(filler);
    for (const m of [big, small]) {
      for (const ext of ["mod", "zip", "info"]) {
        const p = pathOf(m, ext);
        const r = await fetch(`${serve.url}${p}`);
        expect(r.status, `${p}: ${await r.clone().text()}`).toBe(200);
        expect(Buffer.from(await r.arrayBuffer()).equals(m.files.get(p) as Buffer), p).toBe(true);
        const stored = join(storage, ...p.split("/").slice(1));
        expect(
          await until(() => existsSync(stored), 5000),
          `${p} stored after the disk was freed`,
        ).toBe(true);
        expect(readFileSync(stored).equals(m.files.get(p) as Buffer), p).toBe(true);
      }
    }
  }, 90_000);

  it("tells a full disk under the download from an upstream that cut the body", async () => {
    const big = mods.modules[0] as FaultModule;
    const path = pathOf(big, "zip").slice(1);
    const faulty = await startFaultUpstream(mods.root);
    const http = { agents: createAgents(), userAgent: "gopave-test" };
    const filler = join(mnt, "filler2");
    try {
      // A cut body on a disk with room: the upstream's failure, with words for it.
      faulty.fault(`/${path}`, "truncate");
      const cut = await fetchZip(
        faulty.url,
        path,
        join(mnt, "cut.zip"),
        AbortSignal.timeout(5000),
        http,
      );
      expect(cut).toMatchObject({ ok: false, notFound: false });
      if (!cut.ok)
        expect(cut.message).toMatch(/the connection closed before the whole answer arrived/);
      // A healthy upstream onto a full disk: the storage's failure, not the upstream's.
      faulty.fault(`/${path}`, "ok");
      fillUp(filler);
      const full = fetchZip(
        faulty.url,
        path,
        join(mnt, "full.zip"),
        AbortSignal.timeout(5000),
        http,
      );
      await expect(full).rejects.toBeInstanceOf(StorageWriteError);
      await expect(full).rejects.toMatchObject({
        full: true,
        message: expect.stringContaining("ENOSPC"),
      });
    } finally {
      rmSync(filler, { force: true });
      await faulty.close();
    }
  }, 30_000);
});
