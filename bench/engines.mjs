// Image builds of the example with buildah (chroot isolation, vfs storage), on the stand-in base
// images of test/engines/standins, modules through `gopave proxy serve` on the host:
//   node bench/engines.mjs            (BENCH_RUNS=3 by default: a cold build is a minute)
// cold = an empty module and build cache (a fresh TMPDIR for buildah's cache mounts) and a
// fresh proxy storage that still has the modules; warm = the same build after a source change.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "gopave.js");
const standins = join(root, "test", "engines", "standins");
const runs = Number(process.env.BENCH_RUNS ?? 3);

const work = mkdtempSync(join(tmpdir(), "gopave-bench-engines-"));
const conf = join(work, "storage.conf");
writeFileSync(
  conf,
  `[storage]\ndriver = "vfs"\ngraphroot = "${join(work, "graph")}"\nrunroot = "${join(work, "run")}"\n`,
);
const baseEnv = { ...process.env, CONTAINERS_STORAGE_CONF: conf, BUILDAH_ISOLATION: "chroot" };

const repo = join(work, "orders");
cpSync(join(root, "examples", "orders"), repo, { recursive: true });
execFileSync(process.execPath, [bin, "init", "--yes", "--offline"], { cwd: repo, stdio: "ignore" });
// go.version of the spec (the top-level `version:` is the spec's own).
const version = /^go:\n(?:[ \t]+.*\n)*?[ \t]+version:\s*([\d.]+)/m.exec(
  readFileSync(join(repo, "gopave.yaml"), "utf8"),
)[1];
const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
const runtimeBase = /^FROM (\S+) AS api$/m.exec(readFileSync(join(repo, "Dockerfile"), "utf8"))[1];
// The stand-ins, in this bench's own store (test/helpers/standins.ts caches them for the tests).
const debian = "localhost/gopave-standin/debian:bookworm";
execFileSync("sh", [join(standins, "debian.sh"), "bookworm", debian], { env: baseEnv });
execFileSync("sh", [join(standins, "golang.sh"), debian, version, goroot], { env: baseEnv });
execFileSync("sh", [join(standins, "distroless-static.sh"), debian, runtimeBase], { env: baseEnv });

const proxy = spawn(
  process.execPath,
  [bin, "proxy", "serve", "--listen", "127.0.0.1:0", "--storage", `file://${join(work, "mods")}`],
  // Its request log (stdout) is not read: a pipe nobody reads while a build blocks this process
  // would fill and stall the proxy. stderr carries only the listening line.
  { stdio: ["ignore", "ignore", "pipe"] },
);
const url = await new Promise((resolve) => {
  let text = "";
  proxy.stderr.on("data", (d) => {
    text += d;
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
    if (m) resolve(m[1]);
  });
});

// --layers keeps stage images as a cache (Docker's default); a cold build must not use them.
function build(tmp, tag, { cold }) {
  const t0 = process.hrtime.bigint();
  execFileSync(
    "buildah",
    [
      "bud",
      "--layers",
      ...(cold ? ["--no-cache"] : []),
      "--isolation=chroot",
      "--pull=never",
      "--build-arg",
      "BUILDPLATFORM=linux/amd64",
      "--build-arg",
      `GOPROXY=${url}`,
      "--target",
      "api",
      "-t",
      tag,
      ".",
    ],
    { cwd: repo, env: { ...baseEnv, TMPDIR: tmp }, stdio: ["ignore", "ignore", "inherit"] },
  );
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cold = [];
const warm = [];
let images = "";
try {
  const main = join(repo, "cmd", "api", "main.go");
  for (let i = 0; i < runs; i++) {
    const tmp = join(work, `tmp${i}`);
    mkdirSync(tmp);
    cold.push(build(tmp, `bench-api:cold${i}`, { cold: true }));
    writeFileSync(main, `${readFileSync(main, "utf8")}\n// bench ${i}\n`);
    warm.push(build(tmp, `bench-api:warm${i}`, { cold: false }));
  }
  images = execFileSync("buildah", ["images", "--format", "{{.Name}}:{{.Tag}} {{.Size}}"], {
    env: baseEnv,
    encoding: "utf8",
  });
} finally {
  proxy.kill("SIGTERM");
  try {
    execFileSync("buildah", ["rmi", "--all", "--force"], { env: baseEnv, stdio: "ignore" });
  } catch {
    // the folder goes below either way
  }
  rmSync(work, { recursive: true, force: true });
}

console.log(`runs: ${runs}; node ${process.version}; buildah, vfs, chroot isolation`);
console.log("| build (api, linux/amd64) | median s | min s | max s |");
console.log("|---|---:|---:|---:|");
for (const [name, xs] of [
  ["cold (empty cache mounts)", cold],
  ["warm (one source file changed)", warm],
]) {
  console.log(
    `| ${name} | ${(median(xs) / 1000).toFixed(1)} | ${(Math.min(...xs) / 1000).toFixed(1)} | ${(Math.max(...xs) / 1000).toFixed(1)} |`,
  );
}
console.log("\nimage sizes:");
for (const line of images.split("\n").filter((l) => /golang|distroless|bench-api:cold0/.test(l))) {
  console.log(`- ${line}`);
}
