import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalUpstream } from "./helpers/local-upstream.js";
import type { LocalUpstream } from "./helpers/local-upstream.js";
import { GOPAVE_BIN, startServe } from "./helpers/proxy-faults-cli.js";
import { makeFaultModules } from "./helpers/proxy-faults-modules.js";
import type { FaultModules } from "./helpers/proxy-faults-modules.js";
import { mulberry32 } from "./helpers/seeded-random.js";

/**
 * Crash safety of the filesystem storage: the built CLI is SIGKILLed at a random moment while
 * 100 requests (cold zips of a few MB among them) are in flight, 20 times on one storage dir.
 * Afterwards every stored file is whole and verifies, nothing but module files is in the module
 * tree, a restart leaves no crash debris in staging, and every file is served byte for byte.
 * Needs `npm run build` (it runs bin/gopave.js).
 */
const SEED = Number(process.env.GOPAVE_FUZZ_SEED ?? 5150);
const ROUNDS = 20;
const CONCURRENCY = 100;

let work: string;
let mods: FaultModules;
let upstream: LocalUpstream;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "gopave-faults-kill-"));
  const specs = Array.from({ length: 12 }, (_, i) => ({
    path: `example.test/crash/m${i}`,
    version: `v1.0.${i}`,
    blobBytes: (1 + (i % 4)) * 1024 * 1024,
  }));
  mods = await makeFaultModules(join(work, "upstream"), specs);
  upstream = await startLocalUpstream(mods.root);
}, 120_000);

afterAll(async () => {
  await upstream?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  if (mods) rmSync(join(mods.goSum, ".."), { recursive: true, force: true });
});

/** GET that resolves with status and body, or with the error a killed server causes. */
function get(url: string): Promise<{ status: number; body: Buffer } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", (e) => resolve({ error: e.message }));
    });
    req.on("error", (e) => resolve({ error: e.message }));
    req.end();
  });
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

function proxyVerify(storage: string, goSum: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [GOPAVE_BIN, "proxy", "verify", "--storage", pathToFileURL(storage).href, "--go-sum", goSum],
      { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, out: `${stdout}\n${stderr}` }),
    );
  });
}

describe("SIGKILL during downloads (fs storage, built CLI)", () => {
  it(`survives ${ROUNDS} kills under ${CONCURRENCY} concurrent requests (seed ${SEED})`, async () => {
    const rand = mulberry32(SEED);
    const storage = join(work, "storage");
    const dir = join(work, "serve");
    mkdirSync(dir);
    const paths = mods.modules.flatMap((m) => [...m.files.keys()]);
    let completed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const serve = await startServe({
        dir,
        storage,
        upstream: upstream.url,
        trustedSums: [mods.goSum],
        // Every other round without the memory cache: zips are then moved into storage before
        // they are answered and streamed from there (otherwise answered from memory while written).
        extraArgs: round % 2 === 0 ? [] : ["--memory-cache", "0"],
      });
      const requests = Array.from({ length: CONCURRENCY }, () =>
        get(`${serve.url}${paths[Math.floor(rand() * paths.length)] as string}`),
      );
      await new Promise((r) => setTimeout(r, 20 + Math.floor(rand() * 400)));
      expect(await serve.kill("SIGKILL")).toBe("SIGKILL");
      for (const r of await Promise.all(requests)) {
        // A response that completed before the kill is correct; others just failed.
        if ("status" in r && r.status === 200) completed++;
      }
    }
    expect(completed, "some requests completed between kills").toBeGreaterThan(0);

    // Everything in the module tree is a module file with exactly the upstream's bytes.
    const expected = new Map<string, Buffer>();
    for (const m of mods.modules) for (const [p, b] of m.files) expected.set(p.slice(1), b);
    const tree = files(storage).filter((f) => !f.startsWith(".gopave/"));
    expect(tree.length, "some files were stored before the kills").toBeGreaterThan(0);
    for (const f of tree) {
      if (f.endsWith("/@v/list")) continue;
      const want = expected.get(f);
      expect(want, `stray file in the module tree: ${f}`).toBeDefined();
      expect(readFileSync(join(storage, f)).equals(want as Buffer), `bytes of ${f}`).toBe(true);
    }
    const verified = await proxyVerify(storage, mods.goSum);
    expect(verified.code, verified.out).toBe(0);

    // A fresh start clears what the killed processes left in staging, and serves everything.
    const serve = await startServe({
      dir,
      storage,
      upstream: upstream.url,
      trustedSums: [mods.goSum],
    });
    try {
      // The new process's own staging directory (host-pid-random) may hold its first write
      // (its replica heartbeat) in progress; everything else there is debris.
      const own = `-${String(serve.child.pid)}-`;
      const debris = files(join(storage, ".gopave", "staging")).filter(
        (f) => !(f.split("/")[0] ?? "").includes(own),
      );
      expect(debris, "crash debris in staging").toEqual([]);
      for (const [p, want] of expected) {
        const r = await get(`${serve.url}/${p}`);
        expect("status" in r && r.status, p).toBe(200);
        if ("body" in r) expect(r.body.equals(want), `bytes of /${p}`).toBe(true);
      }
    } finally {
      await serve.kill("SIGTERM");
    }
    for (const f of files(storage).filter((x) => !x.startsWith(".gopave/"))) {
      expect(statSync(join(storage, f)).isFile()).toBe(true);
    }
  }, 170_000);
});
