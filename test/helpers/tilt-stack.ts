import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTools } from "./engines.js";
import { startPodman } from "./podman.js";
import type { Podman } from "./podman.js";
import { startGopave } from "./proxy-e2e-gopave.js";
import type { Gopave } from "./proxy-e2e-gopave.js";
import { ensureStandIns, standInsFor } from "./standins.js";
import { cacheRoot, lockDir } from "./test-cache.js";
import { tiltBinary } from "./tilt-cli.js";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "gopave.js");
/** Tilt is built without its web UI (.ci/run): prod web mode, HTTP server off. */
export const TILT_FLAGS = ["--port", "0", "--web-mode", "prod"];

export interface LiveUpdateSpec {
  stopPaths?: string[];
  syncs?: { localPath: string; containerPath: string }[];
  execs?: { args: string[] }[];
  restart?: string;
}

export interface Ran {
  code: number;
  out: string;
  stdout: string;
}

/**
 * The example as Tilt runs it, for test/engines-tilt.test.ts and its bench: init'ed with gopave's
 * proxy as the team proxy, rootful podman behind its Docker API on the stand-in images, healthchecks
 * ticking. Nothing is started under Tilt yet.
 */
export interface TiltStack {
  repo: string;
  pm: Podman;
  proxy: Gopave;
  /** A command in the repo, never throwing: exit code and output. */
  run: (cmd: string, args: string[], env?: NodeJS.ProcessEnv) => Promise<Ran>;
  /** Tilt with the engine's environment. */
  tilt: (args: string[]) => Promise<Ran>;
  healthz: () => Promise<{ status: number; body: string } | undefined>;
  /** The api's live_update, from Tilt's own evaluation of the Tiltfile. */
  apiLiveUpdate: () => Promise<LiveUpdateSpec>;
  /** The running api container's id. */
  apiContainer: () => string;
  /**
   * Tilt's live_update steps for a changed file, with podman's CLI (Tilt sends them over the
   * Docker API's exec, which podman 4.3's compat API refuses): copy, run in the container, restart.
   */
  liveUpdate: (live: LiveUpdateSpec, changed: string) => Promise<void>;
  close: () => Promise<void>;
}

export async function until<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startTiltStack(): Promise<TiltStack> {
  requireTools("podman", "buildah", "runc", "debootstrap", "go");
  tiltBinary();
  const work = mkdtempSync(join(tmpdir(), "gopave-engines-tilt-"));
  const repo = join(work, "orders");
  cpSync(join(ROOT, "examples", "orders"), repo, { recursive: true });
  const run = (cmd: string, args: string[], env?: NodeJS.ProcessEnv) =>
    new Promise<Ran>((resolve) => {
      execFile(cmd, args, { cwd: repo, env, maxBuffer: 256 << 20 }, (err, stdout, stderr) =>
        resolve({
          code: err ? Number((err as { code?: number }).code ?? 1) : 0,
          out: `${stdout}\n${stderr}`,
          stdout,
        }),
      );
    });
  const must = async (cmd: string, args: string[]) => {
    const r = await run(cmd, args);
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.out}`);
  };
  await must(process.execPath, [BIN, "init", "--yes", "--offline"]);
  const proxy = await startGopave({ trustedSums: [] });
  let releasePorts: (() => void) | undefined;
  let pm: Podman | undefined;
  let ticker: { stop: () => Promise<void> } | undefined;
  const stop = async () => {
    try {
      await ticker?.stop();
      await pm?.close();
      await proxy.stop();
    } finally {
      releasePorts?.();
      rmSync(work, { recursive: true, force: true });
    }
  };
  try {
    const spec = join(repo, "gopave.yaml");
    writeFileSync(
      spec,
      readFileSync(spec, "utf8").replace(/^modules:\n/m, `modules:\n  teamProxy: ${proxy.url}\n`),
    );
    await must(process.execPath, [BIN, "sync"]);
    // Its services publish ports on 127.0.0.1 that the other stack proofs publish too.
    releasePorts = lockDir(join(cacheRoot(), "published-ports.lock"), 3_600_000);
    pm = await startPodman({ imageStores: [ensureStandIns(standInsFor(repo))] });
    ticker = pm.healthTicker();
  } catch (e) {
    await stop();
    throw e;
  }
  return stack(repo, pm, proxy, run, stop);
}

function stack(
  repo: string,
  pm: Podman,
  proxy: Gopave,
  run: TiltStack["run"],
  stop: () => Promise<void>,
): TiltStack {
  const tilt = (args: string[]) => run(tiltBinary(), args, { ...pm.env, PATH: process.env.PATH });
  const apiContainer = () =>
    pm
      .podman(["ps", "--filter", "label=com.docker.compose.service=api", "--format", "{{.ID}}"])
      .trim();
  return {
    repo,
    pm,
    proxy,
    run,
    tilt,
    healthz: async () => {
      try {
        const r = await fetch("http://127.0.0.1:8080/healthz", {
          signal: AbortSignal.timeout(2000),
        });
        return { status: r.status, body: await r.text() };
      } catch {
        return undefined;
      }
    },
    apiLiveUpdate: async () => {
      const result = await run(tiltBinary(), ["alpha", "tiltfile-result", "-f", "Tiltfile"]);
      if (result.code !== 0) throw new Error(`tiltfile-result: ${result.out}`);
      const manifests = (
        JSON.parse(result.stdout) as {
          Manifests: { Name: string; ImageTargets: { LiveUpdateSpec?: LiveUpdateSpec }[] | null }[];
        }
      ).Manifests;
      const live = manifests.find((m) => m.Name === "api")?.ImageTargets?.[0]?.LiveUpdateSpec;
      if (!live?.syncs?.length || !live.execs?.length)
        throw new Error("the api has no live_update");
      return live;
    },
    apiContainer,
    liveUpdate: async (live, changed) => {
      const container = apiContainer();
      const sync = live.syncs?.find((s) => s.localPath === ".");
      if (!sync) throw new Error("the api's live_update syncs no source tree");
      await pm.podmanAsync([
        "cp",
        join(repo, changed),
        `${container}:${sync.containerPath}/${changed}`,
      ]);
      for (const e of live.execs ?? []) await pm.podmanAsync(["exec", container, ...e.args]);
      await pm.podmanAsync(["restart", "--time", "1", container]);
    },
    close: async () => {
      try {
        await tilt(["down"]);
      } finally {
        await stop();
      }
    },
  };
}
