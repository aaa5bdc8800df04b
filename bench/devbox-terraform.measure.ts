import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { terraformBinary, terraformEnv } from "../test/helpers/terraform-cli.js";
import { row, seconds } from "./measure-stats.js";

/**
 * Terraform on the dev box module `init --devbox hcloud` writes for the example, as its CI job
 * runs it: `init -backend=false` from the providers' filesystem mirror (after removing .terraform,
 * so every run installs the provider), `validate`, and `terraform test` with the provider mocked.
 * BENCH_RUNS (default 5) times each, one after the other.
 */

const ROOT = join(import.meta.dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

it("terraform init, validate and test of the generated dev box module", () => {
  const work = mkdtempSync(join(tmpdir(), "gopave-bench-devbox-"));
  const repo = join(work, "orders");
  cpSync(join(ROOT, "examples", "orders"), repo, { recursive: true });
  execFileSync(
    process.execPath,
    [join(ROOT, "bin", "gopave.js"), "init", "--yes", "--offline", "--devbox", "hcloud"],
    { cwd: repo, stdio: "pipe", env: { ...process.env, GOPAVE_OFFLINE: "1" } },
  );
  const module = join(repo, "devbox");
  const tf = (args: string[]): number => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(terraformBinary(), args, {
      cwd: module,
      env: terraformEnv(),
      encoding: "utf8",
    });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    return seconds(t0);
  };
  const times: Record<string, number[]> = { init: [], validate: [], test: [], all: [] };
  try {
    for (let i = 0; i < RUNS; i++) {
      rmSync(join(module, ".terraform"), { recursive: true, force: true });
      const init = tf(["init", "-backend=false", "-input=false"]);
      const validate = tf(["validate"]);
      const test = tf(["test"]);
      times.init?.push(init);
      times.validate?.push(validate);
      times.test?.push(test);
      times.all?.push(init + validate + test);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(
    [
      `\nTerraform on the example's dev box module (${RUNS} runs)`,
      "| step | median s | min s | max s |",
      "| --- | ---: | ---: | ---: |",
      row("`init -backend=false` (provider from the mirror)", times.init ?? [], 2),
      row("`validate`", times.validate ?? [], 2),
      row("`test` (mocked provider, 2 runs)", times.test ?? [], 2),
      row("all three", times.all ?? [], 2),
    ].join("\n"),
  );
});
