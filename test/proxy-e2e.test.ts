import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createServer, get } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ORDERS_EXAMPLE,
  modulePath,
  prepareOrdersModules,
  startLocalUpstream,
  writeModule,
} from "./helpers/local-upstream.js";
import type { LocalUpstream, OrdersModules } from "./helpers/local-upstream.js";
import { freshGoDirs, goSumLines, isolatedGoEnv, runGo } from "./helpers/proxy-e2e-go.js";
import type { GoDirs, GoRun } from "./helpers/proxy-e2e-go.js";
import { startGopave } from "./helpers/proxy-e2e-gopave.js";
import type { Gopave } from "./helpers/proxy-e2e-gopave.js";
import { rewriteZip } from "./helpers/proxy-e2e-zip.js";

/**
 * Proof with the real go command (issue 4): a go client whose only GOPROXY is gopave builds
 * examples/orders (pgx, go-redis and their graph), keeps building when the upstream is gone,
 * gets a private module through a private route, never receives a tampered zip, and 50
 * simultaneous requests for one zip make one upstream fetch.
 *
 * Offline: the upstream is a local directory in GOMODCACHE layout served over HTTP on 127.0.0.1
 * (test/helpers/local-upstream.ts; its preparation is the one step that may use the network,
 * and only when this machine's module cache lacks the example's modules). Verification is
 * go.sum-based on both sides: gopave trusts examples/orders/go.sum plus the lines
 * `go mod download all` adds, and the go client runs with GOSUMDB=off. The client is NOT
 * pointed at gopave's /sumdb/ proxy: that proxies a real checksum database (signed tree heads,
 * tiles) which has no offline stand-in here, so it would need the network.
 */

const M = 60_000;
const PGX = { path: "github.com/jackc/pgx/v5", version: "v5.12.0" };
const PRIVATE = { path: "example.test/private/lib", version: "v1.0.0" };

let mods: OrdersModules;
const cleanup: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  mods = await prepareOrdersModules();
  cleanup.push(() => mods.dispose());
}, 5 * M);

afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), `gopave-e2e-${prefix}-`));
  cleanup.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
};

const goDirs = (): GoDirs => {
  const d = freshGoDirs();
  cleanup.push(() => rmSync(d.home, { recursive: true, force: true }));
  return d;
};

/** A temp copy of examples/orders, optionally without its go.sum (the go command rewrites it). */
const ordersCopy = (withGoSum: boolean): string => {
  const dir = temp("orders");
  cpSync(ORDERS_EXAMPLE, dir, { recursive: true });
  if (!withGoSum) rmSync(join(dir, "go.sum"));
  return dir;
};

const ok = (r: GoRun) => expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);

const trusted = () => [mods.exampleGoSum, mods.goSum];

const storedFile = (g: Gopave, m: { path: string; version: string }, ext: "mod" | "zip") =>
  join(g.storage, ...modulePath(m.path, m.version, ext).split("/").slice(1));

/** A URL on 127.0.0.1 where nothing listens: a checksum database that must never be asked. */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe("the go command through gopave (examples/orders, local upstream)", () => {
  let upstream: LocalUpstream;
  let privateUpstream: LocalUpstream;
  let gopave: Gopave;
  /** The copy fetched through gopave; its regenerated go.sum is reused offline. */
  let viaGopave: string;

  beforeAll(async () => {
    upstream = await startLocalUpstream(mods.root);
    const privateRoot = temp("private-upstream");
    await writeModule(privateRoot, PRIVATE.path, PRIVATE.version, {
      "go.mod": `module ${PRIVATE.path}\n\ngo 1.21\n`,
      "lib.go":
        "package lib\n\n// Answer is what the private module provides.\nconst Answer = 42\n",
    });
    privateUpstream = await startLocalUpstream(privateRoot);
    gopave = await startGopave({
      upstream: upstream.url,
      routes: [`example.test/private=${privateUpstream.url}`],
      trustedSums: trusted(),
    });
    cleanup.push(
      () => gopave.stop(),
      () => upstream.close(),
      () => privateUpstream.close(),
    );
  });

  it(
    "go mod download all succeeds through gopave with the same go.sum as from the upstream directly",
    async () => {
      const direct = ordersCopy(false);
      ok(
        await runGo(["mod", "download", "all"], {
          cwd: direct,
          env: isolatedGoEnv(goDirs(), { GOPROXY: upstream.url }),
        }),
      );
      upstream.resetCounts();

      viaGopave = ordersCopy(false);
      ok(
        await runGo(["mod", "download", "all"], {
          cwd: viaGopave,
          env: isolatedGoEnv(goDirs(), { GOPROXY: gopave.url }),
        }),
      );

      const sums = goSumLines(join(viaGopave, "go.sum"));
      expect(sums).toEqual(goSumLines(join(direct, "go.sum")));
      expect(sums).toEqual(expect.arrayContaining(goSumLines(mods.exampleGoSum)));
      expect(sums.length).toBeGreaterThanOrEqual(40);

      // Every zip came from the upstream once, was verified against go.sum, and is stored:
      // fetched ahead once the client asked for its .info, so the client's own request found it
      // in memory or joined that fetch.
      expect(mods.modules.length).toBeGreaterThanOrEqual(20);
      await gopave.proxy.settled();
      expect(await gopave.metric("gopave_proxy_prefetches_total", { result: "ok" })).toBe(
        mods.modules.length,
      );
      for (const m of mods.modules) {
        expect(upstream.count(modulePath(m.path, m.version, "zip")), m.path).toBe(1);
        expect(existsSync(storedFile(gopave, m, "zip")), m.path).toBe(true);
      }
      expect(await gopave.metric("gopave_proxy_verification_failures_total")).toBe(0);
      expect(
        await gopave.metric("gopave_proxy_requests_total", { endpoint: "zip", status: "200" }),
      ).toBe(mods.modules.length);
      const zipLogs = gopave.logs().filter((l) => l.msg === "request" && l.endpoint === "zip");
      expect(zipLogs.length).toBe(mods.modules.length);
      expect(
        zipLogs.every(
          (l) => l.route === "default" && ["hit", "shared", "miss"].includes(String(l.cache)),
        ),
      ).toBe(true);
    },
    3 * M,
  );

  it(
    "with the upstream unreachable, a fresh module cache gets everything from gopave's cache and builds offline",
    async () => {
      expect(viaGopave, "the first test ran").toBeDefined();
      await upstream.close();
      const before = goSumLines(join(viaGopave, "go.sum"));
      const served = await gopave.metric("gopave_proxy_requests_total", { cache: "hit" });
      const zipHits = () =>
        gopave.metric("gopave_proxy_requests_total", { endpoint: "zip", cache: "hit" });
      const zipsServed = await zipHits();
      const dirs = goDirs();

      ok(
        await runGo(["mod", "download", "all"], {
          cwd: viaGopave,
          env: isolatedGoEnv(dirs, { GOPROXY: gopave.url }),
        }),
      );
      expect(goSumLines(join(viaGopave, "go.sum"))).toEqual(before);
      expect(await gopave.metric("gopave_proxy_requests_total", { status: "502" })).toBe(0);
      const hits = (await gopave.metric("gopave_proxy_requests_total", { cache: "hit" })) - served;
      expect(hits).toBeGreaterThanOrEqual(mods.modules.length);
      expect((await zipHits()) - zipsServed).toBe(mods.modules.length);

      // No proxy at all from here: the fresh module cache alone must verify and build.
      // The build cache is kept across runs (compiling the standard library and the
      // dependencies takes minutes on two cores); it holds compiled packages, never module
      // sources. -trimpath keeps the fresh module cache's path out of the cache keys.
      const offline = isolatedGoEnv(dirs, {
        GOPROXY: "off",
        GOCACHE: join(tmpdir(), "gopave-e2e-gocache"),
      });
      const verify = await runGo(["mod", "verify"], { cwd: viaGopave, env: offline });
      ok(verify);
      expect(verify.stdout).toContain("all modules verified");
      ok(
        await runGo(["build", "-trimpath", "./..."], {
          cwd: viaGopave,
          env: offline,
          timeoutMs: 6 * M,
        }),
      );
    },
    8 * M,
  );

  it(
    "a private route serves a private module without checksum verification (GONOSUMDB)",
    async () => {
      const app = temp("uses-private");
      await writeFile(
        join(app, "go.mod"),
        `module example.com/usesprivate\n\ngo 1.21\n\nrequire ${PRIVATE.path} ${PRIVATE.version}\n`,
      );
      await writeFile(
        join(app, "use.go"),
        `package usesprivate\n\nimport "${PRIVATE.path}"\n\n// Doubled uses the private module.\nconst Doubled = lib.Answer * 2\n`,
      );
      // The client skips its checksum database for the private prefix; the database it would
      // otherwise ask is a dead address, so any lookup would fail the download.
      const env = isolatedGoEnv(goDirs(), {
        GOPROXY: gopave.url,
        GONOSUMDB: "example.test/private",
        GOSUMDB: `sum.golang.org ${await deadUrl()}`,
      });
      ok(await runGo(["mod", "download", "all"], { cwd: app, env }));
      ok(await runGo(["build", "./..."], { cwd: app, env }));
      expect(readFileSync(join(app, "go.sum"), "utf8")).toContain(
        `${PRIVATE.path} ${PRIVATE.version} h1:`,
      );

      expect(privateUpstream.count(modulePath(PRIVATE.path, PRIVATE.version, "zip"))).toBe(1);
      await gopave.proxy.settled();
      expect(existsSync(storedFile(gopave, PRIVATE, "zip"))).toBe(true);
      // gopave's verifier trusts only the example's go.sum lines: had it checked this module,
      // it would have refused it. The route is private, so it did not.
      expect(gopave.stderr()).toMatch(
        /route example\.test\/private → \S+ \(private, not verified\)/,
      );
      expect(await gopave.metric("gopave_proxy_verification_failures_total")).toBe(0);
      const logs = gopave
        .logs()
        .filter((l) => typeof l.path === "string" && l.path.startsWith(`/${PRIVATE.path}/`));
      expect(logs.length).toBeGreaterThanOrEqual(2);
      expect(logs.every((l) => l.route === "example.test/private" && l.status === 200)).toBe(true);
    },
    3 * M,
  );
});

describe("a tampered upstream zip", () => {
  let upstream: LocalUpstream;
  let gopave: Gopave;
  const flipped = { path: "github.com/jackc/pgpassfile", version: "v1.0.0" };
  const swapped = { path: "go.uber.org/atomic", version: "v1.11.0" };

  beforeAll(async () => {
    upstream = await startLocalUpstream(mods.root);
    // Bytes inverted in the middle of the file: corrupt compressed data.
    await upstream.tamper(modulePath(flipped.path, flipped.version, "zip"));
    // A well-formed zip, one Go file changed: only the checksum tells.
    const zipPath = modulePath(swapped.path, swapped.version, "zip");
    let changed = false;
    const evil = await rewriteZip(
      readFileSync(join(mods.root, ...zipPath.split("/").slice(1))),
      (name, data) => {
        if (changed || !name.endsWith(".go")) return data;
        changed = true;
        return Buffer.concat([data, Buffer.from('\nfunc init() { println("owned") }\n')]);
      },
    );
    await upstream.tamper(zipPath, evil);
    gopave = await startGopave({ upstream: upstream.url, trustedSums: trusted() });
    cleanup.push(
      () => gopave.stop(),
      () => upstream.close(),
    );
  });

  it(
    "is refused: the go command fails with gopave's reason, nothing is cached, /metrics counts it",
    async () => {
      const app = ordersCopy(true);
      const env = isolatedGoEnv(goDirs(), { GOPROXY: gopave.url });

      const r1 = await runGo(["mod", "download", `${flipped.path}@${flipped.version}`], {
        cwd: app,
        env,
      });
      expect(r1.code).not.toBe(0);
      expect(r1.stderr).toContain("403 Forbidden");
      expect(r1.stderr).toContain(`verifying ${flipped.path}@${flipped.version}`);
      // Each fetch of tampered bytes is one refusal. The zip prefetched after the client's .info
      // may be refused before the client asks for it (which then fetches again) or share the
      // client's fetch, depending on timing: count fetches, not requests.
      const flippedZip = modulePath(flipped.path, flipped.version, "zip");
      const swappedZip = modulePath(swapped.path, swapped.version, "zip");
      // A prefetch queued behind the client's own fetch may still be checking: wait for the
      // counter to catch up with the fetches (bounded), then compare.
      const refusals = async (fetches: () => number) => {
        const read = () =>
          gopave.metric("gopave_proxy_verification_failures_total", { file: "zip" });
        for (let i = 0; i < 100 && (await read()) !== fetches(); i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        return { counted: await read(), fetches: fetches() };
      };
      expect(upstream.count(flippedZip)).toBeGreaterThanOrEqual(1);
      const first = await refusals(() => upstream.count(flippedZip));
      expect(first.counted).toBe(first.fetches);

      const r2 = await runGo(["mod", "download", `${swapped.path}@${swapped.version}`], {
        cwd: app,
        env,
      });
      expect(r2.code).not.toBe(0);
      expect(r2.stderr).toContain("403 Forbidden");
      expect(r2.stderr).toContain("checksum mismatch");
      expect(upstream.count(swappedZip)).toBeGreaterThanOrEqual(1);
      const both = await refusals(() => upstream.count(flippedZip) + upstream.count(swappedZip));
      expect(both.counted).toBe(both.fetches);

      // Verified files are written to storage in the background: wait for those writes.
      await gopave.proxy.settled();
      for (const m of [flipped, swapped]) {
        expect(existsSync(storedFile(gopave, m, "zip")), m.path).toBe(false);
        // The go.mod was genuine, so that one is stored.
        expect(existsSync(storedFile(gopave, m, "mod")), m.path).toBe(true);
      }
      const staging = join(gopave.storage, ".gopave", "staging");
      const leftovers = readdirSync(staging, { recursive: true, withFileTypes: true });
      expect(leftovers.filter((e) => !e.isDirectory()).map((e) => e.name)).toEqual([]);

      // Not remembered either: asking again fetches (and refuses) again.
      const path = modulePath(swapped.path, swapped.version, "zip");
      const before = upstream.count(path);
      const again = await fetch(`${gopave.url}${path}`);
      expect(again.status).toBe(403);
      expect(await again.text()).toContain("checksum mismatch");
      expect(upstream.count(path)).toBe(before + 1);
      expect(await gopave.metric("gopave_proxy_verification_failures_total", { file: "zip" })).toBe(
        both.counted + 1,
      );
    },
    3 * M,
  );
});

describe("single flight", () => {
  let upstream: LocalUpstream;
  let gopave: Gopave;

  beforeAll(async () => {
    upstream = await startLocalUpstream(mods.root);
    gopave = await startGopave({ upstream: upstream.url, trustedSums: trusted() });
    cleanup.push(
      () => gopave.stop(),
      () => upstream.close(),
    );
  });

  it("50 concurrent requests for one uncached zip make one upstream fetch", async () => {
    const path = modulePath(PGX.path, PGX.version, "zip");
    const want = readFileSync(join(mods.root, ...path.split("/").slice(1)));
    // Slow enough that all 50 arrive while the one fetch is still running.
    upstream.delay(path, 500);
    const one = () =>
      new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
        get(`${gopave.url}${path}`, { agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }),
          );
          res.on("error", reject);
        }).on("error", reject);
      });
    const answers = await Promise.all(Array.from({ length: 50 }, one));

    expect(answers.map((a) => a.status)).toEqual(Array<number>(50).fill(200));
    expect(answers.every((a) => a.body.equals(want))).toBe(true);
    expect(upstream.count(path)).toBe(1);
    await gopave.proxy.settled();
    expect(existsSync(storedFile(gopave, PGX, "zip"))).toBe(true);

    const zips = (cache: string) =>
      gopave.metric("gopave_proxy_requests_total", { endpoint: "zip", status: "200", cache });
    await expect.poll(() => zips("miss")).toBe(1);
    await expect.poll(() => zips("shared")).toBe(49);
    expect(await gopave.metric("gopave_proxy_singleflight_shared_total")).toBe(49);
    expect(await gopave.metric("gopave_proxy_singleflight_waiters")).toBe(0);
    expect(
      await gopave.metric("gopave_proxy_upstream_request_duration_seconds_count", {
        endpoint: "zip",
      }),
    ).toBe(1);
  });
});
