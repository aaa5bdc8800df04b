// The module set and the local upstream for the proxy benchmark: examples/orders' module graph
// (pgx, go-redis and what `go mod download all` pulls in), in GOMODCACHE download layout, served
// over HTTP on 127.0.0.1. Mirrors test/helpers/local-upstream.ts (which the benchmark, plain
// JavaScript run after `npm run build`, cannot import).
import { execFile } from "node:child_process";
import { cpSync, createReadStream, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const ORDERS_EXAMPLE = join(REPO_ROOT, "examples", "orders");

/** Runs go asynchronously with a time limit; resolves { code, stdout, stderr, ms }. */
export function runGo(args, { cwd, env, timeoutMs = 300_000 }) {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(
      "go",
      args,
      { cwd, env, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (err && typeof err.code !== "number") {
          reject(new Error(`go ${args.join(" ")}: ${err.killed ? "timed out" : err.message}`));
          return;
        }
        resolve({ code: err ? err.code : 0, stdout, stderr, ms });
      },
    );
  });
}

/** Fresh HOME/GOPATH/GOMODCACHE/GOCACHE under one temp directory. */
export function freshGoDirs(prefix = "gopave-bench-go") {
  const home = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const dirs = {
    home,
    gopath: join(home, "gopath"),
    modcache: join(home, "modcache"),
    gocache: join(home, "gocache"),
  };
  for (const d of [dirs.gopath, dirs.modcache, dirs.gocache]) mkdirSync(d, { recursive: true });
  return dirs;
}

/** An environment built from nothing: no GOFLAGS, GOPROXY or go env file from the machine. */
export function isolatedGoEnv(dirs, vars) {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dirs.home,
    TMPDIR: tmpdir(),
    GOPATH: dirs.gopath,
    GOMODCACHE: dirs.modcache,
    GOCACHE: dirs.gocache,
    GOENV: "off",
    GOTOOLCHAIN: "local",
    GOFLAGS: "-mod=mod -modcacherw",
    GOWORK: "off",
    GONOPROXY: "",
    GONOSUMDB: "",
    GOPRIVATE: "",
    GOSUMDB: "off",
    CGO_ENABLED: "0",
    ...vars,
  };
}

export function copyOrders(parent, name, withGoSum = true) {
  const dir = join(parent, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(ORDERS_EXAMPLE, dir, { recursive: true });
  if (!withGoSum) rmSync(join(dir, "go.sum"));
  return dir;
}

/**
 * Prepares `<work>/upstream` (download layout) and returns { root, goSum, modules }. Reads this
 * machine's module cache through file://, offline. Only if that cache lacks part of the graph,
 * `go mod download all` runs once with the machine's own GOPROXY/GOSUMDB (network, checksum
 * database verified) to fill it — the only step that may touch the network.
 */
export async function prepareModules(work) {
  const probe = await runGo(["env", "GOMODCACHE"], { cwd: work, env: process.env });
  const machineCache = probe.stdout.trim();
  if (probe.code !== 0 || !machineCache) throw new Error(`go env GOMODCACHE: ${probe.stderr}`);
  let got = await fromModCache(work, machineCache);
  if (!got.ok) {
    const app = copyOrders(work, "orders-network");
    const net = await runGo(["mod", "download", "all"], {
      cwd: app,
      env: { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local", GOWORK: "off" },
    });
    if (net.code !== 0) throw new Error(`cannot fill the module cache:\n${got.why}\n${net.stderr}`);
    got = await fromModCache(work, machineCache);
    if (!got.ok) throw new Error(`cannot prepare the upstream: ${got.why}`);
  }
  const root = join(work, "upstream");
  copyLayout(join(got.modcache, "cache", "download"), root);
  rmSync(got.home, { recursive: true, force: true });
  return { root, goSum: got.goSum, modules: got.modules };
}

async function fromModCache(work, machineCache) {
  const dirs = freshGoDirs("gopave-bench-prep");
  const app = copyOrders(work, "orders-prep", false);
  const r = await runGo(["mod", "download", "-json", "all"], {
    cwd: app,
    env: isolatedGoEnv(dirs, {
      GOPROXY: pathToFileURL(join(machineCache, "cache", "download")).href,
    }),
  });
  const modules = r.stdout
    .split(/\n(?=\{)/)
    .filter((s) => s.trim())
    .map((s) => JSON.parse(s));
  const errors = modules.filter((m) => m.Error).map((m) => m.Error);
  if (r.code !== 0 || errors.length > 0 || modules.length === 0) {
    rmSync(dirs.home, { recursive: true, force: true });
    return { ok: false, why: [...errors, r.stderr].join("\n") };
  }
  return {
    ok: true,
    home: dirs.home,
    modcache: dirs.modcache,
    goSum: join(app, "go.sum"),
    modules,
  };
}

function copyLayout(from, to) {
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!(dir === from && e.name === "sumdb")) walk(p);
      } else if (/\.(info|mod|zip)$/.test(e.name) || (e.name === "list" && dir.endsWith("@v"))) {
        const dest = join(to, relative(from, p));
        mkdirSync(dirname(dest), { recursive: true });
        cpSync(p, dest);
      }
    }
  };
  walk(from);
}

/** Every .info/.mod/.zip under a download-layout root, as URL paths, by extension. */
export function listModuleFiles(root) {
  const out = { info: [], mod: [], zip: [] };
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith(".") || (dir === root && e.name === "sumdb")) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const ext = /\.(info|mod|zip)$/.exec(e.name)?.[1];
        if (ext) out[ext].push(`/${relative(root, p).split(sep).join("/")}`);
      }
    }
  };
  walk(root);
  for (const k of Object.keys(out)) out[k].sort();
  return out;
}

const TYPES = {
  info: "application/json",
  mod: "text/plain; charset=utf-8",
  zip: "application/zip",
};

/** A static GOPROXY over a download-layout directory on 127.0.0.1 (GET/HEAD, 404 text/plain). */
export async function startUpstream(root) {
  const server = createServer((req, res) => {
    const fail = (status, text) => {
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
      res.end(`${text}\n`);
    };
    void (async () => {
      if (req.method !== "GET" && req.method !== "HEAD") return fail(405, "method not allowed");
      let path;
      try {
        path = decodeURIComponent((req.url ?? "/").split("?")[0]);
      } catch {
        return fail(400, "bad request");
      }
      const segs = path.split("/").slice(1);
      if (segs.some((s) => s === "" || s === "." || s === "..")) return fail(404, "not found");
      const file = join(root, ...segs);
      const ext = /\.(info|mod|zip)$/.exec(file)?.[1] ?? (file.endsWith("/@v/list") ? "mod" : "");
      const st = await stat(file).catch(() => undefined);
      if (!TYPES[ext] || !st?.isFile()) return fail(404, `not found: ${path}`);
      res.writeHead(200, { "content-type": TYPES[ext], "content-length": st.size });
      if (req.method === "HEAD") return res.end();
      await pipeline(createReadStream(file), res);
    })().catch(() => res.destroy());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
