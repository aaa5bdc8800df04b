import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EM_AARCH64,
  EM_X86_64,
  PT_DYNAMIC,
  PT_INTERP,
  readElf64,
} from "./generate-container-elf.js";
import { requireTools, startEngine } from "./helpers/engines.js";
import type { Engine } from "./helpers/engines.js";
import { prepareOrdersModules, startLocalUpstream } from "./helpers/local-upstream.js";
import type { LocalUpstream, OrdersModules } from "./helpers/local-upstream.js";
import { startGopave } from "./helpers/proxy-e2e-gopave.js";
import { ensureStandIns } from "./helpers/standins.js";
import type { Gopave } from "./helpers/proxy-e2e-gopave.js";

/**
 * Proof that the Dockerfile `gopave init` writes for examples/orders builds with a real engine
 * (buildah, chroot isolation, vfs storage), on stand-ins of its base images
 * (test/engines/standins), with the modules fetched through gopave's proxy on the host (as
 * `proxy serve` assembles it, over the local upstream of the example's modules) via the GOPROXY
 * build argument: the runtime image has no shell, runs as 65532, and its binary is
 * static, for linux/amd64 and linux/arm64; a rebuild after a source change takes every module
 * from the module cache mount.
 */

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "gopave.js");
const BUILD_TIMEOUT = 900_000;

let engine: Engine;
let mods: OrdersModules;
let upstream: LocalUpstream;
let proxy: Gopave;
let repo: string;
let work: string;

function goVersionOf(specText: string): string {
  const m = /^go:\n(?:[ \t]+.*\n)*?[ \t]+version:\s*([\d.]+)/m.exec(specText);
  if (!m?.[1]) throw new Error("gopave.yaml names no go.version");
  return m[1];
}

async function build(target: string, platform: string, tag: string): Promise<void> {
  await engine.buildahAsync(
    [
      "bud",
      // Keeps each stage's image as a layer cache, as Docker does; without it buildah 1.28 fails
      // ("layer not known") removing intermediate images whose base is in the shared store.
      "--layers",
      "--isolation=chroot",
      "--pull=never",
      "--platform",
      platform,
      // buildah does not set BUILDPLATFORM itself; the deps stage is FROM --platform=$BUILDPLATFORM.
      "--build-arg",
      "BUILDPLATFORM=linux/amd64",
      "--build-arg",
      `GOPROXY=${proxy.url}`,
      "--target",
      target,
      "-t",
      tag,
      ".",
    ],
    repo,
  );
}

function inspect(image: string): { User?: string; Entrypoint?: string[] } {
  const out = JSON.parse(engine.buildah(["inspect", "--type", "image", image])) as {
    OCIv1?: { config?: { User?: string; Entrypoint?: string[] } };
  };
  return out.OCIv1?.config ?? {};
}

beforeAll(async () => {
  requireTools("buildah", "debootstrap", "go");
  work = mkdtempSync(join(tmpdir(), "gopave-engines-images-"));
  repo = join(work, "orders");
  cpSync(join(ROOT, "examples", "orders"), repo, { recursive: true });
  execFileSync(process.execPath, [BIN, "init", "--yes", "--offline"], { cwd: repo, stdio: "pipe" });
  const version = goVersionOf(readFileSync(join(repo, "gopave.yaml"), "utf8"));
  const dockerfile = readFileSync(join(repo, "Dockerfile"), "utf8");
  const runtimeBase = /^FROM (\S+) AS api$/m.exec(dockerfile)?.[1];
  if (!runtimeBase) throw new Error("the generated Dockerfile has no api stage");
  const store = ensureStandIns({ golang: version, distroless: [runtimeBase] });
  engine = startEngine({ imageStores: [store] });
  mods = await prepareOrdersModules();
  upstream = await startLocalUpstream(mods.root);
  proxy = await startGopave({
    upstream: upstream.url,
    trustedSums: [mods.exampleGoSum, mods.goSum],
  });
}, BUILD_TIMEOUT);

afterAll(async () => {
  await proxy?.stop();
  await upstream?.close();
  mods?.dispose();
  engine?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The request paths gopave's proxy has logged. */
const requested = () => proxy.logs().flatMap((l) => (typeof l.path === "string" ? [l.path] : []));

describe("the generated Dockerfile, built with buildah", () => {
  it(
    "gives a linux/amd64 api image with no shell, user 65532 and a static binary, modules through gopave's proxy",
    async () => {
      await build("api", "linux/amd64", "orders-api:amd64");
      const config = inspect("orders-api:amd64");
      expect(config.User).toBe("65532:65532");
      expect(config.Entrypoint).toEqual(["/api"]);
      const image = engine.mountImage("orders-api:amd64");
      try {
        expect(existsSync(join(image.root, "bin", "sh"))).toBe(false);
        expect(existsSync(join(image.root, "bin", "busybox"))).toBe(false);
        const elf = readElf64(readFileSync(join(image.root, "api")));
        expect(elf.machine).toBe(EM_X86_64);
        expect(elf.programHeaderTypes).not.toContain(PT_INTERP);
        expect(elf.programHeaderTypes).not.toContain(PT_DYNAMIC);
      } finally {
        image.unmount();
      }
      // Every dependency came through the proxy: the .mod and .zip of pgx, for one.
      const paths = requested();
      expect(
        paths.some((p) => p.startsWith("/github.com/jackc/pgx/v5/@v/") && p.endsWith(".zip")),
      ).toBe(true);
    },
    BUILD_TIMEOUT,
  );

  it(
    "gives a linux/arm64 worker image whose binary is an AArch64 static executable",
    async () => {
      await build("worker", "linux/arm64", "orders-worker:arm64");
      expect(inspect("orders-worker:arm64").User).toBe("65532:65532");
      const image = engine.mountImage("orders-worker:arm64");
      try {
        const elf = readElf64(readFileSync(join(image.root, "worker")));
        expect(elf.machine).toBe(EM_AARCH64);
        expect(elf.programHeaderTypes).not.toContain(PT_INTERP);
      } finally {
        image.unmount();
      }
    },
    BUILD_TIMEOUT,
  );

  it(
    "rebuilds after a source change with every module from the cache mount",
    async () => {
      const before = requested().length;
      expect(before).toBeGreaterThan(0);
      const main = join(repo, "cmd", "api", "main.go");
      writeFileSync(main, `${readFileSync(main, "utf8")}\n// touched by the rebuild test\n`);
      await build("api", "linux/amd64", "orders-api:rebuilt");
      expect(
        requested()
          .slice(before)
          .filter((p) => p.endsWith(".zip")),
      ).toEqual([]);
      const image = engine.mountImage("orders-api:rebuilt");
      try {
        expect(statSync(join(image.root, "api")).size).toBeGreaterThan(0);
      } finally {
        image.unmount();
      }
    },
    BUILD_TIMEOUT,
  );
});
