import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { unmountUnder } from "./engines.js";
import { findVersitygw } from "./s3-server.js";
import { cacheRoot, lockDir, storageDriver } from "./test-cache.js";

/**
 * The stand-in base images (test/engines/standins), built once into an image store under the CI
 * cache and shared read-only by every test engine (containers-storage's additionalimagestores).
 * The store's name carries the storage driver and a hash of the stand-in scripts and the Debian
 * suite, so editing a script builds a fresh store and a warm run rebuilds nothing. Building takes a lock: test
 * files run in parallel and may ask for the same image.
 */

const STANDINS = join(import.meta.dirname, "..", "engines", "standins");
export const DEBIAN_SUITE = "bookworm";
const DEBIAN_IMAGE = `localhost/gopave-standin/debian:${DEBIAN_SUITE}`;
/** The static skeleton the glibc distroless stand-ins are built on. */
const STATIC_IMAGE = "localhost/gopave-standin/distroless-static:nonroot";

export interface StandInRequest {
  /** golang:<version>, carrying this machine's toolchain (which must be that version). */
  golang?: string;
  /** Full names of distroless static nonroot stand-ins, e.g. the generated runtime base. */
  distroless?: string[];
  /**
   * Full names of distroless glibc nonroot stand-ins (cgo apps' runtime bases): `base` for C,
   * `cc` for C++ (libstdc++).
   */
  distrolessGlibc?: { name: string; flavour: "base" | "cc" }[];
  postgres?: string[];
  redis?: string[];
  /** node:<tag>, carrying this machine's Node (whose major version the tag must name) and npm. */
  node?: string[];
  /** versity/versitygw:<tag>, carrying this machine's versitygw (which must be that release). */
  versitygw?: string[];
  /**
   * Other platforms to build `golang` and `distrolessGlibc` for, named by platformImage (the
   * images above are this machine's platform, linux/amd64). Their Debian root filesystem and
   * packages are installed under QEMU, which must be registered with binfmt_misc (.ci/run does);
   * their Go is the toolchain module of that release and platform.
   */
  foreignPlatforms?: ForeignPlatform[];
}

export type ForeignPlatform = "linux/arm64";

const DEBIAN_ARCH: Record<ForeignPlatform, { arch: string; qemu: string }> = {
  "linux/arm64": { arch: "arm64", qemu: "qemu-aarch64" },
};

/**
 * Where the stand-in `name` for a foreign platform is in the store: its own name under
 * localhost/gopave-standin/<os>-<arch>/ (one store cannot hold two images of one name; an
 * engine puts them together as a manifest list).
 */
export function platformImage(name: string, platform: ForeignPlatform): string {
  const bare = name.replace(/^(?:docker\.io\/library\/|localhost\/|[^/]+\.[^/]+\/)/, "");
  return `localhost/gopave-standin/${platform.replace("/", "-")}/${bare}`;
}

/**
 * The stand-ins a repo's generated stack runs on, by the exact names its files use: golang at the
 * spec's Go, the api stage's runtime base, and compose's postgres and redis tags.
 */
export function standInsFor(repo: string): StandInRequest {
  const spec = parse(readFileSync(join(repo, "gopave.yaml"), "utf8")) as {
    go: { version: string };
  };
  const runtime = /^FROM (\S+) AS api$/m.exec(readFileSync(join(repo, "Dockerfile"), "utf8"))?.[1];
  if (!runtime) throw new Error("the generated Dockerfile has no api stage");
  const compose = parse(readFileSync(join(repo, "compose.yaml"), "utf8")) as {
    services: Record<string, { image?: string }>;
  };
  const tag = (svc: string) => {
    const image = compose.services[svc]?.image ?? "";
    const m = new RegExp(`^${svc}:(.+)$`).exec(image);
    if (!m?.[1]) throw new Error(`compose.yaml's ${svc} image is ${image}, not ${svc}:<tag>`);
    return m[1];
  };
  return {
    golang: spec.go.version,
    distroless: [runtime],
    postgres: [tag("postgres")],
    redis: [tag("redis")],
  };
}

function scriptsHash(): string {
  const h = createHash("sha256").update(DEBIAN_SUITE);
  for (const f of readdirSync(STANDINS).sort()) {
    h.update(f).update(readFileSync(join(STANDINS, f)));
  }
  return h.digest("hex").slice(0, 12);
}

function storeEnv(dir: string): NodeJS.ProcessEnv {
  const conf = join(dir, "storage.conf");
  writeFileSync(
    conf,
    `[storage]\ndriver = "${storageDriver()}"\ngraphroot = "${join(dir, "graph")}"\nrunroot = "${join(dir, "run")}"\n`,
  );
  const tmp = join(dir, "tmp");
  mkdirSync(tmp, { recursive: true });
  return {
    ...process.env,
    CONTAINERS_STORAGE_CONF: conf,
    BUILDAH_ISOLATION: "chroot",
    TMPDIR: tmp,
  };
}

function hasImage(env: NodeJS.ProcessEnv, name: string): boolean {
  try {
    execFileSync("buildah", ["inspect", "--type", "image", name], { env, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function run(env: NodeJS.ProcessEnv, script: string, args: string[]): void {
  try {
    execFileSync("sh", [join(STANDINS, script), ...args], {
      env,
      stdio: "pipe",
      maxBuffer: 64 << 20,
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`stand-in ${script} ${args.join(" ")} failed: ${err.message}\n${err.stderr}`);
  }
}

/** This machine's GOROOT, when its go is exactly `go<version>`; else a clear error. */
export function localGoroot(version: string): string {
  const env = { ...process.env, GOTOOLCHAIN: "local" };
  const local = execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8", env }).trim();
  if (local !== `go${version}`) {
    throw new Error(
      `the golang:${version} stand-in carries this machine's toolchain, which is ${local}: use a fixture pinned to ${local.slice(2)}`,
    );
  }
  return execFileSync("go", ["env", "GOROOT"], { encoding: "utf8", env }).trim();
}

/** The Go toolchain module for another platform (the module proxy serves every release). */
function toolchainRoot(version: string, platform: ForeignPlatform): string {
  const [os, arch] = platform.split("/");
  const mod = `golang.org/toolchain@v0.0.1-go${version}.${os}-${arch}`;
  const out = execFileSync("go", ["mod", "download", "-json", mod], {
    encoding: "utf8",
    env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
  });
  const dir = (JSON.parse(out) as { Dir?: string; Error?: string }).Dir;
  if (!dir) throw new Error(`go mod download ${mod}: ${out}`);
  return dir;
}

/** Fails with what to do unless QEMU runs `platform`'s binaries here (binfmt_misc). */
export function requireEmulator(platform: ForeignPlatform): void {
  const { qemu } = DEBIAN_ARCH[platform];
  let status = "";
  try {
    status = readFileSync(`/proc/sys/fs/binfmt_misc/${qemu}`, "utf8");
  } catch {
    // Not registered.
  }
  if (!status.startsWith("enabled")) {
    throw new Error(
      `${platform} stand-ins run that platform's binaries: register ${qemu} with binfmt_misc (apt-get install qemu-user-static; .ci/run registers it)`,
    );
  }
}

/**
 * Builds what is missing of `want` into the shared store and returns the store's graph root,
 * for an engine's additionalimagestores.
 */
export function ensureStandIns(want: StandInRequest): string {
  const root = cacheRoot();
  const prefix = `standins-${storageDriver()}-`;
  const dir = join(root, `${prefix}${scriptsHash()}`);
  const release = lockDir(join(root, "standins.lock"), 3_600_000);
  try {
    for (const old of readdirSync(root)) {
      if (old.startsWith(prefix) && join(root, old) !== dir) {
        // overlay keeps a private bind mount of its layer directory: rmdir fails on it (EBUSY).
        unmountUnder(join(root, old));
        rmSync(join(root, old), { recursive: true, force: true });
      }
    }
    mkdirSync(dir, { recursive: true });
    const env = storeEnv(dir);
    const need = (name: string) => !hasImage(env, name);
    if (need(DEBIAN_IMAGE)) run(env, "debian.sh", [DEBIAN_SUITE, DEBIAN_IMAGE]);
    if (want.golang && need(`docker.io/library/golang:${want.golang}`)) {
      run(env, "golang.sh", [DEBIAN_IMAGE, want.golang, localGoroot(want.golang)]);
    }
    for (const name of want.distroless ?? []) {
      if (need(name)) run(env, "distroless-static.sh", [DEBIAN_IMAGE, name]);
    }
    for (const { name, flavour } of want.distrolessGlibc ?? []) {
      if (!need(name)) continue;
      if (need(STATIC_IMAGE)) run(env, "distroless-static.sh", [DEBIAN_IMAGE, STATIC_IMAGE]);
      run(env, "distroless-glibc.sh", [DEBIAN_IMAGE, STATIC_IMAGE, name, flavour]);
    }
    for (const platform of want.foreignPlatforms ?? []) {
      const debian = platformImage(DEBIAN_IMAGE, platform);
      const golang =
        want.golang && platformImage(`docker.io/library/golang:${want.golang}`, platform);
      const glibc = (want.distrolessGlibc ?? []).filter((g) =>
        need(platformImage(g.name, platform)),
      );
      if (!(golang && need(golang)) && glibc.length === 0) continue;
      requireEmulator(platform);
      if (need(debian)) run(env, "debian.sh", [DEBIAN_SUITE, debian, DEBIAN_ARCH[platform].arch]);
      if (want.golang && golang && need(golang)) {
        run(env, "golang.sh", [debian, want.golang, toolchainRoot(want.golang, platform), golang]);
      }
      for (const { name, flavour } of glibc) {
        if (need(STATIC_IMAGE)) run(env, "distroless-static.sh", [DEBIAN_IMAGE, STATIC_IMAGE]);
        run(env, "distroless-glibc.sh", [
          debian,
          STATIC_IMAGE,
          platformImage(name, platform),
          flavour,
        ]);
      }
    }
    for (const tag of want.postgres ?? []) {
      if (need(`docker.io/library/postgres:${tag}`)) run(env, "postgres.sh", [DEBIAN_IMAGE, tag]);
    }
    for (const tag of want.redis ?? []) {
      if (need(`docker.io/library/redis:${tag}`)) run(env, "redis.sh", [DEBIAN_IMAGE, tag]);
    }
    for (const tag of want.node ?? []) {
      if (need(`docker.io/library/node:${tag}`)) run(env, "node.sh", [DEBIAN_IMAGE, tag]);
    }
    for (const tag of want.versitygw ?? []) {
      if (need(`docker.io/versity/versitygw:${tag}`)) {
        run(env, "versitygw.sh", [DEBIAN_IMAGE, tag, findVersitygw()]);
      }
    }
    rmSync(join(dir, "tmp"), { recursive: true, force: true });
    return join(dir, "graph");
  } finally {
    release();
  }
}
