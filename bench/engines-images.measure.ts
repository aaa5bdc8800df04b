import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "vitest";
import { startEngine } from "../test/helpers/engines.js";
import { startGopave } from "../test/helpers/proxy-e2e-gopave.js";
import { ensureStandIns, standInsFor } from "../test/helpers/standins.js";
import { seconds, row } from "./measure-stats.js";

/**
 * The example's `api` image (linux/amd64) built with buildah as test/engines-images.test.ts
 * builds it: chroot isolation, overlay storage (vfs where the kernel lacks it), `--layers`, the
 * stand-in bases, modules through gopave's proxy on the host. BENCH_RUNS (default 3) times, each
 * on a fresh engine: a cold build (no layer cache, empty cache mounts; the proxy holds the
 * modules after the first run), then a warm rebuild after one source file changed.
 */

const ROOT = join(import.meta.dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

it("image build of the example's api", async () => {
  const work = mkdtempSync(join(tmpdir(), "gopave-bench-images-"));
  const repo = join(work, "orders");
  cpSync(join(ROOT, "examples", "orders"), repo, { recursive: true });
  execFileSync(process.execPath, [join(ROOT, "bin", "gopave.js"), "init", "--yes", "--offline"], {
    cwd: repo,
    stdio: "pipe",
  });
  const want = standInsFor(repo);
  const store = ensureStandIns({ golang: want.golang, distroless: want.distroless });
  const golang = `docker.io/library/golang:${want.golang ?? ""}`;
  const proxy = await startGopave({ trustedSums: [] });
  const main = join(repo, "cmd", "api", "main.go");
  const cold: number[] = [];
  const warm: number[] = [];
  let size = "";
  try {
    for (let i = 0; i < RUNS; i++) {
      const engine = startEngine({
        imageStores: [store],
        images: [golang, ...(want.distroless ?? [])],
      });
      try {
        const build = async (tag: string, extra: string[]) => {
          const t0 = process.hrtime.bigint();
          await engine.buildahAsync(
            [
              "bud",
              "--layers",
              ...extra,
              "--isolation=chroot",
              "--pull=never",
              "--build-arg",
              "BUILDPLATFORM=linux/amd64",
              "--build-arg",
              `GOPROXY=${proxy.url}`,
              "--target",
              "api",
              "-t",
              tag,
              ".",
            ],
            repo,
          );
          return seconds(t0);
        };
        cold.push(await build(`bench-api:cold${i}`, ["--no-cache"]));
        writeFileSync(main, `${readFileSync(main, "utf8")}\n// bench ${i}\n`);
        warm.push(await build(`bench-api:warm${i}`, []));
        size = engine.buildah(["images", "--format", "{{.Size}}", `bench-api:warm${i}`]).trim();
      } finally {
        engine.close();
      }
    }
    console.log(
      [
        `image build of the example's api (linux/amd64), ${RUNS} runs, node ${process.version}`,
        "| build | median s | min s | max s |",
        "|---|---:|---:|---:|",
        row("cold (no layer cache, empty cache mounts)", cold),
        row("warm (one source file changed)", warm),
        `api image: ${size}`,
      ].join("\n"),
    );
  } finally {
    await proxy.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
