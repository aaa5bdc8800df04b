import { execFileSync } from "node:child_process";
import {
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { Entrypoint } from "dockerfile-ast";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { LocalSumdb } from "../src/proxy/sumdb/index.js";
import { first, parseStages, stageByName } from "./generate-container-helpers.js";
import {
  EM_AARCH64,
  EM_X86_64,
  PT_DYNAMIC,
  PT_INTERP,
  readElf64,
} from "./generate-container-elf.js";
import { requireTools, startEngine } from "./helpers/engines.js";
import type { Engine } from "./helpers/engines.js";
import {
  prepareInstallModules,
  prepareOrdersModules,
  startLocalUpstream,
} from "./helpers/local-upstream.js";
import type { InstallModules, LocalUpstream, OrdersModules } from "./helpers/local-upstream.js";
import { goSumLines } from "./helpers/proxy-e2e-go.js";
import { startGopave } from "./helpers/proxy-e2e-gopave.js";
import type { Gopave } from "./helpers/proxy-e2e-gopave.js";
import { ensureStandIns, platformImage, requireEmulator } from "./helpers/standins.js";

/**
 * Proof that the Dockerfiles `gopave init` writes build with a real engine (buildah, chroot
 * isolation, overlay storage) on stand-ins of their base images (test/engines/standins), for
 * examples/orders and the replace-local and cgo fixtures, with every module fetched through
 * gopave's proxy on the host (as `proxy serve` assembles it, over a local upstream of the
 * example's modules and Delve's, verified against a local checksum database standing in for
 * sum.golang.org):
 *
 * - every runtime target, for linux/amd64 and linux/arm64 (ELF machine checked): no shell, user
 *   65532, a static binary on distroless static; a cgo app's binary is dynamic, and its loader and
 *   every library it needs are in its distroless base/cc image, where it runs;
 * - the debug targets of the example (api-debug, worker-debug) and of the fixtures (shop-debug;
 *   notes-debug and rank-debug, cgo), for the build platform: the Dockerfile's dlv ENTRYPOINT,
 *   dlv and the binary in the image, the binary built with -gcflags=all=-N -l (its build
 *   settings say so, and CGO_ENABLED) and keeping its DWARF;
 * - the example's modules come through the GOPROXY build argument; the fixtures' through the
 *   spec's modules.teamProxy (and modules.sumdb), the Dockerfile's build-arg defaults, with no
 *   --build-arg;
 * - a rebuild of the example's api after a source edit fetches nothing (the module cache mount)
 *   and is timed against the cold build; image sizes are printed at the end.
 *
 * The cgo fixture's cgo apps (notes on distroless base, rank on cc) are built for both platforms
 * too. The generated Dockerfile builds them on the target platform (its src-cgo stage is FROM
 * golang without --platform: cgo needs the target's C toolchain, which the golang image has only
 * for its own platform), so linux/arm64 builds run under QEMU, as the generated CI sets up with
 * docker/setup-qemu-action: here the stand-ins of golang and of distroless base/cc exist for
 * both platforms as manifest lists, and QEMU is registered with binfmt_misc (.ci/run). The arm64
 * binaries run in their images under QEMU too.
 *
 * One engine serves every build, so its cache mounts (modules, Go build cache) carry over. It
 * stores images with overlay (vfs would copy the golang stand-in whole for every build step), and
 * removes them between builds should the disk run short all the same.
 */

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "gopave.js");
const BUILD_TIMEOUT = 1_800_000;
const BUILD_PLATFORM = "linux/amd64";
const PLATFORMS = ["linux/amd64", "linux/arm64"] as const;
type Platform = (typeof PLATFORMS)[number];
const MACHINE: Record<Platform, number> = {
  "linux/amd64": EM_X86_64,
  "linux/arm64": EM_AARCH64,
};
const TRIPLET: Record<Platform, string> = {
  "linux/amd64": "x86_64-linux-gnu",
  "linux/arm64": "aarch64-linux-gnu",
};
/** Below this much free disk, a test's images are removed once it has checked them. */
const KEEP_IMAGES_ABOVE = 8 * 2 ** 30;

interface Repo {
  name: string;
  dir: string;
  dockerfile: string;
}

let work: string;
let engine: Engine;
let mods: OrdersModules;
let delve: InstallModules;
let upstream: LocalUpstream;
let sumdbServer: Awaited<ReturnType<LocalSumdb["listen"]>>;
let sumdb: LocalSumdb;
let proxy: Gopave;
/** The base images copied into the engine's store when it started: builds need them all along. */
let baseImages: Set<string>;
let example: Repo;
let replaceLocal: Repo;
let cgo: Repo;
/** The example's build arguments: its spec names no proxy, so the build points at gopave's. */
let exampleArgs: Record<string, string>;
const sizes: { image: string; platform: string; imageBytes: number; binaryBytes: number }[] = [];
const seconds: { build: string; s: number }[] = [];

function gopave(dir: string, args: string[]): void {
  execFileSync(process.execPath, [BIN, ...args], { cwd: dir, stdio: "pipe" });
}

function goVersion(): string {
  return execFileSync("go", ["env", "GOVERSION"], {
    encoding: "utf8",
    env: { ...process.env, GOTOOLCHAIN: "local" },
  })
    .trim()
    .replace(/^go/, "");
}

function specGoVersion(dir: string): string {
  const v = parseDocument(readFileSync(join(dir, "gopave.yaml"), "utf8")).getIn(["go", "version"]);
  if (typeof v !== "string") throw new Error(`${dir}/gopave.yaml names no go.version`);
  return v;
}

/**
 * A copy of `src` after `gopave init`; with `team`, its spec then pins this machine's Go (the
 * golang stand-in carries it) and names the team proxy and checksum database, and is synced.
 */
function initRepo(src: string, name: string, team?: { proxy: string; sumdb: string }): Repo {
  const dir = join(work, name);
  cpSync(src, dir, { recursive: true });
  gopave(dir, ["init", "--yes", "--offline"]);
  if (team) {
    const specPath = join(dir, "gopave.yaml");
    const doc = parseDocument(readFileSync(specPath, "utf8"));
    doc.setIn(["go", "version"], goVersion());
    doc.setIn(["modules", "teamProxy"], team.proxy);
    doc.setIn(["modules", "sumdb"], team.sumdb);
    writeFileSync(specPath, doc.toString());
    gopave(dir, ["sync"]);
  }
  return { name, dir, dockerfile: readFileSync(join(dir, "Dockerfile"), "utf8") };
}

/** The FROM image of a runtime target. */
function runtimeBase(repo: Repo, target: string): string {
  const from = stageByName(parseStages(repo.dockerfile), target).from.getImageName();
  if (!from) throw new Error(`${repo.name}: stage ${target} has no FROM image`);
  return from;
}

function runtimeBases(repos: Repo[]): string[] {
  const out = new Set<string>();
  for (const r of repos) {
    for (const m of r.dockerfile.matchAll(/^FROM (gcr\.io\/distroless\/\S+) AS \S+$/gm)) {
      if (m[1]) out.add(m[1]);
    }
  }
  return [...out].sort();
}

function tagOf(repo: Repo, target: string, platform: string): string {
  return `localhost/${repo.name}-${target}:${platform.replace("/", "-")}`;
}

async function build(
  repo: Repo,
  target: string,
  platform: string,
  args: Record<string, string>,
): Promise<string> {
  const tag = tagOf(repo, target, platform);
  const started = performance.now();
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
      `BUILDPLATFORM=${BUILD_PLATFORM}`,
      ...Object.entries(args).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
      "--target",
      target,
      "-t",
      tag,
      ".",
    ],
    repo.dir,
  );
  seconds.push({
    build: `${repo.name} ${target} ${platform}`,
    s: (performance.now() - started) / 1000,
  });
  return tag;
}

interface ImageConfig {
  architecture?: string;
  config?: { User?: string; Entrypoint?: string[] };
}

function inspect(image: string): ImageConfig {
  const out = JSON.parse(engine.buildah(["inspect", "--type", "image", image])) as {
    OCIv1?: ImageConfig;
  };
  return out.OCIv1 ?? {};
}

function imageList(): { id: string; readonly?: boolean }[] {
  return JSON.parse(engine.buildah(["images", "--all", "--json"]) || "[]") as {
    id: string;
    readonly?: boolean;
  }[];
}

/**
 * Removes the images this file built when the disk runs short, never the stand-ins: neither
 * those read from the shared stores nor the copies of them that overlay storage starts with
 * (removing those made every later build fail with "golang:…: image not known").
 */
function pruneIfShort(): void {
  if (Number(statfsSync(engine.dir).bavail) * statfsSync(engine.dir).bsize > KEEP_IMAGES_ABOVE) {
    return;
  }
  const own = imageList()
    .filter((i) => i.readonly !== true && !baseImages.has(i.id))
    .map((i) => i.id);
  if (own.length > 0) engine.buildah(["rmi", "--force", ...own]);
}

/** A path inside an image root, symbolic links resolved inside that root (never the host's). */
function resolveIn(root: string, path: string, depth = 0): string | undefined {
  if (depth > 40) return undefined;
  let at = "/";
  const parts = path.split("/").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const next = posix.join(at, parts[i] ?? "");
    let st;
    try {
      st = lstatSync(join(root, next));
    } catch {
      return undefined;
    }
    if (st.isSymbolicLink()) {
      const target = readlinkSync(join(root, next));
      const rest = parts.slice(i + 1).join("/");
      const base = target.startsWith("/") ? target : posix.join(at, target);
      return resolveIn(root, posix.join(base, rest), depth + 1);
    }
    at = next;
  }
  return at;
}

function treeBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += treeBytes(p);
    else if (e.isFile()) total += lstatSync(p).size;
  }
  return total;
}

/** `readelf -d` and `-l`: the NEEDED libraries and the program interpreter of a binary. */
function dynamicInfo(file: string): { needed: string[]; interp: string | undefined } {
  const dyn = execFileSync("readelf", ["-d", "--wide", file], { encoding: "utf8" });
  const needed = [...dyn.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].flatMap((m) =>
    m[1] ? [m[1]] : [],
  );
  const prog = execFileSync("readelf", ["-l", "--wide", file], { encoding: "utf8" });
  const interp = /\[Requesting program interpreter: ([^\]]+)\]/.exec(prog)?.[1];
  return { needed, interp };
}

/** Runs the image's entrypoint as 65532 (chroot isolation; arm64 under QEMU via binfmt_misc). */
function runImage(image: string, entrypoint: string[]): string {
  const ctr = engine.buildah(["from", "--pull=never", image]).trim();
  try {
    return engine.buildah([
      "run",
      "--isolation=chroot",
      "--user",
      "65532:65532",
      ctr,
      "--",
      ...entrypoint,
    ]);
  } finally {
    engine.buildah(["rm", ctr]);
  }
}

type Linkage = "static" | "glibc";

/**
 * The runtime image of `app`: user, entrypoint, no shell, the binary's machine and linkage
 * (for glibc: its loader and NEEDED libraries resolve inside the image), its size recorded.
 */
function checkRuntime(
  repo: Repo,
  app: string,
  platform: Platform,
  tag: string,
  linkage: Linkage,
): void {
  const image = inspect(tag);
  expect(image.config?.User).toBe("65532:65532");
  expect(image.config?.Entrypoint).toEqual([`/${app}`]);
  expect(image.architecture).toBe(platform.split("/")[1]);
  const mounted = engine.mountImage(tag);
  try {
    const root = mounted.root;
    for (const shell of ["/bin/sh", "/bin/bash", "/bin/busybox", "/usr/bin/sh"]) {
      expect(resolveIn(root, shell), shell).toBeUndefined();
    }
    const binary = join(root, app);
    const elf = readElf64(readFileSync(binary));
    expect(elf.machine).toBe(MACHINE[platform]);
    // The release build is stripped (-s): no DWARF.
    expect(elf.sectionNames).not.toContain(".debug_info");
    if (linkage === "static") {
      expect(elf.programHeaderTypes).not.toContain(PT_INTERP);
      expect(elf.programHeaderTypes).not.toContain(PT_DYNAMIC);
    } else {
      expect(elf.programHeaderTypes).toContain(PT_INTERP);
      const { needed, interp } = dynamicInfo(binary);
      expect(needed).toContain("libc.so.6");
      expect(resolveIn(root, interp ?? "(no interpreter)"), `loader ${interp}`).toBeDefined();
      const dirs = [`/lib/${TRIPLET[platform]}`, `/usr/lib/${TRIPLET[platform]}`];
      for (const lib of needed) {
        const found = dirs.some((d) => resolveIn(root, `${d}/${lib}`) !== undefined);
        expect(found, `${lib} in ${dirs.join(" or ")}`).toBe(true);
      }
    }
    sizes.push({
      image: `${repo.name}/${app}`,
      platform,
      imageBytes: treeBytes(root),
      binaryBytes: lstatSync(binary).size,
    });
  } finally {
    mounted.unmount();
  }
}

/** The ENTRYPOINT of a debug stage, as the Dockerfile writes it. */
function debugEntrypoint(repo: Repo, target: string): string[] {
  return first(stageByName(parseStages(repo.dockerfile), target), Entrypoint)
    .getJSONStrings()
    .map((s) => s.getJSONValue());
}

/** `go version -m` of a binary in an image. */
function buildInfo(file: string): string {
  return execFileSync("go", ["version", "-m", file], {
    encoding: "utf8",
    env: { ...process.env, GOTOOLCHAIN: "local" },
  });
}

/**
 * The debug image of `app`: dlv as the entrypoint, dlv and the unoptimised binary in it.
 * Returns the binary's build information (`go version -m`).
 */
function checkDebug(repo: Repo, app: string, tag: string): string {
  const image = inspect(tag);
  const entrypoint = debugEntrypoint(repo, `${app}-debug`);
  expect(entrypoint.slice(0, 3)).toEqual(["dlv", "exec", `/out/${app}`]);
  expect(image.config?.Entrypoint).toEqual(entrypoint);
  expect(image.architecture).toBe(BUILD_PLATFORM.split("/")[1]);
  const dlvVersion = /go install github\.com\/go-delve\/delve\/cmd\/dlv@(\S+)/.exec(
    repo.dockerfile,
  )?.[1];
  const mounted = engine.mountImage(tag);
  try {
    const dlv = resolveIn(mounted.root, "/go/bin/dlv");
    expect(dlv).toBeDefined();
    const dlvFile = join(mounted.root, dlv ?? "");
    expect(readElf64(readFileSync(dlvFile)).machine).toBe(MACHINE[BUILD_PLATFORM]);
    expect(buildInfo(dlvFile)).toMatch(
      new RegExp(`^\\s*mod\\s+github\\.com/go-delve/delve\\s+${dlvVersion}\\s`, "m"),
    );
    const binary = join(mounted.root, "out", app);
    const elf = readElf64(readFileSync(binary));
    expect(elf.machine).toBe(MACHINE[BUILD_PLATFORM]);
    expect(elf.sectionNames).toContain(".debug_info");
    const info = buildInfo(binary);
    expect(info).toMatch(/^\s*build\s+-gcflags="?all=-N -l"?\s*$/m);
    return info;
  } finally {
    mounted.unmount();
  }
}

/** The request paths gopave's proxy has logged. */
const requested = () => proxy.logs().flatMap((l) => (typeof l.path === "string" ? [l.path] : []));

/** A fresh directory merging download layouts; @v/list files are unions. */
function mergeLayouts(into: string, from: string[]): void {
  for (const src of from) cpSync(src, into, { recursive: true, force: false, errorOnExist: false });
  // cpSync kept the first list of a module: add every other layout's versions to it.
  const walk = (rel: string) => {
    for (const src of from) {
      let entries;
      try {
        entries = readdirSync(join(src, rel), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        const r = join(rel, e.name);
        if (e.isDirectory()) walk(r);
        else if (e.name === "list") {
          const lines = new Set(
            from.flatMap((s) => {
              try {
                return readFileSync(join(s, r), "utf8").split("\n").filter(Boolean);
              } catch {
                return [];
              }
            }),
          );
          writeFileSync(join(into, r), `${[...lines].sort().join("\n")}\n`);
        }
      }
    }
  };
  walk("");
}

/** The checksum database: one record (zip and go.mod lines) per module version. */
async function sumdbOf(lines: string[]): Promise<LocalSumdb> {
  const db = new LocalSumdb("sumdb.test");
  const hashes = new Map<string, { zip?: string; mod?: string }>();
  for (const l of lines) {
    const [m = "", v = "", h = ""] = l.split(" ");
    const mod = v.endsWith("/go.mod");
    const key = `${m}@${mod ? v.slice(0, -"/go.mod".length) : v}`;
    hashes.set(key, { ...hashes.get(key), [mod ? "mod" : "zip"]: h });
  }
  for (const [key, { zip, mod }] of hashes) {
    const at = key.lastIndexOf("@");
    if (mod === undefined) throw new Error(`${key}: a zip without its go.mod`);
    await db.add(key.slice(0, at), key.slice(at + 1), zip, mod);
  }
  return db;
}

beforeAll(async () => {
  requireTools("buildah", "debootstrap", "go", "readelf");
  // The cgo apps' arm64 builds run arm64 binaries, even when the stand-ins are already built.
  requireEmulator("linux/arm64");
  work = mkdtempSync(join(tmpdir(), "gopave-engines-images-"));
  example = initRepo(join(ROOT, "examples", "orders"), "orders");
  const dlvTarget = /go install (github\.com\/go-delve\/delve\/cmd\/dlv@\S+)/.exec(
    example.dockerfile,
  )?.[1];
  if (!dlvTarget) throw new Error("the example's Dockerfile installs no dlv");

  mods = await prepareOrdersModules();
  delve = await prepareInstallModules(dlvTarget);
  const layout = join(work, "upstream");
  mkdirSync(layout);
  mergeLayouts(layout, [mods.root, delve.root]);
  upstream = await startLocalUpstream(layout);
  // Their hashes as the go command wrote them: the example's go.sum after `go mod download all`
  // and the .ziphash files of Delve's install.
  sumdb = await sumdbOf([...new Set([...goSumLines(mods.goSum), ...delve.sums])]);
  sumdbServer = await sumdb.listen();
  // Full verification at the proxy: every module against the checksum database.
  proxy = await startGopave({
    upstream: upstream.url,
    trustedSums: [],
    sumdb: `${sumdb.verifierKey} ${sumdbServer.url}`,
  });
  exampleArgs = { GOPROXY: proxy.url, GOSUMDB: sumdb.verifierKey };

  const team = { proxy: proxy.url, sumdb: sumdb.verifierKey };
  const shapes = join(ROOT, "test", "fixtures", "shapes");
  replaceLocal = initRepo(join(shapes, "replace-local"), "replace-local", team);
  cgo = initRepo(join(shapes, "cgo"), "cgo", team);

  const bases = runtimeBases([example, replaceLocal, cgo]);
  const golang = `docker.io/library/golang:${specGoVersion(example.dir)}`;
  const glibc = bases.flatMap((name): { name: string; flavour: "base" | "cc" }[] => {
    const flavour = /\/(base|cc)-/.exec(name)?.[1];
    return flavour === "base" || flavour === "cc" ? [{ name, flavour }] : [];
  });
  const store = ensureStandIns({
    golang: specGoVersion(example.dir),
    distroless: bases.filter((b) => b.includes("/static-")),
    distrolessGlibc: glibc,
    // cgo stages build on the target platform: golang and the glibc bases for arm64 too.
    foreignPlatforms: ["linux/arm64"],
  });
  // As a registry serves them: one name, the image for each platform.
  const multi = (name: string) => ({ name, instances: [name, platformImage(name, "linux/arm64")] });
  // overlay: on vfs every build step would copy the golang stand-in whole (~0.9 GB a step).
  engine = startEngine({
    imageStores: [store],
    driver: "overlay",
    images: [
      multi(golang),
      ...bases.filter((b) => b.includes("/static-")),
      ...glibc.map((g) => multi(g.name)),
    ],
  });
  baseImages = new Set(imageList().map((i) => i.id));
}, BUILD_TIMEOUT);

afterAll(async () => {
  await proxy?.stop();
  await sumdbServer?.close();
  await upstream?.close();
  mods?.dispose();
  delve?.dispose();
  engine?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  if (sizes.length > 0) {
    const mb = (n: number) => (n / 1e6).toFixed(2).padStart(8);
    console.log(
      [
        "runtime images (files in the image's root filesystem; binary alone):",
        "  image                    platform         image MB  binary MB",
        ...sizes.map(
          (s) =>
            `  ${s.image.padEnd(24)} ${s.platform.padEnd(14)} ${mb(s.imageBytes)}   ${mb(s.binaryBytes)}`,
        ),
        "build seconds:",
        ...seconds.map((b) => `  ${b.build.padEnd(44)} ${b.s.toFixed(1).padStart(7)}`),
      ].join("\n"),
    );
  }
}, BUILD_TIMEOUT);

describe("examples/orders, modules through the GOPROXY build argument", () => {
  it(
    "api for linux/amd64, cold: no shell, user 65532, a static binary, modules through gopave's proxy",
    async () => {
      const tag = await build(example, "api", "linux/amd64", exampleArgs);
      checkRuntime(example, "api", "linux/amd64", tag, "static");
      expect(runtimeBase(example, "api")).toMatch(/\/static-/);
      // Every dependency came through the proxy: the .mod and .zip of pgx, for one.
      expect(
        requested().some((p) => p.startsWith("/github.com/jackc/pgx/v5/@v/") && p.endsWith(".zip")),
      ).toBe(true);
    },
    BUILD_TIMEOUT,
  );

  it(
    "api rebuilt after a source edit: every module from the cache mount, warm",
    async () => {
      const before = requested().length;
      const main = join(example.dir, "cmd", "api", "main.go");
      writeFileSync(main, `${readFileSync(main, "utf8")}\n// touched by the rebuild test\n`);
      const tag = await build(example, "api", "linux/amd64", exampleArgs);
      expect(
        requested()
          .slice(before)
          .filter((p) => p.endsWith(".zip")),
      ).toEqual([]);
      const mounted = engine.mountImage(tag);
      try {
        expect(readElf64(readFileSync(join(mounted.root, "api"))).machine).toBe(EM_X86_64);
      } finally {
        mounted.unmount();
      }
      const [cold, warm] = seconds.slice(-2).map((b) => b.s);
      console.log(
        `examples/orders api linux/amd64: cold ${cold?.toFixed(1)} s, warm ${warm?.toFixed(1)} s`,
      );
      expect(warm).toBeLessThan(cold ?? 0);
      pruneIfShort();
    },
    BUILD_TIMEOUT,
  );

  it.each([
    ["api", "linux/arm64"],
    ["worker", "linux/amd64"],
    ["worker", "linux/arm64"],
  ] as const)(
    "%s for %s: no shell, user 65532, a static binary for that machine",
    async (app, platform) => {
      const tag = await build(example, app, platform, exampleArgs);
      checkRuntime(example, app, platform, tag, "static");
      pruneIfShort();
    },
    BUILD_TIMEOUT,
  );
});

describe("test/fixtures/shapes/replace-local, modules through the spec's team proxy", () => {
  it("takes GOPROXY and GOSUMDB from gopave.yaml as the Dockerfile's build-arg defaults", () => {
    expect(replaceLocal.dockerfile).toContain(`ARG GOPROXY=${proxy.url}\n`);
    expect(replaceLocal.dockerfile).toContain(`ARG GOSUMDB=${sumdb.verifierKey}\n`);
  });

  it.each(PLATFORMS)(
    "shop for %s: the replaced module builds in; no shell, user 65532, a static binary",
    async (platform) => {
      const tag = await build(replaceLocal, "shop", platform, {});
      checkRuntime(replaceLocal, "shop", platform, tag, "static");
      if (platform === BUILD_PLATFORM) expect(runImage(tag, ["/shop"])).toBe("19.99\n");
      pruneIfShort();
    },
    BUILD_TIMEOUT,
  );

  it(
    "shop-debug: Delve fetched and checked through the team proxy, dlv as the entrypoint",
    async () => {
      const before = requested().length;
      const tag = await build(replaceLocal, "shop-debug", BUILD_PLATFORM, {});
      expect(checkDebug(replaceLocal, "shop", tag)).toMatch(/^\s*build\s+CGO_ENABLED=0\s*$/m);
      const paths = requested().slice(before);
      const version = /dlv@(\S+)/.exec(replaceLocal.dockerfile)?.[1] ?? "(none)";
      expect(paths).toContain(`/github.com/go-delve/delve/@v/${version}.zip`);
      // `go install pkg@version` has no go.sum: the build checked Delve with the checksum
      // database, through the proxy's /sumdb/.
      expect(
        paths.some((p) => p.startsWith("/sumdb/sumdb.test/lookup/github.com/go-delve/delve@")),
      ).toBe(true);
      pruneIfShort();
    },
    BUILD_TIMEOUT,
  );
});

describe("examples/orders debug targets, for the build platform", () => {
  it.each(["api", "worker"])(
    "%s-debug: dlv as the entrypoint, dlv and the -N -l binary in the image",
    async (app) => {
      const tag = await build(example, `${app}-debug`, BUILD_PLATFORM, exampleArgs);
      expect(checkDebug(example, app, tag)).toMatch(/^\s*build\s+CGO_ENABLED=0\s*$/m);
      pruneIfShort();
    },
    BUILD_TIMEOUT,
  );
});

describe("test/fixtures/shapes/cgo, modules through the spec's team proxy", () => {
  it.each(PLATFORMS)(
    "export (pure Go) for %s: distroless static, a static binary",
    async (platform) => {
      expect(runtimeBase(cgo, "export")).toMatch(/\/static-/);
      const tag = await build(cgo, "export", platform, {});
      checkRuntime(cgo, "export", platform, tag, "static");
      if (platform === BUILD_PLATFORM) expect(runImage(tag, ["/export"])).toBe("0 notes\n");
      pruneIfShort();
    },
    BUILD_TIMEOUT,
  );

  it.each(["notes", "rank"])(
    "%s-debug (cgo): built with CGO_ENABLED=1 for the build platform, dlv as the entrypoint",
    async (app) => {
      const tag = await build(cgo, `${app}-debug`, BUILD_PLATFORM, {});
      expect(checkDebug(cgo, app, tag)).toMatch(/^\s*build\s+CGO_ENABLED=1\s*$/m);
      pruneIfShort();
    },
    BUILD_TIMEOUT,
  );

  it.each(
    PLATFORMS.flatMap((platform) => [
      ["notes", platform, /\/base-/, "4 notes\n"] as const,
      ["rank", platform, /\/cc-/, "4\n"] as const,
    ]),
  )(
    "%s (cgo) for %s: built on that platform (arm64 under QEMU), on distroless base/cc, dynamic, its libraries in the image, and it runs",
    async (app, platform, base, output) => {
      expect(runtimeBase(cgo, app)).toMatch(base);
      const tag = await build(cgo, app, platform, {});
      checkRuntime(cgo, app, platform, tag, "glibc");
      expect(runImage(tag, [`/${app}`])).toBe(output);
      pruneIfShort();
    },
    BUILD_TIMEOUT,
  );
});
