import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Entrypoint } from "dockerfile-ast";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, parseDocument } from "yaml";
import { first, parseStages, stageByName } from "./generate-container-helpers.js";
import {
  breakAndRead,
  hostLaunch,
  parseEnvFile,
  readLaunchConfigs,
  remotePathFor,
  startDelve,
} from "./helpers/delve.js";
import type { DelveProcess, LaunchConfig } from "./helpers/delve.js";
import { runStage } from "./helpers/dockerfile-run.js";

/**
 * Proof with the real Delve that the debug configurations `gopave init` writes into
 * .vscode/launch.json work, on the host (the container run is another test's):
 *
 * a. "Launch <app> (host, .env)" runs the app under `dlv debug` as the Go extension would, with
 *    .env read through envFile; a breakpoint at the handler's absolute path is hit by a request,
 *    a local is read, and the request completes once the target continues.
 * b. "Attach to <app> (container)": the app built by the Dockerfile's <app>-debug stage (its RUN
 *    lines as written, -trimpath and all), run under the stage's ENTRYPOINT with --listen on the
 *    configuration's port, which must be what compose publishes for Delve; the breakpoint is set
 *    at the path the configuration's substitutePath gives the workspace file.
 * c. A substitutePath that maps to the wrong module path gets no breakpoint: the proof can fail.
 *
 * The fixture (test/fixtures/engines-delve) has no gopave.yaml: init infers it, then the test
 * sets a free debug port and declares a service in it (the "(host, .env)" configurations exist
 * only with services) and runs `gopave sync`. It never binds the ports other engine tests use.
 */

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "gopave.js");
const FIXTURE = join(ROOT, "test", "fixtures", "engines-delve");
const APP = "greeter";
const TAKEN = new Set([2345, 2346, 8080, 18080, 5432, 6379]);
const MARK = "// breakpoint: status is set here";

function requireTool(tool: string, args: string[], install: string): void {
  try {
    execFileSync(tool, args, { stdio: "pipe" });
  } catch (err) {
    throw new Error(
      `test/engines-delve.test.ts needs ${tool} on PATH (${install}): ${(err as Error).message}`,
    );
  }
}

/** A port nothing listens on now, and none another engine test uses. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once("error", reject);
      srv.listen(0, "127.0.0.1", () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
      });
    });
    if (port > 0 && !TAKEN.has(port)) return port;
  }
}

interface Answer {
  status: number;
  body: string;
}

async function healthz(port: number, signal?: AbortSignal): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal });
  return { status: res.status, body: await res.text() };
}

/** Waits until the app answers (under Delve it may still be starting). */
async function waitHealthy(port: number, dlv: DelveProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const a = await healthz(port, AbortSignal.timeout(2_000));
      if (a.status === 200) return;
      last = `status ${a.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the app on :${port} never answered /healthz (${last}); Delve:\n${dlv.output()}`);
}

function byName(configs: LaunchConfig[], name: string): LaunchConfig {
  const c = configs.find((x) => x.name === name);
  if (!c) throw new Error(`no "${name}" in launch.json: ${configs.map((x) => x.name).join(", ")}`);
  return c;
}

let work: string;
/** The initialised copy of the fixture: the VS Code workspace folder. */
let ws: string;
let debugPort: number;
let handlers: string;
let line: number;

beforeAll(async () => {
  requireTool("go", ["version"], "install Go");
  requireTool("dlv", ["version"], ".ci/run installs Delve into $(go env GOPATH)/bin");
  work = realpathSync(mkdtempSync(join(tmpdir(), "gopave-delve-")));
  ws = join(work, "repo");
  cpSync(FIXTURE, ws, { recursive: true });
  const run = (args: string[]) =>
    execFileSync(process.execPath, [BIN, ...args], { cwd: ws, stdio: "pipe" });
  run(["init", "--yes", "--offline"]);

  // Through the spec, as a user would: a free debug port, and a service for .env.
  debugPort = await freePort();
  const specPath = join(ws, "gopave.yaml");
  const doc = parseDocument(readFileSync(specPath, "utf8"));
  doc.setIn(["editor", "debugPort"], debugPort);
  doc.set("services", doc.createNode({ redis: { env: { REDIS_URL: "url" } } }));
  writeFileSync(specPath, doc.toString());
  run(["sync"]);
  handlers = join(ws, "cmd", APP, "handlers.go");
  line =
    readFileSync(handlers, "utf8")
      .split("\n")
      .findIndex((l) => l.includes(MARK)) + 1;
  if (line === 0) throw new Error(`no "${MARK}" line in ${handlers}`);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the generated launch.json under the real Delve", () => {
  it("a: the host launch configuration runs the app under dlv with .env; a breakpoint is hit", async () => {
    const launch = byName(readLaunchConfigs(ws), `Launch ${APP} (host, .env)`);
    expect(launch).toMatchObject({ request: "launch", mode: "debug" });
    expect(launch.envFile).toBe("${workspaceFolder}/.env");
    const appPort = await freePort();

    // As in VS Code, the configuration cannot start before .env exists.
    await expect(hostLaunch(launch, ws, { PORT: String(appPort) })).rejects.toThrow(
      /Cannot load environment variables from file .*\.env/,
    );
    copyFileSync(join(ws, ".env.example"), join(ws, ".env"));
    const fromEnv = parseEnvFile(join(ws, ".env"), {}).REDIS_URL;
    expect(fromEnv).toMatch(/^redis:\/\/127\.0\.0\.1:/);

    const dlv = await hostLaunch(launch, ws, { PORT: String(appPort) });
    try {
      await waitHealthy(appPort, dlv);
      const hit = await breakAndRead({
        address: dlv.address,
        file: handlers,
        line,
        expr: "status",
        trigger: (signal) => healthz(appPort, signal),
      });
      expect(hit.stop).toMatchObject({ file: handlers, line, function: "main.healthz" });
      expect(hit.value).toBe(`ok redis=${fromEnv}`);
      expect(hit.triggerResult).toEqual({ status: 200, body: `ok redis=${fromEnv}\n` });
    } finally {
      await dlv.stop();
    }
  }, 300_000);

  /** The <app>-debug stage, built by running its RUN lines, and its ENTRYPOINT. */
  let debugImage: { root: string; entrypoint: string[]; ran: string[] } | undefined;
  function buildDebugStage(): { root: string; entrypoint: string[]; ran: string[] } {
    if (debugImage) return debugImage;
    const text = readFileSync(join(ws, "Dockerfile"), "utf8");
    const parsed = parseStages(text);
    const stage = stageByName(parsed, `${APP}-debug`);
    const entrypoint = first(stage, Entrypoint)
      .getJSONStrings()
      .map((s) => s.getJSONValue());
    const root = join(work, "image");
    mkdirSync(root);
    const gocache = execFileSync("go", ["env", "GOCACHE"], { encoding: "utf8" }).trim();
    const state = runStage(
      {
        root,
        context: ws,
        baseEnv: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          GOENV: "off",
          GOCACHE: gocache,
          GOMODCACHE: join(root, "go", "pkg", "mod"),
        },
        // As `docker build --build-arg GOPROXY=off`: the fixture needs no module.
        buildArgs: { GOPROXY: "off" },
      },
      parsed,
      text,
      `${APP}-debug`,
    );
    debugImage = { root, entrypoint, ran: state.ran };
    return debugImage;
  }

  /** The stage's ENTRYPOINT on the host: its binary from the build, Delve on `port`. */
  async function runDebugEntrypoint(port: number, appPort: number): Promise<DelveProcess> {
    const { root, entrypoint } = buildDebugStage();
    expect(entrypoint.slice(0, 2)).toEqual(["dlv", "exec"]);
    const binary = entrypoint[2] as string;
    const args = entrypoint
      .slice(1)
      .map((a) =>
        a === binary
          ? join(root, binary)
          : a.startsWith("--listen=")
            ? `--listen=127.0.0.1:${port}`
            : a,
      );
    const compose = parseYaml(readFileSync(join(ws, "compose.yaml"), "utf8")) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...compose.services[`${APP}-debug`]?.environment,
      PORT: String(appPort),
    };
    return startDelve(args, { cwd: root, env, timeoutMs: 60_000 });
  }

  it("b: the attach configuration finds the breakpoint in the Dockerfile's debug build", async () => {
    const attach = byName(readLaunchConfigs(ws), `Attach to ${APP} (container)`);
    expect(attach).toMatchObject({ request: "attach", mode: "remote", host: "127.0.0.1" });
    expect(attach.port).toBe(debugPort);

    // compose publishes the ENTRYPOINT's Delve port on the configuration's host and port.
    const { entrypoint, ran } = buildDebugStage();
    const listen = entrypoint.find((a) => a.startsWith("--listen="));
    const delvePort = listen?.split(":").pop();
    expect(delvePort).toMatch(/^\d+$/);
    const compose = parseYaml(readFileSync(join(ws, "compose.yaml"), "utf8")) as {
      services: Record<string, { ports?: string[] }>;
    };
    const published = (compose.services[`${APP}-debug`]?.ports ?? []).filter((p) =>
      p.endsWith(`:${delvePort}`),
    );
    expect(published).toEqual([`${attach.host}:${attach.port}:${delvePort}`]);
    // What substitutePath is for: the debug build records module-path file names.
    const build = ran.find((c) => /\bgo build\b/.test(c));
    expect(build).toMatch(/ -trimpath /);
    expect(build).toMatch(/all=-N -l/);

    const remote = remotePathFor(attach, ws, handlers);
    expect(remote).toBe(`example.com/${APP}/cmd/${APP}/handlers.go`);
    const appPort = await freePort();
    const dlv = await runDebugEntrypoint(attach.port as number, appPort);
    try {
      expect(dlv.address).toBe(`127.0.0.1:${attach.port}`);
      await waitHealthy(appPort, dlv);
      const hit = await breakAndRead({
        address: `${attach.host}:${attach.port}`,
        file: remote,
        line,
        expr: "status",
        trigger: (signal) => healthz(appPort, signal),
      });
      expect(hit.stop).toMatchObject({ file: remote, line, function: "main.healthz" });
      // compose's value, as in the container.
      expect(hit.value).toBe("ok redis=redis://redis:6379/0");
      expect(hit.triggerResult).toEqual({ status: 200, body: "ok redis=redis://redis:6379/0\n" });
    } finally {
      await dlv.stop();
    }
  }, 300_000);

  it("c: a substitutePath to the wrong module path sets no breakpoint, so the proof can fail", async () => {
    const attach = byName(readLaunchConfigs(ws), `Attach to ${APP} (container)`);
    const wrong: LaunchConfig = {
      ...attach,
      substitutePath: [{ from: "${workspaceFolder}", to: "example.com/not-greeter" }],
    };
    const remote = remotePathFor(wrong, ws, handlers);
    expect(() => remotePathFor(attach, ws, join(work, "elsewhere", "handlers.go"))).toThrow(
      /no substitutePath rule matches/,
    );

    const appPort = await freePort();
    const dlv = await runDebugEntrypoint(attach.port as number, appPort);
    try {
      await waitHealthy(appPort, dlv);
      let triggered = false;
      await expect(
        breakAndRead({
          address: `${attach.host}:${attach.port}`,
          file: remote,
          line,
          expr: "status",
          trigger: (signal) => {
            triggered = true;
            return healthz(appPort, signal);
          },
        }),
      ).rejects.toThrow(/CreateBreakpoint.*could not find file/);
      expect(triggered).toBe(false);
      // The failed attempt left the target running.
      expect((await healthz(appPort, AbortSignal.timeout(5_000))).status).toBe(200);
    } finally {
      await dlv.stop();
    }
  }, 300_000);
});
