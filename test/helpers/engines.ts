import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storageDriver } from "./test-cache.js";

/**
 * A daemonless container engine for tests: buildah with vfs storage under a directory the test
 * owns (never the machine's global configuration), chroot isolation, reading the stand-in base
 * images (test/helpers/standins.ts) from their shared store. A missing tool fails the test with
 * what to install.
 */

export function requireTools(...tools: string[]): void {
  const missing = tools.filter((t) => {
    try {
      execFileSync("sh", ["-c", `command -v ${t}`], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(
      `the engine tests need ${missing.join(", ")} (apt-get install ${missing.join(" ")}; .ci/run installs them)`,
    );
  }
}

/**
 * Copies images out of the shared stores into another store (`driver@graphroot+runroot`), reading them
 * as additional image stores of an empty store of their driver, so the shared stores are only ever read.
 * A manifest list's instances are copied under names of their own, then listed in it.
 */
function copyImages(
  dir: string,
  stores: string[],
  images: NonNullable<EngineOptions["images"]>,
  into: string,
  buildah: (args: string[]) => string,
): void {
  if (images.length === 0) return;
  const reader = join(dir, "reader");
  mkdirSync(reader);
  const conf = join(reader, "storage.conf");
  writeFileSync(
    conf,
    `[storage]\ndriver = "${storageDriver()}"\ngraphroot = "${join(reader, "graph")}"\nrunroot = "${join(reader, "run")}"\n` +
      `[storage.options]\nadditionalimagestores = [${stores.map((s) => `"${s}"`).join(", ")}]\n`,
  );
  const env = { ...process.env, CONTAINERS_STORAGE_CONF: conf, TMPDIR: join(dir, "tmp") };
  const copy = (image: string, as: string) =>
    execFileSync("buildah", ["push", "-q", image, `containers-storage:[${into}]${as}`], {
      env,
      stdio: "pipe",
    });
  try {
    for (const image of images) {
      if (typeof image === "string") {
        copy(image, image);
        continue;
      }
      buildah(["manifest", "create", image.name]);
      image.instances.forEach((instance, i) => {
        const as = `localhost/gopave-engine-instance/${i}-${instance.replace(/^.*\//, "")}`;
        copy(instance, as);
        buildah(["manifest", "add", image.name, `containers-storage:${as}`]);
      });
    }
  } finally {
    rmSync(reader, { recursive: true, force: true });
  }
}

/** Unmounts every mount point under `dir`, deepest first. */
/** Unmounts whatever storage left mounted below `dir` (deepest first), so it can be removed. */
export function unmountUnder(dir: string): void {
  let mounts: string[];
  try {
    mounts = readFileSync("/proc/self/mounts", "utf8")
      .split("\n")
      .map((l) => (l.split(" ")[1] ?? "").replace(/\\040/g, " "))
      .filter((m) => m.startsWith(`${dir}/`));
  } catch {
    return;
  }
  for (const m of mounts.sort((a, b) => b.length - a.length)) {
    try {
      execFileSync("umount", [m], { stdio: "ignore" });
    } catch {
      // Already gone with its parent.
    }
  }
}

export interface Engine {
  dir: string;
  env: NodeJS.ProcessEnv;
  buildah: (args: string[], cwd?: string) => string;
  /**
   * The same, without blocking this process: a build that runs while the test's proxy serves it
   * must leave the event loop free to read the proxy's log.
   */
  buildahAsync: (args: string[], cwd?: string) => Promise<string>;
  /** The image's root filesystem, mounted until `unmount()`. */
  mountImage: (image: string) => { root: string; unmount: () => void };
  close: () => void;
}

export interface EngineOptions {
  /** The shared stand-in image stores (vfs). */
  imageStores: string[];
  /**
   * Storage driver. vfs (default) reads `imageStores` in place, but copies a layer's whole tree
   * for every build step: about 0.9 GB a step on the golang stand-in. overlay stores each step's
   * changes only; it cannot read vfs stores, so the `images` it needs are copied in from them
   * when the engine starts (about 15 s for the golang stand-in).
   */
  driver?: "vfs" | "overlay";
  /**
   * With overlay: the images to copy in from `imageStores`, each by its name, or as a manifest
   * list `name` of per-platform images (which builds resolve by --platform, as from a registry).
   */
  images?: (string | { name: string; instances: string[] })[];
}

export function startEngine(opts: EngineOptions): Engine {
  const dir = mkdtempSync(join(tmpdir(), "gopave-engine-"));
  const tmp = join(dir, "tmp");
  mkdirSync(tmp);
  const graph = join(dir, "graph");
  const runroot = join(dir, "run");
  const overlay = (opts.driver ?? storageDriver()) === "overlay";
  const conf = join(dir, "storage.conf");
  // buildah 1.28 ignores STORAGE_DRIVER: the driver and roots come from this file.
  writeFileSync(
    conf,
    `[storage]\ndriver = "${overlay ? "overlay" : "vfs"}"\ngraphroot = "${graph}"\nrunroot = "${runroot}"\n` +
      (overlay
        ? ""
        : `[storage.options]\nadditionalimagestores = [${opts.imageStores.map((s) => `"${s}"`).join(", ")}]\n`),
  );
  const env = {
    ...process.env,
    CONTAINERS_STORAGE_CONF: conf,
    BUILDAH_ISOLATION: "chroot",
    // RUN --mount=type=cache directories live under $TMPDIR/buildah-cache: one per engine.
    TMPDIR: tmp,
  };
  const buildah = (args: string[], cwd?: string) =>
    execFileSync("buildah", args, { env, cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  if (overlay) {
    copyImages(dir, opts.imageStores, opts.images ?? [], `overlay@${graph}+${runroot}`, buildah);
  }
  const buildahAsync = (args: string[], cwd?: string) =>
    new Promise<string>((resolve, reject) => {
      execFile("buildah", args, { env, cwd, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
        err
          ? // A RUN step's own output is on stdout: its last lines say why it failed.
            reject(
              new Error(
                `buildah ${args.join(" ")}: ${err.message}\n${stderr}\n${String(stdout).split("\n").slice(-40).join("\n")}`,
              ),
            )
          : resolve(stdout),
      );
    });
  return {
    dir,
    env,
    buildah,
    buildahAsync,
    mountImage(image) {
      const ctr = buildah(["from", "--pull=never", image]).trim();
      const root = buildah(["mount", ctr]).trim();
      return {
        root,
        unmount: () => {
          buildah(["umount", ctr]);
          buildah(["rm", ctr]);
        },
      };
    },
    close() {
      try {
        buildah(["rm", "--all"]);
        buildah(["rmi", "--all", "--force"]);
      } catch {
        // Storage is removed below either way.
      }
      // overlay leaves mounts under the graph root (its own private bind mount, at least).
      unmountUnder(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
