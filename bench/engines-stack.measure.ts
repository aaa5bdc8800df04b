import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { startPodman } from "../test/helpers/podman.js";
import { startGopave } from "../test/helpers/proxy-e2e-gopave.js";
import { ensureStandIns, standInsFor } from "../test/helpers/standins.js";
import { cacheRoot, lockDir } from "../test/helpers/test-cache.js";
import { seconds, median } from "./measure-stats.js";

/**
 * `docker compose up --wait` of the example to healthy, as test/engines-stack.test.ts runs it
 * (rootful podman behind its Docker API, the real Compose CLI, stand-in images, modules through
 * gopave's proxy as the team proxy): the cold build of every image once, then BENCH_RUNS times
 * `up --wait` with the images built and `down -v` after it (fresh volumes: postgres initialises
 * its data directory each time). Healthchecks run every second (the health ticker), so "healthy"
 * comes up to a second after the server is.
 */

const ROOT = join(import.meta.dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

it("compose up --wait of the example", async () => {
  const release = lockDir(join(cacheRoot(), "published-ports.lock"), 3_600_000);
  const work = mkdtempSync(join(tmpdir(), "gopave-bench-stack-"));
  const repo = join(work, "orders");
  cpSync(join(ROOT, "examples", "orders"), repo, { recursive: true });
  const cli = (args: string[]) =>
    execFileSync(process.execPath, [join(ROOT, "bin", "gopave.js"), ...args], {
      cwd: repo,
      stdio: "pipe",
    });
  cli(["init", "--yes", "--offline"]);
  const proxy = await startGopave({ trustedSums: [] });
  const specPath = join(repo, "gopave.yaml");
  writeFileSync(
    specPath,
    readFileSync(specPath, "utf8").replace(/^modules:\n/m, `modules:\n  teamProxy: ${proxy.url}\n`),
  );
  cli(["sync"]);
  const store = ensureStandIns(standInsFor(repo));
  const pm = await startPodman({ imageStores: [store] });
  const ticker = pm.healthTicker();
  try {
    let t0 = process.hrtime.bigint();
    await pm.compose(repo, ["build"]);
    const build = seconds(t0);
    const ups: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      t0 = process.hrtime.bigint();
      await pm.compose(repo, ["up", "--wait", "--wait-timeout", "600"]);
      ups.push(seconds(t0));
      expect((await fetch("http://127.0.0.1:8080/healthz")).status).toBe(200);
      await pm.compose(repo, ["down", "-v", "-t", "1"]);
    }
    console.log(
      [
        `compose stack of the example, ${RUNS} runs, node ${process.version}`,
        "| step | median s | min s | max s |",
        "|---|---:|---:|---:|",
        `| build api + worker images, cold | ${build.toFixed(1)} | | |`,
        `| up --wait to healthy (images built) | ${median(ups).toFixed(1)} | ${Math.min(...ups).toFixed(1)} | ${Math.max(...ups).toFixed(1)} |`,
      ].join("\n"),
    );
  } finally {
    await pm.compose(repo, ["down", "-v", "-t", "1"]).catch(() => undefined);
    await ticker.stop();
    await pm.close();
    await proxy.stop();
    rmSync(work, { recursive: true, force: true });
    release();
  }
});
