// Benchmark (not a test) of `gopave proxy serve` side by side with goproxy and Athens, against a
// local upstream (Debian's nginx serving a GOPROXY file tree) and nginx as the warm reference.
// Run after `npm run build`: npm run bench:proxy   (see bench/proxy/README.md)
//
// Everything listens on 127.0.0.1; the only network use is filling the bench's module cache and
// building the peers once. Every load has a fixed duration and every child process a time limit.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { VARIANTS, measureVariant, startVariant } from "./cold.mjs";
import { hasWrk, wrkLoad } from "./load.mjs";
import { REPO_ROOT, prepareModules } from "./modules.mjs";
import { PEERS, benchCache, buildPeer } from "./peers.mjs";
import { sampleTree } from "./proctree.mjs";
import { clientTable, fmt, loadTable, spread } from "./report.mjs";
import { startNginx } from "./servers.mjs";
import { zipCheckCost } from "./zipcheck.mjs";

const env = process.env;
const cfg = {
  sets: (env.BENCH_SETS ?? "service,large").split(",").filter(Boolean),
  loadSet: env.BENCH_LOAD_SET ?? "service",
  rounds: Number(env.BENCH_ROUNDS ?? 3),
  duration: Number(env.BENCH_DURATION ?? 10),
  warmup: Number(env.BENCH_WARMUP ?? 2),
  threads: Number(env.BENCH_THREADS ?? 2),
  connections: Number(env.BENCH_CONNECTIONS ?? 64),
  zipConnections: Number(env.BENCH_ZIP_CONNECTIONS ?? 100),
  nginxWorkers: env.BENCH_NGINX_WORKERS ?? "1",
  tmpfs: env.BENCH_TMPFS ?? "/dev/shm",
  disk: env.BENCH_DISK ?? tmpdir(),
};
const LOAD_SERVERS = ["gopave", "gopave, V8 defaults", "goproxy", "athens", "nginx"].filter(
  (s) => s === "nginx" || VARIANTS.includes(s),
);
const log = (s) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

/** First line a command prints about its version (nginx -v writes to stderr). */
function version(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error) return "unavailable";
  return `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n")[0] ?? "";
}

/** Order of the variants in round `i`: rotated, so none always runs first or after another. */
const rotate = (xs, i) => xs.map((_, k) => xs[(k + i) % xs.length]);

async function clientRounds(set, ctx) {
  const runs = Object.fromEntries(VARIANTS.map((v) => [v, { tmpfs: [], disk: [] }]));
  const warmStorage = {};
  for (let round = 0; round < cfg.rounds; round++) {
    for (const variant of rotate(VARIANTS, round)) {
      const slug = variant.replace(/\W+/g, "-");
      for (const [where, clientParent] of [
        ["tmpfs", ctx.tmpfsDir],
        ["disk", ctx.diskDir],
      ]) {
        const dir = join(ctx.work, `${set}-${slug}-${where}-${round}`);
        const r = await measureVariant(variant, {
          ...ctx,
          graph: set,
          dir,
          clientParent,
          warm: where === "tmpfs",
        });
        runs[variant][where].push(r);
        log(
          `${set} round ${round + 1} ${variant} (${where}): cold ${fmt(r.coldMs)} ms` +
            (r.warmMs ? `, warm ${fmt(r.warmMs)} ms` : "") +
            `, CPU ${fmt(r.cpuSeconds, 2)} s, peak RSS ${fmt(r.peakMib)} MiB`,
        );
        const last = round === cfg.rounds - 1 && where === "tmpfs";
        if (last && r.storage) warmStorage[variant] = r.storage;
        else rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return { runs, warmStorage };
}

/** The bytes of every .mod and .zip must be the same from each server; every .info answers. */
async function checkSame(servers, files) {
  const ref = servers.nginx.url;
  for (const p of [...files.mod, ...files.zip, ...files.info]) {
    const want = Buffer.from(await (await fetch(`${ref}${p}`)).arrayBuffer());
    for (const [name, s] of Object.entries(servers)) {
      const res = await fetch(`${s.url}${p}`);
      const got = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200 || (!p.endsWith(".info") && !got.equals(want))) {
        throw new Error(`${name} ${p}: status ${res.status} or its bytes differ from nginx's`);
      }
    }
  }
}

async function loadRounds(set, ctx, warmStorage, upstreamRoot, files) {
  const meta = [...files.info, ...files.mod];
  const servers = {};
  const wrkDir = join(ctx.work, "wrk");
  mkdirSync(wrkDir, { recursive: true });
  const runs = Object.fromEntries(LOAD_SERVERS.map((s) => [s, { meta: [], zip: [] }]));
  try {
    // Each proxy restarted over the storage its last cold run filled (its memory empty).
    for (const name of LOAD_SERVERS.filter((s) => s !== "nginx")) {
      const dir = join(ctx.work, `${set}-load-${name.replace(/\W+/g, "-")}`);
      servers[name] = await startOn(name, ctx, dir, warmStorage[name]);
    }
    servers.nginx = await startNginx({
      dir: mkdtempSync(join(ctx.work, "nginx-load-")),
      root: upstreamRoot,
      workers: cfg.nginxWorkers,
    });
    await checkSame(servers, files);
    for (let round = 0; round < cfg.rounds; round++) {
      for (const [kind, paths] of [
        ["meta", meta],
        ["zip", files.zip],
      ]) {
        for (const name of rotate(LOAD_SERVERS, round)) {
          const load = (seconds) =>
            wrkLoad({
              url: servers[name].url,
              paths,
              threads: cfg.threads,
              connections: kind === "zip" ? cfg.zipConnections : cfg.connections,
              seconds,
              dir: wrkDir,
            });
          await load(cfg.warmup);
          const sampler = sampleTree(servers[name].pid);
          const r = await load(cfg.duration);
          r.peakMib = (await sampler.stop()).peakMib;
          if (r.non2xx > 0 || r.errors > 0) {
            throw new Error(`wrk ${name} ${kind}: ${r.non2xx} non-2xx, ${r.errors} errors`);
          }
          runs[name][kind].push(r);
          log(
            `load round ${round + 1} ${kind} ${name}: ${fmt(r.rps)} req/s, p99 ${fmt(r.p99, 1)} ms, ` +
              `${fmt(r.bytesPerSec / 1e6, 1)} MB/s, peak RSS ${fmt(r.peakMib)} MiB`,
          );
        }
      }
    }
  } finally {
    for (const s of Object.values(servers)) await s.stop();
  }
  return { runs, files, nginxConfig: servers.nginx?.config };
}

/** A proxy variant started over the storage directory an earlier run filled (moved to `dir`). */
function startOn(variant, ctx, dir, storage) {
  mkdirSync(dir, { recursive: true });
  renameSync(storage, join(dir, "storage"));
  return startVariant(variant, { ...ctx, dir });
}

async function main() {
  if (!existsSync(join(REPO_ROOT, "dist", "cli", "main.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first");
  }
  const nginxVersion = version("nginx", ["-v"]);
  if (!/nginx\//.test(nginxVersion)) {
    throw new Error("nginx is not installed: apt-get install -y nginx (see bench/proxy/README.md)");
  }
  if (!hasWrk()) throw new Error("wrk is not installed: apt-get install -y wrk");
  const work = mkdtempSync(join(cfg.disk, "gopave-bench-proxy-"));
  const tmpfsDir = mkdtempSync(join(cfg.tmpfs, "gopave-bench-client-"));
  const diskDir = mkdtempSync(join(cfg.disk, "gopave-bench-client-"));
  log(`work directory ${work}; client caches in ${tmpfsDir} (tmpfs) and ${diskDir} (disk)`);
  // Client caches go whatever happens (a failed run must not leave hundreds of MB in /dev/shm);
  // the work directory stays only with BENCH_KEEP=1.
  try {
    log("building or finding goproxy and Athens…");
    const bins = { goproxy: await buildPeer("goproxy"), athens: await buildPeer("athens") };
    const out = [];
    const raw = { cfg, sets: {} };
    let nginxConfig;
    for (const set of cfg.sets) {
      log(`preparing module set ${set}…`);
      const mods = await prepareModules(set, work, join(benchCache(), "modcache"));
      const upstream = await startNginx({
        dir: mkdtempSync(join(work, `upstream-nginx-${set}-`)),
        root: mods.root,
        workers: cfg.nginxWorkers,
      });
      log(
        `${set}: ${mods.inAll} modules in all, upstream (${mods.modules.length} versions) ${upstream.url}`,
      );
      const ctx = { work, tmpfsDir, diskDir, upstream, bins, trustedSums: [mods.goSum] };
      try {
        const client = await clientRounds(set, ctx);
        out.push(
          `### ${set}: \`go mod download all\` of ${mods.inAll} modules; the upstream holds ` +
            `${mods.modules.length} versions (every one go.sum names), zips ${fmt(mods.zipBytes / 1e6, 1)} MB`,
          "",
          ...clientTable(client.runs, VARIANTS),
          "",
        );
        raw.sets[set] = { client: client.runs };
        if (client.warmStorage.gopave) {
          const checks = [];
          for (let round = 0; round < cfg.rounds; round++) {
            checks.push(await zipCheckCost(client.warmStorage.gopave));
          }
          const c = checks[0];
          log(`zip check alone: ${checks.map((x) => fmt(x.cpuSeconds, 2)).join(", ")} s CPU`);
          out.push(
            `The zip check alone — the ${c.zips} zips gopave stored (${fmt(c.inflatedBytes / 1e6, 1)} MB ` +
              `inflated) checked one after another on one thread, as gopave checks each zip it ` +
              `fetches: ${spread(
                checks.map((x) => x.cpuSeconds),
                2,
              )} s CPU, ` +
              `${spread(checks.map((x) => x.ms))} ms.`,
            "",
          );
          raw.sets[set].zipCheck = checks;
        }
        if (set === cfg.loadSet) {
          const load = await loadRounds(set, ctx, client.warmStorage, mods.root, mods.files);
          nginxConfig = load.nginxConfig;
          out.push(
            `### warm load, ${set}: wrk -t${cfg.threads} -d${cfg.duration}s (after ${cfg.warmup} s ` +
              `unmeasured), -c${cfg.connections} over ${load.files.info.length + load.files.mod.length} ` +
              `.info/.mod files, -c${cfg.zipConnections} over ${load.files.zip.length} zips`,
            "",
            ...loadTable(load.runs, LOAD_SERVERS),
            "",
          );
          raw.sets[set].load = load.runs;
        }
      } finally {
        await upstream.stop();
      }
    }
    const header =
      `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${cpus().length} cores, ` +
      `Node ${process.version}, ${version("go", ["version"]).replace(/^go version /, "")}, ` +
      `${nginxVersion.replace(/^nginx version: /, "")} (worker_processes ${cfg.nginxWorkers}), ` +
      `${version("wrk", ["--version"]).split(" [")[0]}, goproxy ${PEERS.goproxy.version}, ` +
      `Athens ${PEERS.athens.version}; medians of ${cfg.rounds} interleaved rounds [min–max]`;
    process.stdout.write(`${header}\n\n${out.join("\n")}\n`);
    if (nginxConfig) process.stdout.write(`\nnginx configuration:\n\n${nginxConfig}\n`);
    process.stdout.write(`\nraw: ${JSON.stringify(raw)}\n`);
  } finally {
    for (const d of [tmpfsDir, diskDir]) rmSync(d, { recursive: true, force: true });
    if (env.BENCH_KEEP !== "1") rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1); // every server was stopped by the finally blocks on the way out
});
