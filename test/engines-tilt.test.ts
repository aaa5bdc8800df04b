import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools } from "./helpers/engines.js";
import { startPodman } from "./helpers/podman.js";
import type { Podman } from "./helpers/podman.js";
import { startGopave } from "./helpers/proxy-e2e-gopave.js";
import type { Gopave } from "./helpers/proxy-e2e-gopave.js";
import { ensureStandIns, standInsFor } from "./helpers/standins.js";
import { cacheRoot, lockDir } from "./helpers/test-cache.js";
import { tiltBinary } from "./helpers/tilt-cli.js";

/**
 * Proof that the generated Tiltfile runs the example with the real Tilt (built by .ci/run) against
 * rootful podman's Docker API and the real Compose CLI, on the stand-in images, every module
 * through gopave's proxy as the team proxy: `tilt ci` brings every resource to ready (services
 * healthy, then the apps built from their live targets); then the api's live_update steps, read
 * from Tilt's own evaluation of the Tiltfile, carry a saved change into the running container,
 * rebuild it there and answer with it, on the same image. Tilt itself sends those steps over the
 * Docker API's exec, which podman 4.3's compat API refuses, so podman's CLI runs them here. Tilt
 * is built without its web UI (.ci/run): prod web mode, HTTP server off (`--port 0`).
 */

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "gopave.js");
const SLOW = 1_800_000;
const TILT_FLAGS = ["--port", "0", "--web-mode", "prod"];

let work: string;
let repo: string;
let proxy: Gopave;
let pm: Podman;
let ticker: { stop: () => Promise<void> } | undefined;
let releasePorts: (() => void) | undefined;
interface LiveUpdateSpec {
  stopPaths?: string[];
  syncs?: { localPath: string; containerPath: string }[];
  execs?: { args: string[] }[];
  restart?: string;
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; out: string; stdout: string }>((resolve) => {
    execFile(cmd, args, { cwd: repo, env, maxBuffer: 256 << 20 }, (err, stdout, stderr) =>
      resolve({
        code: err ? Number((err as { code?: number }).code ?? 1) : 0,
        out: `${stdout}\n${stderr}`,
        stdout,
      }),
    );
  });
}

const tiltEnv = () => ({ ...pm.env, PATH: process.env.PATH });

async function healthz(): Promise<{ status: number; body: string } | undefined> {
  try {
    const r = await fetch("http://127.0.0.1:8080/healthz", { signal: AbortSignal.timeout(2000) });
    return { status: r.status, body: await r.text() };
  } catch {
    return undefined;
  }
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  requireTools("podman", "buildah", "runc", "debootstrap", "go");
  tiltBinary();
  work = mkdtempSync(join(tmpdir(), "gopave-engines-tilt-"));
  repo = join(work, "orders");
  cpSync(join(ROOT, "examples", "orders"), repo, { recursive: true });
  expect((await run(process.execPath, [BIN, "init", "--yes", "--offline"])).code).toBe(0);
  proxy = await startGopave({ trustedSums: [] });
  const spec = join(repo, "gopave.yaml");
  writeFileSync(
    spec,
    readFileSync(spec, "utf8").replace(/^modules:\n/m, `modules:\n  teamProxy: ${proxy.url}\n`),
  );
  expect((await run(process.execPath, [BIN, "sync"])).code).toBe(0);
  // Its services publish ports on 127.0.0.1 that the other stack proofs publish too.
  releasePorts = lockDir(join(cacheRoot(), "published-ports.lock"), 3_600_000);
  pm = await startPodman({ imageStores: [ensureStandIns(standInsFor(repo))] });
  ticker = pm.healthTicker();
}, SLOW);

afterAll(async () => {
  try {
    if (pm) await run(tiltBinary(), ["down"], tiltEnv());
    await ticker?.stop();
    await pm?.close();
    await proxy?.stop();
  } finally {
    releasePorts?.();
    if (work) rmSync(work, { recursive: true, force: true });
  }
}, SLOW);

describe("the example under the real Tilt", () => {
  it(
    "tilt ci: the services healthy, then the apps built from their live targets, all ready",
    async () => {
      const t0 = performance.now();
      const ci = await run(tiltBinary(), ["ci", "--timeout", "20m", ...TILT_FLAGS], tiltEnv());
      const s = ((performance.now() - t0) / 1000).toFixed(1);
      expect(ci.code, ci.out.slice(-6000)).toBe(0);
      expect(ci.out).toContain("SUCCESS. All workloads are healthy.");
      // Tilt built the apps itself, from the live targets, with modules through the team proxy.
      expect(ci.out).toMatch(/Building Dockerfile: \[orders-api\]/);
      expect(ci.out).toMatch(/Building Dockerfile: \[orders-worker\]/);
      const paths = proxy.logs().flatMap((l) => (typeof l.path === "string" ? [l.path] : []));
      expect(paths.some((p) => p.includes("/github.com/jackc/pgx/v5/@v/"))).toBe(true);
      expect(await healthz()).toEqual({ status: 200, body: "ok" });
      console.info(`tilt ci to ready: ${s} s`);
    },
    SLOW,
  );

  it(
    "live_update, as Tilt would run it: a saved change rebuilt and answering in the running container, no image build",
    async () => {
      // Tilt's own live_update for the api, from `tilt alpha tiltfile-result`. Tilt runs it over
      // the Docker API's exec, which podman 4.3's compat API refuses ("can only start created exec
      // sessions"); podman's CLI runs the same steps: copy the synced file, run the command in
      // the container, restart it.
      const result = await run(tiltBinary(), ["alpha", "tiltfile-result", "-f", "Tiltfile"]);
      expect(result.code, result.out).toBe(0);
      const manifests = (
        JSON.parse(result.stdout) as {
          Manifests: {
            Name: string;
            ImageTargets: { LiveUpdateSpec?: LiveUpdateSpec }[] | null;
          }[];
        }
      ).Manifests;
      const live = manifests.find((m) => m.Name === "api")?.ImageTargets?.[0]?.LiveUpdateSpec;
      if (!live?.syncs?.length || !live.execs?.length)
        throw new Error("the api has no live_update");
      const container = pm
        .podman(["ps", "--filter", "label=com.docker.compose.service=api", "--format", "{{.ID}}"])
        .trim();
      expect(container).not.toBe("");
      const imageBefore = pm.podman(["inspect", "--format", "{{.Image}}", container]).trim();

      const changed = "cmd/api/handlers.go";
      const file = join(repo, changed);
      const text = readFileSync(file, "utf8");
      expect(text).toContain('w.Write([]byte("ok"))');
      const t0 = performance.now();
      writeFileSync(file, text.replace('w.Write([]byte("ok"))', 'w.Write([]byte("ok, live"))'));
      expect(live.stopPaths ?? []).not.toContain(changed);
      const sync = live.syncs.find((s) => s.localPath === ".");
      if (!sync) throw new Error("the api's live_update syncs no source tree");
      await pm.podmanAsync(["cp", file, `${container}:${sync.containerPath}/${changed}`]);
      for (const e of live.execs) await pm.podmanAsync(["exec", container, ...e.args]);
      expect(live.restart).toBe("always");
      await pm.podmanAsync(["restart", "--time", "1", container]);
      await until("the change to answer", 120_000, async () =>
        (await healthz())?.body === "ok, live" ? true : undefined,
      );
      const s = ((performance.now() - t0) / 1000).toFixed(1);
      // The same container on the same image: rebuilt in place, not built again.
      expect(pm.podman(["inspect", "--format", "{{.Image}}", container]).trim()).toBe(imageBefore);
      console.info(`save to the new answer, live_update steps: ${s} s`);
    },
    SLOW,
  );
});
