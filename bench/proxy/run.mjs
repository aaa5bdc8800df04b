// Benchmark (not a test) of `gopave proxy serve` against nginx serving the same storage directory,
// and of a cold `go mod download all` through gopave against the upstream directly.
// Run after `npm run build`: node bench/proxy/run.mjs   (see bench/proxy/README.md)
//
// Everything is on 127.0.0.1 and offline once the module set is prepared; every load has a fixed
// duration and every child process a time limit.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { autocannonLoad, hasWrk, wrkLoad } from "./load.mjs";
import {
  ORDERS_EXAMPLE,
  REPO_ROOT,
  copyOrders,
  freshGoDirs,
  isolatedGoEnv,
  listModuleFiles,
  prepareModules,
  runGo,
  startUpstream,
} from "./modules.mjs";
import { startGopave, startNginx } from "./servers.mjs";

const env = process.env;
const cfg = {
  duration: Number(env.BENCH_DURATION ?? 10),
  warmup: Number(env.BENCH_WARMUP ?? 2),
  connections: Number(env.BENCH_CONNECTIONS ?? 50),
  rssConnections: Number(env.BENCH_RSS_CONNECTIONS ?? 100),
  rounds: Number(env.BENCH_ROUNDS ?? 3),
  coldRuns: Number(env.BENCH_COLD_RUNS ?? 3),
  nginxWorkers: env.BENCH_NGINX_WORKERS ?? "1",
  wrk: env.BENCH_WRK !== "0" && hasWrk(),
};
const GOALS = { meta: 0.8, zip: 0.9, rssMb: 200, cold: 1.15 };
/** An address where nothing listens: the warm phase must not need any upstream. */
const NO_UPSTREAM = "http://127.0.0.1:9";

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmt = (n, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "n/a";
const mb = (bytes) => bytes / 1e6;
const log = (s) => process.stderr.write(`${s}\n`);

/** First line a command prints about its version (nginx -v writes to stderr). */
function version(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error) return "unavailable";
  return `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n")[0] ?? "";
}

function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const get = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: get("VmRSS"), hwm: get("VmHWM") };
}

async function checkSame(a, b, paths) {
  for (const p of paths) {
    const [x, y] = await Promise.all([fetch(`${a}${p}`), fetch(`${b}${p}`)]);
    const [bx, by] = await Promise.all([x.arrayBuffer(), y.arrayBuffer()]);
    if (x.status !== 200 || y.status !== 200 || !Buffer.from(bx).equals(Buffer.from(by))) {
      throw new Error(`${p}: gopave ${x.status}, nginx ${y.status}, or the bodies differ`);
    }
  }
}

async function main() {
  if (!existsSync(join(REPO_ROOT, "dist", "cli", "main.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first");
  }
  const nginxVersion = version("nginx", ["-v"]);
  if (!/nginx\//.test(nginxVersion)) {
    throw new Error("nginx is not installed: apt-get install -y nginx (see bench/proxy/README.md)");
  }
  const work = mkdtempSync(join(tmpdir(), "gopave-bench-proxy-"));
  const sub = (name) => {
    const d = join(work, name);
    mkdirSync(d, { recursive: true });
    return d;
  };
  log(`work directory ${work}`);
  log("preparing the module set of examples/orders…");
  const mods = await prepareModules(work);
  const trustedSums = [join(ORDERS_EXAMPLE, "go.sum"), mods.goSum];
  const upstream = await startUpstream(mods.root);
  log(`${mods.modules.length} modules with zips; local upstream ${upstream.url}`);

  // (e) cold: `go mod download all` straight from the upstream vs through an empty gopave,
  // alternating, each with a fresh module cache; gopave is started before the clock starts.
  const downloadAll = async (goproxy, name) => {
    const dirs = freshGoDirs();
    const app = copyOrders(work, name);
    const r = await runGo(["mod", "download", "all"], {
      cwd: app,
      env: isolatedGoEnv(dirs, { GOPROXY: goproxy }),
      timeoutMs: 300_000,
    });
    rmSync(dirs.home, { recursive: true, force: true });
    rmSync(app, { recursive: true, force: true });
    if (r.code !== 0) throw new Error(`go mod download all via ${goproxy}:\n${r.stderr}`);
    return r.ms;
  };
  log("cold: one warm-up run (not counted)…");
  await downloadAll(upstream.url, "cold-warmup");
  // gopave as it runs by default, and with --no-prefetch (each zip fetched only when asked for).
  const cold = { direct: [], gopave: [], noPrefetch: [] };
  const throughGopave = async (i, variant, args) => {
    const storage = join(work, `storage-${variant}-${i}`);
    const g = await startGopave({
      dir: sub(`gopave-cold-${variant}-${i}`),
      storage,
      upstream: upstream.url,
      trustedSums,
      args,
    });
    try {
      return { ms: await downloadAll(g.url, `cold-${variant}-${i}`), storage };
    } finally {
      await g.stop();
    }
  };
  let warmStorage;
  for (let i = 0; i < cfg.coldRuns; i++) {
    cold.direct.push(await downloadAll(upstream.url, `cold-direct-${i}`));
    const plain = await throughGopave(i, "no-prefetch", ["--no-prefetch"]);
    cold.noPrefetch.push(plain.ms);
    rmSync(plain.storage, { recursive: true, force: true });
    const run = await throughGopave(i, "default", []);
    cold.gopave.push(run.ms);
    if (i < cfg.coldRuns - 1) rmSync(run.storage, { recursive: true, force: true });
    else warmStorage = run.storage;
    log(
      `cold run ${i + 1}: direct ${fmt(cold.direct[i])} ms, gopave ${fmt(cold.gopave[i])} ms, ` +
        `gopave --no-prefetch ${fmt(cold.noPrefetch[i])} ms`,
    );
  }
  await upstream.close();

  // (a)–(c) warm: gopave and nginx over the same storage directory, no upstream at all.
  const files = listModuleFiles(warmStorage);
  const meta = [...files.info, ...files.mod];
  const zips = files.zip;
  const zipBytes = zips.reduce(
    (n, p) => n + readFileSync(join(warmStorage, ...p.split("/").slice(1))).length,
    0,
  );
  log(`warm storage: ${files.info.length} .info, ${files.mod.length} .mod, ${zips.length} zips`);
  const wrkDir = sub("wrk");
  const generators = { autocannon: autocannonLoad };
  if (cfg.wrk) generators.wrk = (url, paths, c, s) => wrkLoad(url, paths, c, s, wrkDir);
  const runs = {};
  for (const gen of Object.keys(generators)) {
    runs[gen] = { meta: { gopave: [], nginx: [] }, zip: { gopave: [], nginx: [] } };
  }
  const g = await startGopave({
    dir: sub("gopave-warm"),
    storage: warmStorage,
    upstream: NO_UPSTREAM,
    trustedSums,
  });
  const ngx = await startNginx({ dir: sub("nginx"), root: warmStorage, workers: cfg.nginxWorkers });
  const servers = { gopave: g, nginx: ngx };
  try {
    await checkSame(g.url, ngx.url, [...meta, ...zips]);
    for (let round = 0; round < cfg.rounds; round++) {
      const order = round % 2 === 0 ? ["gopave", "nginx"] : ["nginx", "gopave"];
      for (const [gen, load] of Object.entries(generators)) {
        for (const [kind, paths] of [
          ["meta", meta],
          ["zip", zips],
        ]) {
          for (const name of order) {
            const url = servers[name].url;
            await load(url, paths, cfg.connections, cfg.warmup);
            const r = await load(url, paths, cfg.connections, cfg.duration);
            if (r.non2xx > 0 || r.errors > 0) {
              throw new Error(`${gen} ${name} ${kind}: ${r.non2xx} non-2xx, ${r.errors} errors`);
            }
            runs[gen][kind][name].push(r);
            log(
              `round ${round + 1} ${gen} ${kind} ${name}: ${fmt(r.rps)} req/s, ` +
                `p99 ${fmt(r.p99, 1)} ms, ${fmt(mb(r.bytesPerSec), 1)} MB/s`,
            );
          }
        }
      }
    }
  } finally {
    await g.stop();
    await ngx.stop();
  }

  // (d) RSS of a fresh gopave process during 100 concurrent zip downloads, per load generator.
  const rss = {};
  for (const [gen, load] of Object.entries(generators)) {
    const rg = await startGopave({
      dir: sub(`gopave-rss-${gen}`),
      storage: warmStorage,
      upstream: NO_UPSTREAM,
      trustedSums,
    });
    try {
      const idle = rssKb(rg.pid).rss;
      let max = idle;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          max = Math.max(max, rssKb(rg.pid).rss);
          await sleep(50);
        }
      })();
      const r = await load(rg.url, zips, cfg.rssConnections, cfg.duration);
      sampling = false;
      await sampler;
      if (r.non2xx > 0 || r.errors > 0) {
        throw new Error(`rss run (${gen}): ${r.non2xx} non-2xx, ${r.errors} errors`);
      }
      rss[gen] = { idleKb: idle, maxKb: max, hwmKb: rssKb(rg.pid).hwm, mbps: mb(r.bytesPerSec) };
      log(`rss ${gen}: max ${fmt(max / 1024, 1)} MB at ${fmt(mb(r.bytesPerSec), 1)} MB/s`);
    } finally {
      await rg.stop();
    }
  }

  // Report: a markdown table to paste into bench/proxy/README.md, then the raw numbers.
  const ok = (b) => (b ? "yes" : "**no**");
  const out = [
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, Node ${process.version}, ` +
      `${version("go", ["version"]).replace(/^go version /, "")}, ` +
      `${nginxVersion.replace(/^nginx version: /, "")} (worker_processes ${cfg.nginxWorkers}); ` +
      `${cfg.connections} connections, ${cfg.duration} s per run, medians of ${cfg.rounds} rounds; ` +
      `${meta.length} .info/.mod files, ${zips.length} zips (${fmt(mb(zipBytes), 1)} MB); ` +
      `cold: median of ${cfg.coldRuns}.`,
    "",
    "| load generator | measure | gopave | nginx | gopave ÷ nginx | goal | met |",
    "| --- | --- | ---: | ---: | ---: | --- | --- |",
  ];
  for (const gen of Object.keys(generators)) {
    const med = (kind, name, key) => median(runs[gen][kind][name].map((r) => r[key]));
    const row = (label, kind, key, scale, digits, goal) => {
      const a = med(kind, "gopave", key) * scale;
      const b = med(kind, "nginx", key) * scale;
      const q = a / b;
      const g2 = goal === undefined ? ["", ""] : [`≥ ${goal}`, ok(q >= goal)];
      return `| ${gen} | ${label} | ${fmt(a, digits)} | ${fmt(b, digits)} | ${fmt(q, 2)} | ${g2.join(" | ")} |`;
    };
    out.push(
      row(".info/.mod req/s", "meta", "rps", 1, 0, GOALS.meta),
      row(".info/.mod p99 ms", "meta", "p99", 1, 1),
      row("zip MB/s", "zip", "bytesPerSec", 1e-6, 1, GOALS.zip),
      row("zip req/s", "zip", "rps", 1, 0),
      row("zip p99 ms", "zip", "p99", 1, 1),
    );
  }
  out.push(
    "",
    "| measure | gopave | reference | ratio | goal | met |",
    "| --- | ---: | ---: | ---: | --- | --- |",
  );
  for (const [gen, r] of Object.entries(rss)) {
    const maxMb = r.maxKb / 1024;
    out.push(
      `| RSS max MB, ${cfg.rssConnections} concurrent zip downloads (${gen}, ${fmt(r.mbps, 0)} MB/s) | ` +
        `${fmt(maxMb, 1)} | idle ${fmt(r.idleKb / 1024, 1)} | | < ${GOALS.rssMb} | ${ok(maxMb < GOALS.rssMb)} |`,
    );
  }
  for (const [label, runs] of [
    ["gopave", cold.gopave],
    ["gopave --no-prefetch", cold.noPrefetch],
  ]) {
    const coldRatio = median(runs) / median(cold.direct);
    out.push(
      `| cold \`go mod download all\` ms, ${label} (reference: straight from the upstream) | ${fmt(median(runs))} | ` +
        `${fmt(median(cold.direct))} | ${fmt(coldRatio, 2)} | ≤ ${GOALS.cold} | ${ok(coldRatio <= GOALS.cold)} |`,
    );
  }
  process.stdout.write(`${out.join("\n")}\n`);
  process.stdout.write(`\nraw: ${JSON.stringify({ cfg, cold, rss, runs })}\n`);
  if (env.BENCH_KEEP !== "1") rmSync(work, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exitCode = 1;
});
