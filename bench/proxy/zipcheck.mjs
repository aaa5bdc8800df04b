// The cost of gopave's zip check alone: every zip under a storage directory scanned on one
// thread (the CRC-32, inflation, SHA-256 and x/mod/zip rules the proxy runs on each zip it
// fetches, before storing it), in a fresh Node process. It is the floor of gopave's CPU in a
// cold run; goproxy and Athens check nothing (the go command checks the zips again itself).
//   node bench/proxy/zipcheck.mjs STORAGE_DIR   → one JSON line
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "./modules.mjs";

function zipsUnder(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...zipsUnder(p));
    else if (e.name.endsWith(".zip") && !e.name.startsWith(".")) out.push(p);
  }
  return out;
}

/** Resolves { zips, inflatedBytes, cpuSeconds, ms } for the zips under `dir`. */
export function zipCheckCost(dir) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [fileURLToPath(import.meta.url), dir],
      { timeout: 300_000, killSignal: "SIGKILL" },
      (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout))),
    );
  });
}

async function main(dir) {
  const { scanZip } = await import(join(REPO_ROOT, "dist", "proxy", "verify", "zip-scan.js"));
  const yauzl = await import("yauzl");
  const zips = zipsUnder(dir);
  let inflatedBytes = 0;
  for (const z of zips) {
    const zip = await yauzl.default.openPromise(z, { lazyEntries: true });
    for await (const entry of zip.eachEntry()) inflatedBytes += entry.uncompressedSize;
    zip.close();
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const z of zips) {
    const scan = await scanZip(z, undefined);
    if (!scan.hash) throw new Error(`${z}: ${scan.problems.join("; ")}`);
  }
  const cpu = process.cpuUsage(cpu0);
  const ms = performance.now() - t0;
  process.stdout.write(
    `${JSON.stringify({ zips: zips.length, inflatedBytes, cpuSeconds: (cpu.user + cpu.system) / 1e6, ms })}\n`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv[2]);
