import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { tiltBinary } from "../test/helpers/tilt-cli.js";
import { row, seconds } from "./measure-stats.js";

/**
 * `tilt alpha tiltfile-result` on the Tiltfile init writes for the example: Tilt evaluating it,
 * compose's loader included, without an engine. BENCH_RUNS (default 5) times.
 */

const ROOT = join(import.meta.dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

it("tilt alpha tiltfile-result of the example", () => {
  const work = mkdtempSync(join(tmpdir(), "gopave-bench-tilt-"));
  const repo = join(work, "orders");
  cpSync(join(ROOT, "examples", "orders"), repo, { recursive: true });
  execFileSync(process.execPath, [join(ROOT, "bin", "gopave.js"), "init", "--yes", "--offline"], {
    cwd: repo,
    stdio: "pipe",
    env: { ...process.env, GOPAVE_OFFLINE: "1" },
  });
  const times: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(tiltBinary(), ["alpha", "tiltfile-result", "-f", "Tiltfile"], {
        cwd: repo,
        encoding: "utf8",
      });
      times.push(seconds(t0));
      expect(r.status, r.stderr).toBe(0);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(
    [
      `\nTilt on the example's Tiltfile (${RUNS} runs)`,
      "| step | median s | min s | max s |",
      "| --- | ---: | ---: | ---: |",
      row("`tilt alpha tiltfile-result`", times, 2),
    ].join("\n"),
  );
});
