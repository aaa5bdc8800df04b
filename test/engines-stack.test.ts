import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { breakAndRead, hostLaunch, readLaunchConfigs, remotePathFor } from "./helpers/delve.js";
import type { LaunchConfig } from "./helpers/delve.js";
import { requireTools } from "./helpers/engines.js";
import { startPodman } from "./helpers/podman.js";
import type { Podman } from "./helpers/podman.js";
import { startGopave } from "./helpers/proxy-e2e-gopave.js";
import type { Gopave } from "./helpers/proxy-e2e-gopave.js";
import { ensureStandIns, standInsFor } from "./helpers/standins.js";
import { cacheRoot, lockDir } from "./helpers/test-cache.js";

/**
 * Proof that the stack `gopave init` writes for examples/orders runs the first time, as a new
 * user runs it: `docker compose up --wait` (the real Compose CLI against rootful podman's Docker
 * API) with no .env file, on stand-ins of the official images (test/engines/standins), every
 * module of every build fetched through `gopave proxy serve` as the spec's team proxy. Then the
 * app answers, the worker works, each healthcheck tells a stopped server apart, Delve attaches
 * where .vscode/launch.json says, the host launch configuration runs the api under Delve, and
 * `down -v` leaves nothing behind.
 */

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "gopave.js");
const SLOW = 1_800_000;
// What the generated compose.yaml publishes on 127.0.0.1: the test needs them free.
const PUBLISHED = [8080, 5432, 6379, 2345, 18080];

let work: string;
let repo: string;
let proxy: Gopave;
let pm: Podman;
let ticker: { stop: () => Promise<void> } | undefined;
let upTried = false;
let releasePorts: (() => void) | undefined;

const cli = (args: string[]) =>
  execFileSync(process.execPath, [BIN, ...args], { cwd: repo, encoding: "utf8", stdio: "pipe" });

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const compose = (args: string[]) => pm.compose(repo, args);

async function containerOf(service: string, profile: string[] = []): Promise<string> {
  const id = (await compose([...profile, "ps", "-q", service])).stdout.trim();
  if (!id) throw new Error(`no container for ${service}`);
  return id;
}

/**
 * Stops (SIGSTOP) or resumes (SIGCONT) every process of a container from the host: the server
 * and its workers stop answering while the container stays up, so its healthcheck still runs.
 */
function signalContainer(id: string, signal: "SIGSTOP" | "SIGCONT"): void {
  const pids = pm
    .podman(["top", id, "hpid"])
    .split("\n")
    .slice(1)
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
  if (pids.length === 0) throw new Error(`no processes in container ${id}`);
  for (const pid of pids) process.kill(pid, signal);
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

beforeAll(async () => {
  requireTools("podman", "buildah", "runc", "debootstrap", "go", "dlv");
  // The dev container proof runs the same compose stack on the same ports.
  releasePorts = lockDir(join(cacheRoot(), "published-ports.lock"), SLOW);
  const taken: number[] = [];
  for (const p of PUBLISHED) if (!(await portFree(p))) taken.push(p);
  if (taken.length > 0) {
    throw new Error(`ports ${taken.join(", ")} on 127.0.0.1 are in use: the stack publishes them`);
  }
  work = mkdtempSync(join(tmpdir(), "gopave-engines-stack-"));
  repo = join(work, "orders");
  cpSync(join(ROOT, "examples", "orders"), repo, { recursive: true });
  cli(["init", "--yes", "--offline"]);
  // The toolchain's default proxy upstream, checksum database on: what a team's proxy does.
  proxy = await startGopave({ trustedSums: [] });
  const spec = readFileSync(join(repo, "gopave.yaml"), "utf8");
  writeFileSync(
    join(repo, "gopave.yaml"),
    spec.replace(/^modules:\n/m, `modules:\n  teamProxy: ${proxy.url}\n`),
  );
  cli(["sync"]);
  const store = ensureStandIns(standInsFor(repo));
  pm = await startPodman({ imageStores: [store] });
  ticker = pm.healthTicker();
}, SLOW);

afterAll(async () => {
  if (upTried)
    await compose(["--profile", "debug", "down", "-v", "-t", "1"]).catch(() => undefined);
  await ticker?.stop();
  await pm?.close();
  await proxy?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  releasePorts?.();
}, SLOW);

describe("the example's generated stack, run with podman and the real Compose CLI", () => {
  it(
    "docker compose up --wait, with no .env, brings postgres and redis to healthy, then the apps",
    async () => {
      expect(existsSync(join(repo, ".env"))).toBe(false);
      upTried = true;
      await compose(["up", "--build", "--wait", "--wait-timeout", "1200"]);
      const ps = (await compose(["ps", "--format", "json"])).stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { Service: string; State: string; Health: string });
      const by = Object.fromEntries(ps.map((c) => [c.Service, c]));
      expect(by.postgres?.Health).toBe("healthy");
      expect(by.redis?.Health).toBe("healthy");
      expect(by.api?.State).toBe("running");
      expect(by.worker?.State).toBe("running");
      // Every module came through the team proxy: pgx's zip, for one.
      const paths = proxy.logs().flatMap((l) => (typeof l.path === "string" ? [l.path] : []));
      expect(
        paths.some((p) => p.startsWith("/github.com/jackc/pgx/v5/@v/") && p.endsWith(".zip")),
      ).toBe(true);
    },
    SLOW,
  );

  it("answers /healthz, round-trips an order, and the worker processes it", async () => {
    const health = await fetch("http://127.0.0.1:8080/healthz");
    expect(health.status).toBe(200);
    expect(await health.text()).toBe("ok");
    const created = await fetch("http://127.0.0.1:8080/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ item: "widget", quantity: 2 }),
    });
    expect(created.status).toBe(201);
    const order = (await created.json()) as { id: number; item: string; status: string };
    expect(order.item).toBe("widget");
    const processed = await until("the worker marks the order processed", 30_000, async () => {
      const got = (await (await fetch(`http://127.0.0.1:8080/orders/${order.id}`)).json()) as {
        id: number;
        status: string;
      };
      return got.status === "processed" ? got : undefined;
    });
    expect(processed.id).toBe(order.id);
  });

  it.each(["postgres", "redis"])(
    "%s's healthcheck fails while its server is stopped, and /healthz says so",
    async (service) => {
      const id = await containerOf(service);
      // The compose file's own timeout (3s) is what the engine would allow the check.
      const check = () => pm.healthcheck(id, 5_000);
      expect(await check()).toBe(true);
      signalContainer(id, "SIGSTOP");
      try {
        expect(await check()).toBe(false);
        expect((await fetch("http://127.0.0.1:8080/healthz")).status).toBe(503);
      } finally {
        signalContainer(id, "SIGCONT");
      }
      await until(`${service}'s healthcheck passes again`, 30_000, async () =>
        (await check()) ? true : undefined,
      );
      expect((await fetch("http://127.0.0.1:8080/healthz")).status).toBe(200);
    },
    60_000,
  );

  it(
    "starts api-debug, and Delve, where launch.json attaches, stops in the /healthz handler",
    async () => {
      await compose([
        "--profile",
        "debug",
        "up",
        "--build",
        "--wait",
        "--wait-timeout",
        "1200",
        "api-debug",
      ]);
      const attach = readLaunchConfigs(repo).find((c) => c.name === "Attach to api (container)");
      if (!attach) throw new Error("launch.json has no attach configuration for api");
      const handlers = join(repo, "cmd", "api", "handlers.go");
      const line = lineOf(handlers, "s.orders.Ping(ctx)");
      const hit = await breakAndRead({
        address: `${attach.host ?? "127.0.0.1"}:${attach.port}`,
        file: remotePathFor(attach, repo, handlers),
        line,
        expr: "r.URL.Path",
        trigger: (signal) =>
          fetch("http://127.0.0.1:18080/healthz", { signal }).then((r) => r.status),
      });
      expect(hit.stop.line).toBe(line);
      expect(hit.value).toBe("/healthz");
      expect(hit.triggerResult).toBe(200);
      await compose(["--profile", "debug", "stop", "-t", "1", "api-debug"]);
    },
    SLOW,
  );

  it("runs the api on the host under Delve through the host launch configuration", async () => {
    const launch = readLaunchConfigs(repo).find((c) => c.name === "Launch api (host, .env)");
    if (!launch) throw new Error("launch.json has no host launch configuration for api");
    runPreLaunchTask(launch);
    const port = await freePort();
    // The compose stack's api has 8080; everything else comes from launch.json and .env.
    const dlv = await hostLaunch(launch, repo, { PORT: String(port) });
    try {
      const handlers = join(repo, "cmd", "api", "handlers.go");
      const line = lineOf(handlers, "s.orders.Ping(ctx)");
      const hit = await breakAndRead({
        address: dlv.address,
        file: handlers,
        line,
        expr: "r.URL.Path",
        trigger: (signal) =>
          until("the api on the host listens", 60_000, () =>
            fetch(`http://127.0.0.1:${port}/healthz`, { signal }).then((r) => r.status),
          ),
        timeoutMs: 120_000,
      });
      expect(hit.value).toBe("/healthz");
      expect(hit.triggerResult).toBe(200);
    } finally {
      await dlv.stop();
    }
  }, 300_000);

  it("down -v leaves no container, volume or network behind", async () => {
    await compose(["--profile", "debug", "down", "-v", "-t", "1"]);
    expect(pm.podman(["ps", "--all", "--quiet"]).trim()).toBe("");
    expect(pm.podman(["volume", "ls", "--quiet"]).trim()).toBe("");
    const networks = pm.podman(["network", "ls", "--format", "{{.Name}}"]).trim().split("\n");
    expect(networks.filter((n) => n !== "podman")).toEqual([]);
  }, 120_000);
});

function lineOf(file: string, text: string): number {
  const i = readFileSync(file, "utf8")
    .split("\n")
    .findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${file} has no line with ${text}`);
  return i + 1;
}

/** Runs the shell task a launch configuration names as its preLaunchTask, as VS Code would. */
function runPreLaunchTask(config: LaunchConfig): void {
  const label = (config as { preLaunchTask?: string }).preLaunchTask;
  if (label === undefined) return;
  const text = readFileSync(join(repo, ".vscode", "tasks.json"), "utf8").replace(/^\/\/.*$/gm, "");
  const tasks = (JSON.parse(text) as { tasks: { label: string; type: string; command: string }[] })
    .tasks;
  const task = tasks.find((t) => t.label === label);
  if (task?.type !== "shell") throw new Error(`tasks.json has no shell task ${label}`);
  execFileSync("sh", ["-c", task.command], { cwd: repo, stdio: "pipe" });
}
