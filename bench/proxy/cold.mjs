// Cold and warm client runs of the proxy benchmark: `go mod download all` with a fresh module
// cache (on tmpfs or on disk) straight from the upstream or through a freshly started proxy with
// empty storage, measuring the proxy's process tree (CPU seconds, peak RSS) during the run.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { startAthens, startGoproxy } from "./peers.mjs";
import { sampleTree } from "./proctree.mjs";
import { copyGraph, freshGoDirs, isolatedGoEnv, runGo } from "./modules.mjs";
import { startGopave } from "./servers.mjs";

/**
 * The servers a client can go through; `direct` is the upstream itself (nothing started).
 * BENCH_BASELINE=<checkout> adds "gopave baseline": the built CLI of another checkout (an older
 * commit, `npm ci && npm run build` there), so a change is measured before and after in one run.
 */
const BASELINE = process.env.BENCH_BASELINE;
const ALL_VARIANTS = [
  "direct",
  "gopave",
  "gopave --no-prefetch",
  "gopave, V8 defaults",
  ...(BASELINE ? ["gopave baseline"] : []),
  "goproxy",
  "athens",
];
/** BENCH_VARIANTS=direct,gopave,goproxy narrows a run to those (a quick before/after). */
const WANTED = process.env.BENCH_VARIANTS?.split(",").filter(Boolean);
for (const w of WANTED ?? []) {
  if (!ALL_VARIANTS.includes(w)) throw new Error(`BENCH_VARIANTS: unknown variant ${w}`);
}
export const VARIANTS = WANTED ? ALL_VARIANTS.filter((v) => WANTED.includes(v)) : ALL_VARIANTS;

function baselineBin() {
  const bin = join(resolve(BASELINE ?? ""), "bin", "gopave.js");
  if (!existsSync(bin)) throw new Error(`BENCH_BASELINE: no ${bin} (build that checkout first)`);
  return bin;
}

/** Starts a variant with empty storage under `dir`; resolves { url, pid, storage, stop } or null. */
export async function startVariant(variant, { dir, upstream: up, trustedSums, bins }) {
  mkdirSync(dir, { recursive: true });
  const upstream = up.url;
  const storage = join(dir, "storage");
  switch (variant) {
    case "direct":
      return null;
    case "gopave":
      return startGopave({ dir, storage, upstream, trustedSums });
    case "gopave --no-prefetch":
      return startGopave({ dir, storage, upstream, trustedSums, args: ["--no-prefetch"] });
    case "gopave, V8 defaults":
      return startGopave({ dir, storage, upstream, trustedSums, nodeOptions: "" });
    case "gopave baseline":
      return startGopave({ dir, storage, upstream, trustedSums, bin: baselineBin() });
    case "goproxy":
      return startGoproxy({ bin: bins.goproxy, dir, storage, upstream });
    case "athens":
      return startAthens({ bin: bins.athens, dir, storage, upstream });
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

/**
 * One `go mod download all` of graph `graph` through `goproxy`, with a fresh client module cache
 * under `clientParent` (tmpfs or disk); the client's go.sum is the graph's, GOSUMDB=off.
 */
export async function downloadAll({ graph, goproxy, clientParent, work, name }) {
  const dirs = freshGoDirs(clientParent);
  const app = copyGraph(graph, work, name);
  try {
    const r = await runGo(["mod", "download", "all"], {
      cwd: app,
      env: isolatedGoEnv(dirs, { GOPROXY: goproxy }),
      timeoutMs: 900_000,
    });
    if (r.code !== 0) throw new Error(`go mod download all via ${goproxy}:\n${r.stderr}`);
    return r.ms;
  } finally {
    rmSync(dirs.home, { recursive: true, force: true });
    rmSync(app, { recursive: true, force: true });
  }
}

/**
 * A cold run through a freshly started variant, and optionally a warm one right after (the same
 * server, its storage now filled, a fresh client cache). Resolves
 * { coldMs, cpuSeconds, peakMib, warmMs?, storage } and stops the server unless keep is set.
 */
export async function measureVariant(variant, opts) {
  const { upstream, clientParent, warm, keep } = opts;
  const server = await startVariant(variant, opts);
  try {
    const goproxy = server ? server.url : upstream.url;
    const pid = server ? server.pid : upstream.pid;
    const sampler = sampleTree(pid);
    let coldMs;
    let usage;
    try {
      coldMs = await downloadAll({ ...opts, goproxy, clientParent, name: "client-cold" });
    } finally {
      usage = await sampler.stop(); // also on failure: its loop would keep the process alive
    }
    const out = { coldMs, ...usage, storage: server?.storage };
    if (warm)
      out.warmMs = await downloadAll({ ...opts, goproxy, clientParent, name: "client-warm" });
    return out;
  } finally {
    if (server && !keep) await server.stop();
  }
}
