// Benchmarks for `gopave check` on a 20,000-file repo and `gopave doctor` with six pinned tools.
// Wall time per command, Node start-up included, median of N runs, beside `node -e 0`. check runs
// twice: on a plain directory (files found by the .gitignore-aware walk) and on the same repo as
// a git work tree (files listed by `git ls-files`). Any directories given as arguments (checkouts
// of real repos, e.g. the largest of bench/corpus) are timed with `check --offline` too:
//   node bench/check-doctor.mjs [CHECKOUT...]
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
  copyFileSync,
  chmodSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "gopave.js");
const runs = Number(process.env.BENCH_RUNS ?? 11);
const made = [];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function bench(name, args, cwd, env, budget) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: "ignore" });
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { name, median: median(samples), min: Math.min(...samples), budget };
}

/** The example after `gopave init`, padded with Go packages to `total` files. */
function bigRepo(total) {
  const dir = mkdtempSync(join(tmpdir(), "gopave-bench-check-"));
  made.push(dir);
  cpSync(join(root, "examples", "orders"), dir, { recursive: true });
  execFileSync(process.execPath, [bin, "init", "--yes", "--offline"], {
    cwd: dir,
    stdio: "ignore",
  });
  let n = 0;
  for (let d = 0; n < total; d++) {
    const pkg = join(dir, "internal", "gen", `p${Math.floor(d / 50)}`, `d${d}`);
    mkdirSync(pkg, { recursive: true });
    for (let f = 0; f < 20 && n < total; f++, n++) {
      writeFileSync(
        join(pkg, `f${f}.go`),
        `package d${d}\n\n// F${f} is generated filler.\nfunc F${f}() int { return ${f} }\n`,
      );
    }
  }
  return dir;
}

/** A GOBIN with six Go binaries under the names of six pinned tools. */
function sixTools() {
  const dir = mkdtempSync(join(tmpdir(), "gopave-bench-doctor-"));
  made.push(dir);
  const gobin = join(dir, "bin");
  mkdirSync(gobin);
  const source = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim() + "/bin/gofmt";
  for (const name of ["gopls", "dlv", "golangci-lint", "gofumpt", "staticcheck", "revive"]) {
    copyFileSync(source, join(gobin, name));
    chmodSync(join(gobin, name), 0o755);
  }
  writeFileSync(join(dir, "go.mod"), "module example.com/bench\n\ngo 1.25.0\n");
  const go = execFileSync("go", ["env", "GOVERSION"], {
    encoding: "utf8",
    env: { ...process.env, GOTOOLCHAIN: "local" },
  })
    .trim()
    .slice(2);
  writeFileSync(
    join(dir, "gopave.yaml"),
    `version: 1\nname: bench\ngo:\n  version: ${go}\ntools:\n  gopls: v0.23.0\n  dlv: v1.27.1\n  golangci-lint: v2.13.1\n  gofumpt: v0.10.0\n  staticcheck: v0.7.0\n  revive: v1.15.0\n`,
  );
  return { dir, gobin };
}

/** The repo made a git work tree with everything committed, as a clone is. */
function gitRepo(dir) {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "bench",
    GIT_AUTHOR_EMAIL: "bench@example.com",
    GIT_COMMITTER_NAME: "bench",
    GIT_COMMITTER_EMAIL: "bench@example.com",
  };
  for (const args of [
    ["init", "-q"],
    ["add", "-A"],
    ["commit", "-qm", "bench"],
  ]) {
    execFileSync("git", args, { cwd: dir, env, stdio: "ignore" });
  }
  return dir;
}

/** Files under a checkout, as `find -type f` counts them (vendor/ and dot directories too). */
function countFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .length;
}

const checkouts = process.argv.slice(2);
const checkRepo = bigRepo(20_000);
const checkGitRepo = gitRepo(bigRepo(20_000));
const tools = sixTools();
const results = [
  bench("node -e 0 (baseline)", ["-e", "0"], root, {}, undefined),
  bench(
    "gopave check (20,000 files, offline)",
    [bin, "check", "--offline"],
    checkRepo,
    { GOPAVE_OFFLINE: "1" },
    2000,
  ),
  bench(
    "gopave check (20,000 files, git work tree, offline)",
    [bin, "check", "--offline"],
    checkGitRepo,
    { GOPAVE_OFFLINE: "1" },
    2000,
  ),
  ...checkouts.map((dir) =>
    bench(
      `gopave check (${basename(dir)}, ${countFiles(dir).toLocaleString("en")} files, offline)`,
      [bin, "check", "--offline"],
      dir,
      { GOPAVE_OFFLINE: "1" },
      2000,
    ),
  ),
  bench(
    "gopave doctor (six tools)",
    [bin, "doctor"],
    tools.dir,
    { GOBIN: tools.gobin, PATH: `${tools.gobin}:${process.env.PATH}` },
    1500,
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
