import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeBinary } from "./helpers/compose-cli.js";
import { requireTools } from "./helpers/engines.js";
import { modulePath, startLocalUpstream, writeModule } from "./helpers/local-upstream.js";
import type { LocalUpstream } from "./helpers/local-upstream.js";
import { freshGoDirs, isolatedGoEnv, parseDownloadJson, runGo } from "./helpers/proxy-e2e-go.js";
import type { GoDownloadJson } from "./helpers/proxy-e2e-go.js";
import { PROXY_EXAMPLE, buildProxyImage, standInsForProxyExample } from "./helpers/proxy-image.js";
import type { ProxyImage } from "./helpers/proxy-image.js";
import { startPodman } from "./helpers/podman.js";
import type { Podman } from "./helpers/podman.js";
import { ensureStandIns } from "./helpers/standins.js";
import { goDownload } from "./helpers/storage-suite.js";

/**
 * examples/proxy-replicas as a user runs it, with no registry: its image built from its own
 * Dockerfile (buildah, on stand-ins of the official node and versitygw images), then `docker
 * compose up -d` on its own compose.yaml (the real Compose CLI against rootful podman's Docker
 * API). An override file changes only what the test must: free ports on 127.0.0.1, and the
 * replicas' config is the example's plus `trustedSums:` (the upstream is a local one whose
 * modules the public checksum database does not know). Then the real go command downloads
 * through replica A from the upstream, and with a fresh module cache through replica B with the
 * upstream gone: B serves what A stored in the shared bucket, byte for byte, and both status
 * pages list the two replicas. `compose down -v` leaves nothing behind.
 */

const SLOW = 1_800_000;
const MODULES = [
  { module: "example.com/replicas/alpha", version: "v1.0.0" },
  { module: "example.com/replicas/beta", version: "v1.2.0" },
];
const CONTAINER_SUMS = "/etc/gopave/trusted.go.sum";

let work: string;
let upstreamRoot: string;
let upstream: LocalUpstream;
let image: ProxyImage | undefined;
let pm: Podman;
let ticker: { stop: () => Promise<void> } | undefined;
let upTried = false;
const ports = { a: 0, b: 0 };
const timings: string[] = [];
const env: Record<string, string> = {};

const url = (replica: "a" | "b", path: string) => `http://127.0.0.1:${ports[replica]}${path}`;
const compose = (args: string[]) =>
  pm.compose(
    PROXY_EXAMPLE,
    ["-f", "compose.yaml", "-f", join(work, "test.compose.yaml"), ...args],
    env,
  );

async function timed<T>(what: string, f: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  const v = await f();
  timings.push(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return v;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** What the stack's containers said, for a failure message. */
async function stackLogs(): Promise<string> {
  const ps = await compose(["ps", "--all"]).then(
    (r) => r.stdout,
    (e: Error) => e.message,
  );
  const logs = await compose(["logs", "--no-color", "--timestamps", "--tail", "200"]).then(
    (r) => r.stdout + r.stderr,
    (e: Error) => e.message,
  );
  return `--- compose ps --all\n${ps}\n--- compose logs\n${logs}`;
}

/** Runs a step; a failure carries the containers' logs. */
async function withLogs<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    const err = e as Error;
    err.message = `${err.message}\n${await stackLogs()}`;
    throw err;
  }
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s (${last})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `p`, or a failure once `ms` have passed (the work itself is stopped by the cleanup). */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

interface PsLine {
  Service: string;
  State: string;
  Health: string;
  ExitCode: number;
}

async function services(): Promise<Record<string, PsLine>> {
  const out = (await compose(["ps", "--all", "--format", "json"])).stdout.trim();
  const lines = out === "" ? [] : out.split("\n").map((l) => JSON.parse(l) as PsLine);
  return Object.fromEntries(lines.map((l) => [l.Service, l]));
}

/** `go mod download -json` of every module through `proxy`, into a fresh module cache. */
async function download(proxy: string): Promise<{ json: GoDownloadJson[]; cleanup: () => void }> {
  const dirs = freshGoDirs("gopave-engines-replicas-go");
  const r = await runGo(
    ["mod", "download", "-json", ...MODULES.map((m) => `${m.module}@${m.version}`)],
    { cwd: dirs.home, env: isolatedGoEnv(dirs, { GOPROXY: proxy }), timeoutMs: 60_000 },
  );
  const cleanup = () => rmSync(dirs.home, { recursive: true, force: true });
  if (r.code !== 0) {
    cleanup();
    throw new Error(`go mod download through ${proxy} failed (${r.code}):\n${r.stdout}${r.stderr}`);
  }
  return { json: parseDownloadJson(r.stdout), cleanup };
}

/** Every downloaded file is the upstream's, byte for byte. */
function expectUpstreamBytes(json: GoDownloadJson[]): void {
  expect(json.map((d) => `${d.Path}@${d.Version}`).sort()).toEqual(
    MODULES.map((m) => `${m.module}@${m.version}`).sort(),
  );
  for (const d of json) {
    expect(d.Error, `${d.Path}@${d.Version}`).toBeUndefined();
    for (const [ext, file] of [
      ["zip", d.Zip],
      ["mod", d.GoMod],
    ] as const) {
      const want = readFileSync(
        join(upstreamRoot, ...modulePath(d.Path, d.Version, ext).split("/")),
      );
      expect(readFileSync(file ?? "").equals(want), `${d.Path}@${d.Version}.${ext}`).toBe(true);
    }
  }
}

interface Status {
  replicaId: string | null;
  replicas: { live: { id: string; host: string; self: boolean }[]; error: string | null };
  routes: { fetches: { ok: number } }[];
  cache: { requests: { hit: number } };
}

const status = async (replica: "a" | "b") => {
  const res = await fetch(url(replica, "/status.json"));
  if (res.status !== 200) throw new Error(`${replica}: /status.json answered ${res.status}`);
  return (await res.json()) as Status;
};

beforeAll(async () => {
  requireTools("podman", "buildah", "runc", "debootstrap", "go");
  composeBinary();
  work = mkdtempSync(join(tmpdir(), "gopave-engines-replicas-"));
  upstreamRoot = join(work, "upstream");
  for (const { module, version } of MODULES) {
    await writeModule(upstreamRoot, module, version, {
      "go.mod": `module ${module}\n\ngo 1.21\n`,
      "lib.go": `package lib\n\n// Version is this module's version.\nconst Version = "${version}"\n`,
      // Incompressible content, so the zip is not trivially small.
      "data.txt": randomBytes(96 << 10).toString("base64"),
    });
  }
  // The go command's own hashes of the upstream's modules: what the replicas trust.
  const sums = goDownload(
    upstreamRoot,
    MODULES.map((m) => `${m.module}@${m.version}`),
  ).flatMap((s) => {
    if (s.Error || !s.Sum || !s.GoModSum) throw new Error(`go mod download: ${JSON.stringify(s)}`);
    return [`${s.Path} ${s.Version} ${s.Sum}`, `${s.Path} ${s.Version}/go.mod ${s.GoModSum}`];
  });
  writeFileSync(join(work, "trusted.go.sum"), `${sums.join("\n")}\n`);
  writeFileSync(
    join(work, "proxy.yaml"),
    `${readFileSync(join(PROXY_EXAMPLE, "proxy.yaml"), "utf8")}trustedSums: [${CONTAINER_SUMS}]\n`,
  );

  const standIns = await timed("stand-in images", () => ensureStandIns(standInsForProxyExample()));
  const built = await timed("proxy image build", () => buildProxyImage(standIns));
  image = built;
  pm = await timed("podman service", () => startPodman({ imageStores: [standIns, built.graph] }));
  ticker = pm.healthTicker();
  // The upstream listens where the replicas' containers reach it and nothing outside this
  // machine does: a host-only bridge (127.0.0.1 in a container is the container's own).
  const bridge = await pm.hostBridge(`docker.io/library/${nodeBase()}`);
  upstream = await startLocalUpstream(upstreamRoot, { host: bridge });
  ports.a = await freePort();
  ports.b = await freePort();
  const replica = (port: number) => ({
    ports: [`127.0.0.1:${port}:3000`],
    volumes: [
      `${join(work, "proxy.yaml")}:/etc/gopave/proxy.yaml:ro`,
      `${join(work, "trusted.go.sum")}:${CONTAINER_SUMS}:ro`,
    ],
  });
  // !override replaces the example's published ports instead of adding to them; a volume with
  // the same target replaces the example's mount of proxy.yaml.
  writeFileSync(
    join(work, "test.compose.yaml"),
    [
      "services:",
      ...(["a", "b"] as const).flatMap((r) => {
        const s = replica(ports[r]);
        return [
          `  gopave-${r}:`,
          `    ports: !override ${JSON.stringify(s.ports)}`,
          `    volumes: ${JSON.stringify(s.volumes)}`,
        ];
      }),
      "",
    ].join("\n"),
  );
  Object.assign(env, {
    S3_SECRET_KEY: randomBytes(24).toString("hex"),
    GOPAVE_UPSTREAM: upstream.url,
  });
}, SLOW);

afterAll(async () => {
  if (upTried) {
    await within(60_000, compose(["down", "-v", "-t", "5"])).catch((e: Error) =>
      console.error(`compose down -v: ${e.message}`),
    );
  }
  await ticker?.stop();
  await pm?.close();
  await upstream?.close();
  image?.release();
  if (work) rmSync(work, { recursive: true, force: true });
  if (timings.length > 0) console.info(timings.join("\n"));
}, SLOW);

/** The base image the Dockerfile's stages start from (which has `sleep` for the bridge). */
function nodeBase(): string {
  const tag = standInsForProxyExample().node?.[0];
  if (!tag) throw new Error("the example's Dockerfile names no node image");
  return `node:${tag}`;
}

describe("examples/proxy-replicas, built and run with podman and the real Compose CLI", () => {
  it("built an image that keeps the HEALTHCHECK and runs gopave as the node user", () => {
    // podman's inspect puts a docker-format image's health check beside Config, not in it.
    const [inspect] = JSON.parse(
      pm.podman(["image", "inspect", image?.name ?? "", "--format", "json"]),
    ) as { Config: { User: string; Entrypoint: string[] }; Healthcheck?: { Test: string[] } }[];
    expect(inspect?.Config.User).toBe("node");
    expect(inspect?.Config.Entrypoint).toEqual(["gopave", "proxy", "serve"]);
    expect(inspect?.Healthcheck?.Test.join(" ")).toContain("/readyz");
  });

  it("compose up -d brings s3 to healthy, creates the bucket, and both replicas to healthy", async () => {
    upTried = true;
    // up waits for s3 to be healthy and the bucket made, with no time limit of its own.
    await withLogs(() => timed("compose up -d", () => within(180_000, compose(["up", "-d"]))));
    const by = await withLogs(() =>
      timed("both replicas healthy", () =>
        until("gopave-a and gopave-b healthy", 120_000, async () => {
          const s = await services();
          return s["gopave-a"]?.Health === "healthy" && s["gopave-b"]?.Health === "healthy"
            ? s
            : undefined;
        }),
      ),
    );
    expect(by.s3?.Health).toBe("healthy");
    expect(by["create-bucket"]?.State).toBe("exited");
    expect(by["create-bucket"]?.ExitCode).toBe(0);
    for (const r of ["a", "b"] as const) {
      const ready = await fetch(url(r, "/readyz"));
      expect(ready.status, `gopave-${r} /readyz`).toBe(200);
    }
  }, 300_000);

  it("the go command downloads through replica A from the upstream", async () => {
    const { json, cleanup } = await withLogs(() =>
      timed("go mod download via A", () => download(url("a", ""))),
    );
    try {
      expectUpstreamBytes(json);
    } finally {
      cleanup();
    }
    for (const { module, version } of MODULES) {
      expect(upstream.count(modulePath(module, version, "zip")), module).toBe(1);
    }
  }, 120_000);

  it("with the upstream gone, replica B serves the same bytes from the shared bucket", async () => {
    await upstream.close();
    const unreachable = await fetch(`${upstream.url}/`).then(
      () => false,
      () => true,
    );
    expect(unreachable).toBe(true);
    const { json, cleanup } = await withLogs(() =>
      timed("go mod download via B, upstream gone", () => download(url("b", ""))),
    );
    try {
      expectUpstreamBytes(json);
    } finally {
      cleanup();
    }
    // B never fetched anything: all it served came from the bucket.
    const b = await status("b");
    expect(b.routes.reduce((n, r) => n + r.fetches.ok, 0)).toBe(0);
    expect(b.cache.requests.hit).toBeGreaterThanOrEqual(MODULES.length * 2);
  }, 120_000);

  it("both replicas' status pages list the two replicas sharing the store", async () => {
    const both = await withLogs(() =>
      until("both status pages list two live replicas", 60_000, async () => {
        const [a, b] = await Promise.all([status("a"), status("b")]);
        return a.replicas.live.length === 2 && b.replicas.live.length === 2 ? { a, b } : undefined;
      }),
    );
    const ids = (s: Status) => s.replicas.live.map((r) => r.id).sort();
    expect(ids(both.a)).toEqual(ids(both.b));
    expect(both.a.replicaId).not.toBe(both.b.replicaId);
    for (const s of [both.a, both.b]) {
      expect(s.replicas.error).toBeNull();
      expect(s.replicas.live.filter((r) => r.self).map((r) => r.id)).toEqual([s.replicaId]);
    }
    // The containers' hostnames: one replica in each.
    expect(new Set(both.a.replicas.live.map((r) => r.host)).size).toBe(2);
    const page = await fetch(url("a", "/"));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    for (const id of ids(both.a)) expect(html).toContain(id);
  });

  it("down -v leaves no container or volume behind", async () => {
    await withLogs(() => within(60_000, compose(["down", "-v", "-t", "5"])));
    upTried = false;
    expect(
      pm.podman(["ps", "--all", "--quiet", "--filter", "label=com.docker.compose.project"]).trim(),
    ).toBe("");
    expect(pm.podman(["volume", "ls", "--quiet"]).trim()).toBe("");
  }, 120_000);
});
