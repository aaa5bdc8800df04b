// The module sets of the proxy benchmark (bench/proxy/graphs/*: `go mod download all` of a small
// Go module), laid out as a GOPROXY file tree for the upstream, and the go command's isolated
// environment for client runs.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const GRAPHS = fileURLToPath(new URL("./graphs", import.meta.url));

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

/** Fresh HOME/GOPATH/GOMODCACHE/GOCACHE under one new directory in `parent`. */
export function freshGoDirs(parent = tmpdir(), prefix = "gopave-bench-go") {
  const home = mkdtempSync(join(parent, `${prefix}-`));
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

/** A module set: a small Go module under bench/proxy/graphs/NAME whose `all` is the set. */
export function graphDir(name) {
  return join(GRAPHS, name);
}

/** A copy of the graph's module (go.mod, go.sum, main.go) for one client run. */
export function copyGraph(name, parent, runName) {
  const dir = join(parent, runName);
  rmSync(dir, { recursive: true, force: true });
  cpSync(graphDir(name), dir, { recursive: true });
  return dir;
}

/** Every module@version a go.sum names (with a zip hash or only a go.mod hash). */
export function goSumVersions(goSum) {
  const out = new Set();
  for (const line of readFileSync(goSum, "utf8").split("\n")) {
    const [path, version] = line.split(" ");
    if (path && version) out.add(`${path}@${version.replace(/\/go\.mod$/, "")}`);
  }
  return [...out].sort();
}

/**
 * Prepares `<work>/upstream-NAME`, a GOPROXY file tree with the .info, .mod and .zip of every
 * module version the graph's go.sum names (as a full proxy has them: goproxy fetches all three
 * on any miss), from the bench's own module cache `modcache`. Offline if that cache has them;
 * otherwise `go mod download` runs once with the machine's own GOPROXY/GOSUMDB to fill it — the
 * only step that may touch the network. Resolves { root, goSum, modules, zipBytes, inAll }.
 */
export async function prepareModules(name, work, modcache) {
  const goSum = join(graphDir(name), "go.sum");
  const wanted = goSumVersions(goSum);
  const base = { ...process.env, GOMODCACHE: modcache, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" };
  const download = (extra) =>
    runGo(["mod", "download", "-json", ...wanted], {
      cwd: work,
      env: { ...base, ...extra },
      timeoutMs: 900_000,
    });
  let r = await download({ GOPROXY: "off" });
  if (r.code !== 0) {
    r = await download({});
    if (r.code !== 0) throw new Error(`cannot fill ${modcache} for ${name}:\n${r.stderr}`);
  }
  const modules = r.stdout
    .split(/\n(?=\{)/)
    .filter((s) => s.trim())
    .map((s) => JSON.parse(s));
  const root = join(work, `upstream-${name}`);
  const cacheRoot = join(modcache, "cache", "download");
  let zipBytes = 0;
  for (const m of modules) {
    if (m.Error) throw new Error(`${m.Path}@${m.Version}: ${m.Error}`);
    for (const file of [m.Info, m.GoMod, m.Zip]) {
      const dest = join(root, relative(cacheRoot, file));
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(file, dest);
    }
  }
  // What the client's `go mod download all` fetches: the count reported with the results.
  const app = copyGraph(name, work, `prep-${name}`);
  const all = await runGo(["list", "-m", "all"], {
    cwd: app,
    env: { ...base, GOPROXY: "off", GOWORK: "off" },
  });
  rmSync(app, { recursive: true, force: true });
  if (all.code !== 0) throw new Error(`go list -m all (${name}):\n${all.stderr}`);
  const inAll = new Set(
    all.stdout
      .trim()
      .split("\n")
      .slice(1) // the main module
      .map((l) => l.split(" ").slice(0, 2).join("@")),
  );
  // The files a client's run fetches in full (the .info, .mod and .zip of each module in
  // `all`): the warm load's paths. Versions named only for their go.mod have no zip hash in
  // go.sum, so a verifying proxy refuses their zip.
  const files = { info: [], mod: [], zip: [] };
  const urlPath = (file) => `/${relative(cacheRoot, file).split(sep).join("/")}`;
  for (const m of modules) {
    zipBytes += statSync(m.Zip).size;
    if (!inAll.has(`${m.Path}@${m.Version}`)) continue;
    files.info.push(urlPath(m.Info));
    files.mod.push(urlPath(m.GoMod));
    files.zip.push(urlPath(m.Zip));
  }
  return { root, goSum, modules, zipBytes, inAll: inAll.size, files };
}
