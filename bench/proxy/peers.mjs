// The Go module proxies gopave is compared with: goproxy (goproxy/goproxy) and Athens
// (gomods/athens), built once per pinned version from their module source and cached under
// ${XDG_CACHE_HOME:-~/.cache}/gopave-bench/peers/, then started on 127.0.0.1 over a local upstream.
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  renameSync,
  rmSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { runGo } from "./modules.mjs";
import { freePort, stopChild } from "./servers.mjs";

export const PEERS = {
  goproxy: { module: "github.com/goproxy/goproxy", version: "v0.26.1", pkg: "./cmd/goproxy" },
  athens: { module: "github.com/gomods/athens", version: "v0.18.0", pkg: "./cmd/proxy" },
};

export function benchCache() {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "gopave-bench");
}

/**
 * The peer's binary, built if not cached. `go install mod@version` is not used: it asks the
 * module proxy for the version list (refused here) and refuses modules with replace directives
 * (Athens has some), so the module source is downloaded and built in place.
 */
export async function buildPeer(name) {
  const { module, version, pkg } = PEERS[name];
  const bin = join(benchCache(), "peers", `${name}-${version}`, name);
  if (existsSync(bin)) return bin;
  const env = { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" };
  const dl = await runGo(["mod", "download", "-json", `${module}@${version}`], {
    cwd: tmpdir(),
    env,
  });
  const dir = dl.code === 0 ? JSON.parse(dl.stdout).Dir : undefined;
  if (!dir) throw new Error(`cannot download ${module}@${version}:\n${dl.stdout}${dl.stderr}`);
  const build = mkdtempSync(join(tmpdir(), `gopave-bench-build-${name}-`));
  try {
    cpSync(dir, build, { recursive: true });
    mkdirSync(join(bin, ".."), { recursive: true });
    const r = await runGo(["build", "-trimpath", "-o", `${bin}.tmp`, pkg], {
      cwd: build,
      env,
      timeoutMs: 900_000,
    });
    if (r.code !== 0) throw new Error(`cannot build ${module}@${version}:\n${r.stderr}`);
    renameSync(`${bin}.tmp`, bin);
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
  return bin;
}

async function waitHttp(child, url, what, errOut) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null)
      throw new Error(`${what} exited with ${child.exitCode}:\n${errOut()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(100);
    }
  }
  await stopChild(child, "SIGKILL");
  throw new Error(`${what} did not start:\n${errOut()}`);
}

function spawnLogged(bin, args, env, dir) {
  const out = openSync(join(dir, "server.log"), "a");
  const child = spawn(bin, args, { env, stdio: ["ignore", out, out] });
  closeSync(out);
  return child;
}

/** The environment every go command a peer runs sees: the local upstream only, no sumdb. */
function goEnv(dir, upstream) {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    GOPATH: join(dir, "gopath"),
    GOMODCACHE: join(dir, "gopath", "pkg", "mod"),
    GOCACHE: join(dir, "gocache"),
    GOENV: "off",
    GOTOOLCHAIN: "local",
    GOFLAGS: "-mod=mod",
    GOPROXY: upstream,
    GOSUMDB: "off",
    GONOSUMDB: "",
    GOPRIVATE: "",
    GONOPROXY: "",
  };
}

/**
 * goproxy's own server command with a directory cacher. Its GoFetcher reads GOPROXY and GOSUMDB
 * from its environment and fetches from a proxy over HTTP itself (the go command only for
 * `direct`); with GOSUMDB=off it checks the files' format but not their hashes.
 */
export async function startGoproxy({ bin, dir, storage, upstream }) {
  const port = await freePort();
  mkdirSync(storage, { recursive: true });
  const tmp = join(dir, "tmp");
  mkdirSync(tmp, { recursive: true });
  const child = spawnLogged(
    bin,
    ["server", "--address", `127.0.0.1:${port}`, "--cacher-dir", storage, "--temp-dir", tmp],
    goEnv(dir, upstream),
    dir,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(child, url, "goproxy", () => "see server.log in " + dir);
  return { url, pid: child.pid, storage, stop: () => stopChild(child, "SIGTERM") };
}

/**
 * Athens with disk storage, download mode `sync` (fetch, store, then answer: the mode that
 * caches), and its go command pointed at the local upstream (ATHENS_GO_BINARY_ENV_VARS; its
 * default GOPROXY=direct would clone repositories, the slow path its docs and issues warn of).
 * Athens runs `go mod download -json MOD@VER` per version, in a temporary GOPATH.
 */
export async function startAthens({ bin, dir, storage, upstream }) {
  const port = await freePort();
  mkdirSync(storage, { recursive: true });
  const goget = join(dir, "goget");
  mkdirSync(goget, { recursive: true });
  const env = {
    ...goEnv(dir, upstream),
    ATHENS_PORT: `127.0.0.1:${port}`,
    ATHENS_STORAGE_TYPE: "disk",
    ATHENS_DISK_STORAGE_ROOT: storage,
    ATHENS_GOGET_DIR: goget,
    ATHENS_GO_BINARY_ENV_VARS: `GOPROXY=${upstream};GOSUMDB=off;GOFLAGS=-mod=mod;GOTOOLCHAIN=local`,
    ATHENS_DOWNLOAD_MODE: "sync",
    ATHENS_NETWORK_MODE: "strict",
    ATHENS_LOG_LEVEL: "error",
    ATHENS_TRACE_EXPORTER: "",
    ATHENS_STATS_EXPORTER: "",
    GO_ENV: "production",
  };
  const child = spawnLogged(bin, [], env, dir);
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(child, `${url}/healthz`, "Athens", () => "see server.log in " + dir);
  return { url, pid: child.pid, storage, stop: () => stopChild(child, "SIGTERM") };
}
