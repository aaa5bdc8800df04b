#!/usr/bin/env node
// Mixed load against the built `gopave proxy serve`: many concurrent clients for a fixed time,
// each sending a weighted mix of warm .info/.mod/.zip hits, list and @latest, not-founds and a
// few cold misses through a local upstream. Reports requests, errors, p50/p99 per endpoint and
// gopave's peak RSS. A benchmark, not a test: it fails (exit 1) only when a request errs.
// See bench/proxy/README.md, "Faults and load".
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createReadStream, statSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { ZipFile } from "yazl";

const env = process.env;
const cfg = {
  clients: Number(env.LOAD_CLIENTS ?? 500),
  seconds: Number(env.LOAD_SECONDS ?? 60),
  warmModules: Number(env.LOAD_WARM_MODULES ?? 30),
  coldModules: Number(env.LOAD_COLD_MODULES ?? 10),
  keep: env.LOAD_KEEP === "1",
};
const ROOT = join(import.meta.dirname, "..", "..");
const log = (s) => process.stderr.write(`${s}\n`);

/** Weighted request kinds; "notfound" and "gone" are the only ones where 404/410 is right. */
const MIX = [
  ["info", 25],
  ["mod", 20],
  ["zip", 20],
  ["list", 10],
  ["latest", 10],
  ["notfound", 12],
  ["cold", 3],
];

function zipOf(module, version, files) {
  const zip = new ZipFile();
  const mtime = new Date("2024-01-01T00:00:00Z");
  for (const [name, text] of Object.entries(files)) {
    zip.addBuffer(Buffer.from(text), `${module}@${version}/${name}`, { mtime });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks = [];
    zip.outputStream.on("data", (c) => chunks.push(c));
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on("error", reject);
  });
}

/** Module versions in GOMODCACHE's download layout; sizes from 2 KB to ~1.5 MB. */
async function writeModules(root, names) {
  for (const [i, module] of names.entries()) {
    const dir = join(root, module, "@v");
    mkdirSync(dir, { recursive: true });
    const versions = ["v1.0.0", "v1.1.0"];
    for (const version of versions) {
      const gomod = `module ${module}\n\ngo 1.21\n`;
      const blob = randomBytes(2048 + ((i * 7919) % 1_100_000)).toString("base64");
      writeFileSync(
        join(dir, `${version}.info`),
        JSON.stringify({ Version: version, Time: "2024-01-01T00:00:00Z" }),
      );
      writeFileSync(join(dir, `${version}.mod`), gomod);
      writeFileSync(
        join(dir, `${version}.zip`),
        await zipOf(module, version, {
          "go.mod": gomod,
          "lib.go": "package lib\n",
          "blob.txt": blob,
        }),
      );
    }
    writeFileSync(join(dir, "list"), `${versions.join("\n")}\n`);
    writeFileSync(
      join(root, module, "@latest"),
      JSON.stringify({ Version: versions.at(-1), Time: "2024-01-01T00:00:00Z" }),
    );
  }
}

/** go.sum lines computed by the real go command from the directory (not by gopave). */
function goSum(root, names, work) {
  const home = join(work, "gohome");
  mkdirSync(home, { recursive: true });
  const goEnv = {
    PATH: env.PATH,
    HOME: home,
    GOENV: "off",
    GOPATH: join(home, "gopath"),
    GOMODCACHE: join(home, "modcache"),
    GOCACHE: join(home, "gocache"),
    GOFLAGS: "-modcacherw",
    GOPROXY: pathToFileURL(root).href,
    GOSUMDB: "off",
    GOTOOLCHAIN: "local",
  };
  execFileSync("go", ["telemetry", "off"], { cwd: home, env: goEnv });
  const args = names.flatMap((m) => [`${m}@v1.0.0`, `${m}@v1.1.0`]);
  const out = execFileSync("go", ["mod", "download", "-json", ...args], {
    cwd: home,
    env: goEnv,
    maxBuffer: 64 << 20,
  });
  const lines = [];
  for (const part of out.toString().split(/\n(?=\{)/)) {
    if (!part.trim()) continue;
    const d = JSON.parse(part);
    if (d.Error) throw new Error(`go mod download: ${d.Error}`);
    lines.push(`${d.Path} ${d.Version} ${d.Sum}`, `${d.Path} ${d.Version}/go.mod ${d.GoModSum}`);
  }
  const path = join(work, "go.sum");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** A static server over the directory: the upstream gopave fetches misses from. */
function startUpstream(root) {
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]);
    const file = join(root, ...path.split("/").filter((s) => s && s !== ".." && s !== "."));
    let size;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error("dir");
      size = st.size;
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, { "content-length": size });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        count: () => count,
        close: () => server.close(),
      }),
    ),
  );
}

function startGopave(work, upstream, sums) {
  const config = join(work, "proxy.yaml");
  writeFileSync(config, `trustedSums: [${JSON.stringify(sums)}]\n`);
  const out = openSync(join(work, "requests.log"), "w");
  const child = spawn(
    process.execPath,
    [
      join(ROOT, "bin", "gopave.js"),
      "proxy",
      "serve",
      "--listen",
      "127.0.0.1:0",
      "--config",
      config,
      "--storage",
      pathToFileURL(join(work, "storage")).href,
      "--upstream",
      upstream,
    ],
    { cwd: work, env: { PATH: env.PATH, HOME: work }, stdio: ["ignore", out, "pipe"] },
  );
  let err = "";
  return new Promise((resolve, reject) => {
    child.stderr.setEncoding("utf8").on("data", (t) => {
      err += t;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) resolve({ url: m[1], child });
    });
    child.once("exit", (code) => reject(new Error(`gopave exited ${code}:\n${err}`)));
  });
}

function vmKb(pid, field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(
    readFileSync(`/proc/${pid}/status`, "utf8"),
  );
  return m ? Number(m[1]) : 0;
}

function get(agent, url) {
  return new Promise((resolve) => {
    const start = performance.now();
    const req = request(url, { agent }, (res) => {
      res.on("data", () => undefined);
      res.on("end", () => resolve({ status: res.statusCode, ms: performance.now() - start }));
      res.on("error", (e) =>
        resolve({ status: 0, error: e.message, ms: performance.now() - start }),
      );
    });
    req.on("error", (e) => resolve({ status: 0, error: e.message, ms: performance.now() - start }));
    req.end();
  });
}

/** A small seeded PRNG: the request mix is reproducible. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "gopave-load-mixed-"));
  try {
    const warm = Array.from({ length: cfg.warmModules }, (_, i) => `example.test/load/warm${i}`);
    const cold = Array.from({ length: cfg.coldModules }, (_, i) => `example.test/load/cold${i}`);
    log(`writing ${warm.length + cold.length} modules (2 versions each) and their go.sum …`);
    const root = join(work, "upstream");
    await writeModules(root, [...warm, ...cold]);
    const sums = goSum(root, [...warm, ...cold], work);
    const upstream = await startUpstream(root);
    const gopave = await startGopave(work, upstream.url, sums);
    const pid = gopave.child.pid;
    const agent = new Agent({ keepAlive: true, maxSockets: cfg.clients });
    const versions = ["v1.0.0", "v1.1.0"];

    // Warm: every warm file once, so those requests are hits during the run.
    for (const m of warm) {
      for (const v of versions)
        for (const ext of ["info", "mod", "zip"])
          await get(agent, `${gopave.url}/${m}/@v/${v}.${ext}`);
      await get(agent, `${gopave.url}/${m}/@v/list`);
      await get(agent, `${gopave.url}/${m}/@latest`);
    }
    const upstreamBefore = upstream.count();
    const idleRssKb = vmKb(pid, "VmRSS");
    log(
      `warm; idle RSS ${(idleRssKb / 1024).toFixed(0)} MiB; ${cfg.clients} clients for ${cfg.seconds} s …`,
    );

    const total = MIX.reduce((s, [, w]) => s + w, 0);
    const rand = mulberry32(Number(env.LOAD_SEED ?? 42));
    const pick = (xs) => xs[Math.floor(rand() * xs.length)];
    const nextRequest = () => {
      let r = rand() * total;
      const kind = MIX.find(([, w]) => (r -= w) < 0)?.[0] ?? "info";
      const m = pick(warm);
      const v = pick(versions);
      switch (kind) {
        case "list":
          return { kind, path: `/${m}/@v/list` };
        case "latest":
          return { kind, path: `/${m}/@latest` };
        case "notfound":
          return rand() < 0.5
            ? { kind, path: `/${m}/@v/v9.${Math.floor(rand() * 50)}.0.info` }
            : { kind, path: `/example.test/load/missing${Math.floor(rand() * 50)}/@v/list` };
        case "cold":
          return { kind, path: `/${pick(cold)}/@v/${v}.${pick(["info", "mod", "zip"])}` };
        default:
          return { kind, path: `/${m}/@v/${v}.${kind}` };
      }
    };

    const lat = new Map(MIX.map(([k]) => [k, []]));
    const errors = [];
    let rssPeakKb = idleRssKb;
    const sampler = setInterval(() => (rssPeakKb = Math.max(rssPeakKb, vmKb(pid, "VmRSS"))), 100);
    const end = performance.now() + cfg.seconds * 1000;
    const client = async () => {
      while (performance.now() < end) {
        const { kind, path } = nextRequest();
        const r = await get(agent, `${gopave.url}${path}`);
        lat.get(kind).push(r.ms);
        const ok = kind === "notfound" ? r.status === 404 || r.status === 410 : r.status === 200;
        if (!ok) errors.push(`${r.status} ${path}${r.error ? ` (${r.error})` : ""}`);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: cfg.clients }, client));
    const elapsed = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const hwmKb = vmKb(pid, "VmHWM");
    agent.destroy();
    gopave.child.kill("SIGTERM");
    upstream.close();

    const requests = [...lat.values()].reduce((s, xs) => s + xs.length, 0);
    const rows = [...lat].map(([kind, xs]) => {
      const sorted = Float64Array.from(xs).sort();
      return `| ${kind} | ${xs.length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} |`;
    });
    const model = cpus()[0]?.model ?? "?";
    console.log(
      `gopave proxy mixed load — ${new Date().toISOString().slice(0, 16)}Z, node ${process.version}, ${cpus().length} × ${model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    );
    console.log(
      `${cfg.clients} clients × ${elapsed.toFixed(1)} s; ${warm.length} warm modules, ${cold.length} cold (2 versions each)\n`,
    );
    console.log(
      `| endpoint | requests | p50 ms | p99 ms |\n|---|---:|---:|---:|\n${rows.join("\n")}`,
    );
    console.log(
      `\ntotal ${requests} requests (${(requests / elapsed).toFixed(0)}/s), errors ${errors.length}`,
    );
    console.log(`upstream requests during the run: ${upstream.count() - upstreamBefore}`);
    console.log(
      `gopave RSS: idle ${(idleRssKb / 1024).toFixed(0)} MiB, peak sampled ${(rssPeakKb / 1024).toFixed(0)} MiB, VmHWM ${(hwmKb / 1024).toFixed(0)} MiB`,
    );
    if (errors.length > 0) {
      console.log(`first errors:\n  ${errors.slice(0, 10).join("\n  ")}`);
      process.exitCode = 1;
    }
  } finally {
    if (cfg.keep) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
