import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { parseDocument } from "yaml";
import { devcontainerCli, machineGo, pinGo, run } from "../test/helpers/devcontainer-cli.js";
import type { Up } from "../test/helpers/devcontainer-cli.js";
import { startPodman } from "../test/helpers/podman.js";
import { startGopave } from "../test/helpers/proxy-e2e-gopave.js";
import { ensureStandIns } from "../test/helpers/standins.js";
import { seconds, row } from "./measure-stats.js";

/**
 * `devcontainer up` of test/fixtures/library (an image-backed dev container), as
 * test/engines-devcontainer.test.ts opens it: the real devcontainer CLI on rootful podman, the
 * golang stand-in, the tools and modules through gopave's proxy as the team proxy. BENCH_RUNS
 * (default 3) times: a cold `up` on a fresh podman store (the dev image built from its
 * Dockerfile: the pinned tools compiled with empty caches; the proxy holds the modules after the
 * first run), then a warm `up --remove-existing-container` (image built, new container, the
 * cache volumes kept).
 */

const ROOT = join(import.meta.dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

it("devcontainer up of the library fixture", async () => {
  const work = mkdtempSync(join(tmpdir(), "gopave-bench-devcontainer-"));
  const repo = join(work, "library");
  cpSync(join(ROOT, "test", "fixtures", "library"), repo, { recursive: true });
  const gopave = (args: string[]) =>
    run(process.execPath, [join(ROOT, "bin", "gopave.js"), ...args], { cwd: repo });
  await gopave(["init", "--yes", "--offline"]);
  const proxy = await startGopave({ trustedSums: [] });
  const go = await machineGo();
  const specPath = join(repo, "gopave.yaml");
  const doc = parseDocument(readFileSync(specPath, "utf8"));
  doc.setIn(["modules", "teamProxy"], proxy.url);
  pinGo(doc, go);
  writeFileSync(specPath, doc.toString());
  await gopave(["sync"]);
  const store = ensureStandIns({ golang: go });
  const cold: number[] = [];
  const warm: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const pm = await startPodman({ imageStores: [store] });
      try {
        const cli = devcontainerCli(pm, join(work, "bin"));
        const up = async (extra: string[]) => {
          const t0 = process.hrtime.bigint();
          const { stdout } = await cli(repo, "up", [
            "--update-remote-user-uid-default",
            "off",
            ...extra,
          ]);
          const s = seconds(t0);
          expect((JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as Up).outcome).toBe(
            "success",
          );
          return s;
        };
        cold.push(await up([]));
        warm.push(await up(["--remove-existing-container"]));
      } finally {
        await pm.close();
      }
    }
    console.log(
      [
        `devcontainer up of test/fixtures/library, ${RUNS} runs, node ${process.version}`,
        "| step | median s | min s | max s |",
        "|---|---:|---:|---:|",
        row("up, cold (fresh store: dev image and tools built)", cold),
        row("up --remove-existing-container (image built)", warm),
      ].join("\n"),
    );
  } finally {
    await proxy.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
