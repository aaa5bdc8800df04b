import {
  cpSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { readFile, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import {
  escapeModulePath,
  escapeVersion,
  unescapeModulePath,
  unescapeVersion,
} from "../../src/gomod/module-escape.js";
import { hashMod } from "../../src/proxy/verify/index.js";
import { REPO_ROOT } from "./cli.js";
import {
  freshGoDirs,
  goSumLines,
  isolatedGoEnv,
  parseDownloadJson,
  runGo,
} from "./proxy-e2e-go.js";
import type { GoDownloadJson } from "./proxy-e2e-go.js";
import { moduleZip } from "./storage-suite.js";

/**
 * A local upstream module proxy for the end-to-end tests: a directory in GOMODCACHE's
 * download-cache layout (which is exactly the GOPROXY URL layout) served over HTTP on 127.0.0.1.
 * GET/HEAD only; a missing file is a 404 with a text/plain body, as the protocol wants. Switches:
 * `close()` makes it unreachable, `tamper()` changes one file's bytes, `delay()` slows one path;
 * every request is counted per path.
 */
export interface LocalUpstream {
  url: string;
  root: string;
  /** Requests seen for one path ("/github.com/jackc/pgx/v5/@v/v5.12.0.zip"), percent-decoded. */
  count(path: string): number;
  /** Every path requested so far with its count. */
  counts(): Map<string, number>;
  resetCounts(): void;
  /** Serves `bytes` (default: the file with 16 bytes in its middle inverted) instead of the file. */
  tamper(path: string, bytes?: Buffer): Promise<void>;
  /** Waits `ms` before answering requests for `path`. */
  delay(path: string, ms: number): void;
  /** Stops listening and cuts open connections: the upstream is unreachable from now on. */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  info: "application/json",
  mod: "text/plain; charset=utf-8",
  zip: "application/zip",
  list: "text/plain; charset=utf-8",
};

/**
 * `host` is 127.0.0.1 unless a container must reach the upstream: then an address of this
 * machine that only its containers reach (Podman's hostBridge).
 */
export async function startLocalUpstream(
  root: string,
  opts: { host?: string } = {},
): Promise<LocalUpstream> {
  const host = opts.host ?? "127.0.0.1";
  const counts = new Map<string, number>();
  const tampered = new Map<string, Buffer>();
  const delays = new Map<string, number>();

  const notFound = (res: ServerResponse, status: number, text: string) => {
    const body = Buffer.from(`${text}\n`);
    res.writeHead(status, {
      "content-type": "text/plain; charset=utf-8",
      "content-length": body.length,
    });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = (req.url ?? "/").split("?")[0] ?? "/";
    let path: string;
    try {
      path = decodeURIComponent(raw);
    } catch {
      return notFound(res, 400, `bad request: ${raw}`);
    }
    counts.set(path, (counts.get(path) ?? 0) + 1);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return notFound(res, 405, `method ${req.method ?? ""} not allowed`);
    }
    const wait = delays.get(path);
    if (wait !== undefined) await sleep(wait);
    const segments = path.split("/").slice(1);
    if (segments.some((s) => s === "" || s === "." || s === "..")) {
      return notFound(res, 404, `not found: ${path}`);
    }
    const file = join(root, ...segments);
    const rel = relative(root, file);
    if (rel.startsWith(`..${sep}`) || rel === "..") return notFound(res, 404, `not found: ${path}`);
    const ext = /\.(info|mod|zip)$/.exec(file)?.[1] ?? (file.endsWith("/@v/list") ? "list" : "");
    const type = CONTENT_TYPES[ext];
    const override = tampered.get(path);
    let size: number;
    if (override) size = override.length;
    else {
      const st = await stat(file).catch(() => undefined);
      if (!st?.isFile() || type === undefined) return notFound(res, 404, `not found: ${path}`);
      size = st.size;
    }
    res.writeHead(200, {
      "content-type": type ?? "application/octet-stream",
      "content-length": size,
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    if (override) {
      res.end(override);
      return;
    }
    await pipeline(createReadStream(file), res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) notFound(res, 500, "internal error in the test upstream");
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;

  return {
    url: `http://${host}:${port}`,
    root,
    count: (path) => counts.get(path) ?? 0,
    counts: () => new Map(counts),
    resetCounts: () => counts.clear(),
    async tamper(path, bytes) {
      if (bytes) {
        tampered.set(path, bytes);
        return;
      }
      const data = Buffer.from(await readFile(join(root, ...path.split("/").slice(1))));
      const mid = Math.floor(data.length / 2);
      for (let i = mid; i < Math.min(mid + 16, data.length); i++) data[i] = (data[i] ?? 0) ^ 0xff;
      tampered.set(path, data);
    },
    delay: (path, ms) => void delays.set(path, ms),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/** The proxy path of a module file: "/<escaped module>/@v/<escaped version>.<ext>". */
export function modulePath(module: string, version: string, ext: "info" | "mod" | "zip"): string {
  return `/${escapeModulePath(module)}/@v/${escapeVersion(version)}.${ext}`;
}

/** Writes one module version (info, mod, zip, list) into a download-layout directory. */
export async function writeModule(
  root: string,
  module: string,
  version: string,
  files: Record<string, string>,
): Promise<void> {
  const dir = join(root, escapeModulePath(module), "@v");
  mkdirSync(dir, { recursive: true });
  const gomod = files["go.mod"] ?? `module ${module}\n`;
  const v = escapeVersion(version);
  await writeFile(
    join(dir, `${v}.info`),
    JSON.stringify({ Version: version, Time: "2024-01-01T00:00:00Z" }),
  );
  await writeFile(join(dir, `${v}.mod`), gomod);
  await writeFile(join(dir, `${v}.zip`), await moduleZip(module, version, files));
  await writeFile(join(dir, "list"), `${version}\n`);
}

export const ORDERS_EXAMPLE = join(REPO_ROOT, "examples", "orders");

export interface OrdersModules {
  /** The download-layout directory a LocalUpstream serves. */
  root: string;
  /** go.sum of examples/orders as committed. */
  exampleGoSum: string;
  /**
   * The go.sum `go mod download all` writes for examples/orders: the committed lines plus the
   * modules `all` adds (test dependencies of dependencies that `go mod tidy` leaves out).
   */
  goSum: string;
  /** Every module version `go mod download all` fetches a zip for. */
  modules: { path: string; version: string }[];
  /** Removes the prepared directories (the next prepareOrdersModules starts over). */
  dispose(): void;
}

let prepared: Promise<OrdersModules> | undefined;

/**
 * The public modules examples/orders needs (pgx, go-redis and their dependency graph), in a
 * download-layout directory: exactly the files `go mod download all` reads, copied out of a
 * module cache the go command filled from this machine's module cache. Memoised per process.
 */
export function prepareOrdersModules(): Promise<OrdersModules> {
  prepared ??= prepare();
  return prepared;
}

async function prepare(): Promise<OrdersModules> {
  const work = mkdtempSync(join(tmpdir(), "gopave-e2e-modules-"));
  const probe = await runGo(["env", "GOMODCACHE"], { cwd: work, env: process.env });
  const machineCache = probe.stdout.trim();
  if (probe.code !== 0 || machineCache === "") {
    throw new Error(`go env GOMODCACHE failed: ${probe.stderr}`);
  }

  let offline = await downloadFromModCache(work, machineCache);
  if (!offline.ok) {
    // THE ONLY NETWORK STEP of the end-to-end tests, and only when this machine's module cache
    // lacks part of the example's module graph: `go mod download all` for examples/orders with the
    // machine's own GOPROXY and GOSUMDB (the checksum database verifies what it fetches) into the
    // machine's module cache. Everything after this reads that cache through file:// and the
    // local upstream; the go clients under test have GOPROXY pointing only at gopave.
    const app = copyExample(work, "network");
    const net = await runGo(["mod", "download", "-json", "all"], {
      cwd: app,
      env: { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local", GOWORK: "off" },
      timeoutMs: 300_000,
    });
    if (net.code !== 0) {
      throw new Error(
        `the module cache lacks modules of examples/orders and fetching them failed:\n${offline.why}\n${net.stderr}${net.stdout}`,
      );
    }
    offline = await downloadFromModCache(work, machineCache);
    if (!offline.ok) throw new Error(`cannot prepare the local upstream: ${offline.why}`);
  }

  const root = join(work, "upstream");
  copyDownloadLayout(join(offline.modcache, "cache", "download"), root);
  rmSync(offline.home, { recursive: true, force: true });
  const exampleGoSum = join(ORDERS_EXAMPLE, "go.sum");
  const complete = new Set(goSumLines(offline.goSum));
  const missing = goSumLines(exampleGoSum).filter((l) => !complete.has(l));
  if (missing.length > 0) {
    throw new Error(
      `the module cache disagrees with examples/orders/go.sum:\n${missing.join("\n")}`,
    );
  }
  return {
    root,
    exampleGoSum,
    goSum: offline.goSum,
    modules: offline.downloads.map((d) => ({ path: d.Path, version: d.Version })),
    dispose: () => {
      rmSync(work, { recursive: true, force: true });
      prepared = undefined;
    },
  };
}

type Offline =
  | { ok: true; home: string; modcache: string; goSum: string; downloads: GoDownloadJson[] }
  | { ok: false; why: string };

/**
 * `go mod download -json all` for a copy of the example without its go.sum, from
 * GOPROXY=file://<machine module cache>/cache/download (offline), into a fresh module cache.
 */
async function downloadFromModCache(work: string, machineCache: string): Promise<Offline> {
  const dirs = freshGoDirs("gopave-e2e-prep");
  const app = copyExample(work, "offline");
  rmSync(join(app, "go.sum"));
  const r = await runGo(["mod", "download", "-json", "all"], {
    cwd: app,
    env: isolatedGoEnv(dirs, {
      GOPROXY: pathToFileURL(join(machineCache, "cache", "download")).href,
    }),
  });
  const downloads = r.stdout.trim() === "" ? [] : parseDownloadJson(r.stdout);
  const errors = downloads.filter((d) => d.Error !== undefined).map((d) => d.Error);
  if (r.code !== 0 || errors.length > 0 || downloads.length === 0) {
    rmSync(dirs.home, { recursive: true, force: true });
    return { ok: false, why: [...errors, r.stderr].join("\n") };
  }
  return {
    ok: true,
    home: dirs.home,
    modcache: dirs.modcache,
    goSum: join(app, "go.sum"),
    downloads,
  };
}

function copyExample(work: string, name: string): string {
  const dir = join(work, `orders-${name}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(ORDERS_EXAMPLE, dir, { recursive: true });
  return dir;
}

/** Copies .info/.mod/.zip and @v/list files (not locks, ziphashes or sumdb tiles). */
function copyDownloadLayout(from: string, to: string): void {
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (dir === from && e.name === "sumdb") continue;
        walk(p);
      } else if (/\.(info|mod|zip)$/.test(e.name) || (e.name === "list" && dir.endsWith("@v"))) {
        const dest = join(to, relative(from, p));
        mkdirSync(dirname(dest), { recursive: true });
        cpSync(p, dest);
      }
    }
  };
  walk(from);
}

export interface InstallModules {
  /** The download-layout directory: every .info, .mod and .zip the install reads. */
  root: string;
  /**
   * go.sum lines for every module version in `root`: the zip's from the go command's .ziphash,
   * the go.mod's from its bytes. Checked against the go.sum the installed module ships.
   */
  sums: string[];
  dispose(): void;
}

/**
 * The module versions `go install <package>@<version>` reads (a debug image's Delve), in a
 * download-layout directory, fetched with `go install -n` (loads packages, compiles nothing)
 * from this machine's module cache through file:// — .ci/run installs Delve, which fills that
 * cache. When the cache lacks some, once from the machine's own GOPROXY and GOSUMDB (the only
 * network step, as in prepareOrdersModules).
 */
export async function prepareInstallModules(target: string): Promise<InstallModules> {
  const work = mkdtempSync(join(tmpdir(), "gopave-e2e-install-"));
  const probe = await runGo(["env", "GOMODCACHE"], { cwd: work, env: process.env });
  const machineCache = probe.stdout.trim();
  if (probe.code !== 0 || machineCache === "") {
    throw new Error(`go env GOMODCACHE failed: ${probe.stderr}`);
  }
  const offline = async () => {
    const dirs = freshGoDirs("gopave-e2e-install");
    const r = await runGo(["install", "-n", target], {
      cwd: work,
      env: isolatedGoEnv(dirs, {
        GOPROXY: pathToFileURL(join(machineCache, "cache", "download")).href,
        // As in a golang image, which has a C compiler: cgo files may import other packages.
        CGO_ENABLED: "1",
        GOBIN: join(work, "bin"),
      }),
    });
    return { dirs, r };
  };
  let attempt = await offline();
  if (attempt.r.code !== 0) {
    rmSync(attempt.dirs.home, { recursive: true, force: true });
    const net = await runGo(["install", "-n", target], {
      cwd: work,
      env: { ...process.env, GOTOOLCHAIN: "local", GOWORK: "off", GOBIN: join(work, "bin") },
      timeoutMs: 300_000,
    });
    if (net.code !== 0) {
      throw new Error(
        `the module cache lacks modules of ${target} and fetching them failed:\n${attempt.r.stderr}\n${net.stderr}`,
      );
    }
    attempt = await offline();
    if (attempt.r.code !== 0) {
      throw new Error(`cannot prepare the modules of ${target}: ${attempt.r.stderr}`);
    }
  }
  const root = join(work, "upstream");
  const download = join(attempt.dirs.modcache, "cache", "download");
  copyDownloadLayout(download, root);
  const sums = downloadLayoutSums(download);
  // The installed module's own go.sum lists its dependencies: ours must agree with it.
  const [module, version] = installedModule(target, download);
  const shipped = join(
    attempt.dirs.modcache,
    `${escapeModulePath(module)}@${escapeVersion(version)}`,
    "go.sum",
  );
  const mine = new Set(sums);
  const wanted = new Set(goSumLines(shipped).filter((l) => l.split(" ")[0] !== module));
  const disagree = [...wanted].filter((l) => {
    const [m, v] = l.split(" ");
    return sums.some((s) => s.startsWith(`${m} ${v} `)) && !mine.has(l);
  });
  rmSync(attempt.dirs.home, { recursive: true, force: true });
  if (disagree.length > 0) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(
      `the module cache disagrees with ${module}@${version}'s go.sum:\n${disagree.join("\n")}`,
    );
  }
  return { root, sums, dispose: () => rmSync(work, { recursive: true, force: true }) };
}

/** The module (path, version) that provides `package@version`: the longest fetched prefix. */
function installedModule(target: string, download: string): [string, string] {
  const at = target.lastIndexOf("@");
  const pkg = target.slice(0, at);
  const version = target.slice(at + 1);
  for (let p = pkg; p.includes("/"); p = p.slice(0, p.lastIndexOf("/"))) {
    try {
      statSync(join(download, escapeModulePath(p), "@v", `${escapeVersion(version)}.zip`));
      return [p, version];
    } catch {
      // Not this prefix.
    }
  }
  throw new Error(`no module of ${target} in ${download}`);
}

/**
 * go.sum lines for a download-layout directory: `<module> <version> <zip hash>` from the go
 * command's .ziphash files and `<module> <version>/go.mod <hash>` for every .mod file.
 */
function downloadLayoutSums(dir: string): string[] {
  const lines: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (d === dir && e.name === "sumdb") continue;
        walk(p);
        continue;
      }
      const m = /^(.*)\.(mod|ziphash)$/.exec(e.name);
      if (!m?.[1] || !d.endsWith(`${sep}@v`)) continue;
      const module = unescapeModulePath(relative(dir, dirname(d)).split(sep).join("/"));
      const version = unescapeVersion(m[1]);
      lines.push(
        m[2] === "mod"
          ? `${module} ${version}/go.mod ${hashMod(readFileSync(p))}`
          : `${module} ${version} ${readFileSync(p, "utf8").trim()}`,
      );
    }
  };
  walk(dir);
  return lines.sort();
}
