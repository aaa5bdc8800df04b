// Benchmarks for `gopave --version`, `init` and `sync --check` on the bundled example.
// Wall time per command (Node start-up included), median of N runs, next to a bare `node -e 0`
// measured in the same run so a noisy machine shows up as a slower baseline, not a false regression.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "gopave.js");
const runs = Number(process.env.BENCH_RUNS ?? 15);

function time(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function bench(name, setup, fn, budgetMs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const ctx = setup();
    samples.push(time(() => fn(ctx)));
  }
  const med = median(samples);
  return { name, median: med, min: Math.min(...samples), budget: budgetMs };
}

const node = (args, cwd) => execFileSync(process.execPath, args, { cwd, stdio: "ignore" });
const made = [];
const freshExample = () => {
  const dir = mkdtempSync(join(tmpdir(), "gopave-bench-"));
  made.push(dir);
  cpSync(join(root, "examples", "orders"), dir, { recursive: true });
  return dir;
};
const initialised = freshExample();
node([bin, "init", "--yes", "--offline"], initialised);

const results = [
  bench(
    "node -e 0 (baseline)",
    () => null,
    () => node(["-e", "0"]),
    undefined,
  ),
  bench(
    "gopave --version",
    () => null,
    () => node([bin, "--version"]),
    150,
  ),
  bench(
    "gopave init --offline (example)",
    freshExample,
    (dir) => node([bin, "init", "--yes", "--offline"], dir),
    1000,
  ),
  bench(
    "gopave init (example, asks the proxy)",
    freshExample,
    (dir) => node([bin, "init", "--yes"], dir),
    undefined,
  ),
  bench(
    "gopave sync --check (example)",
    () => initialised,
    (dir) => node([bin, "sync", "--check"], dir),
    1000,
  ),
];
for (const dir of made) rmSync(dir, { recursive: true, force: true });

const base = results[0].median;
console.log(`runs: ${runs}; node ${process.version}`);
console.log("| command | median ms | min ms | × node start-up | budget ms | ok |");
console.log("|---|---:|---:|---:|---:|---|");
for (const r of results) {
  const ok = r.budget === undefined ? "" : r.median <= r.budget ? "yes" : "NO";
  console.log(
    `| ${r.name} | ${r.median.toFixed(0)} | ${r.min.toFixed(0)} | ${(r.median / base).toFixed(2)} | ${r.budget ?? ""} | ${ok} |`,
  );
}
