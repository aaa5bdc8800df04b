// Discovery alone for `gopave check`: the .gitignore-aware walk against `git ls-files` on the same
// tree, in one process (no Node start-up), median of N runs. Pass a directory to measure a real
// repo (it must be a git work tree for the git row); without one, a 20,000-file synthetic repo.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gitListing } from "../dist/check/model/git-files.js";
import { diskTree, walkTree } from "../dist/check/model/walk.js";

const runs = Number(process.env.BENCH_RUNS ?? 21);
let dir = process.argv[2];
const made = dir === undefined;
if (made) {
  dir = mkdtempSync(join(tmpdir(), "gopave-bench-discover-"));
  writeFileSync(join(dir, ".gitignore"), "bin/\n*.out\n/tmp/\n!keep.out\n");
  writeFileSync(join(dir, "go.mod"), "module example.com/bench\n\ngo 1.25.0\n");
  for (let n = 0, d = 0; n < 20_000; d++) {
    const pkg = join(dir, "internal", `p${Math.floor(d / 50)}`, `d${d}`);
    mkdirSync(pkg, { recursive: true });
    for (let f = 0; f < 20 && n < 20_000; f++, n++)
      writeFileSync(join(pkg, `f${f}.go`), "package x\n");
  }
  const env = { ...process.env, GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@example.com" };
  env.GIT_COMMITTER_NAME = "b";
  env.GIT_COMMITTER_EMAIL = "b@example.com";
  for (const args of [
    ["init", "-q"],
    ["add", "-A"],
    ["commit", "-qm", "b"],
  ]) {
    execFileSync("git", args, { cwd: dir, env, stdio: "ignore" });
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function time(fn) {
  const samples = [];
  let count = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    count = (await fn()).paths.length;
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { median: median(samples), min: Math.min(...samples), count };
}

const walk = await time(() => walkTree(diskTree(dir)));
const git = await time(async () => (await gitListing(dir)) ?? { paths: [] });
console.log(`runs: ${runs}; node ${process.version}; ${dir}`);
console.log("| discovery | files listed | median ms | min ms |");
console.log("|---|---:|---:|---:|");
console.log(
  `| walk + .gitignore matcher | ${walk.count} | ${walk.median.toFixed(1)} | ${walk.min.toFixed(1)} |`,
);
console.log(`| git ls-files | ${git.count} | ${git.median.toFixed(1)} | ${git.min.toFixed(1)} |`);
if (made) rmSync(dir, { recursive: true, force: true });
