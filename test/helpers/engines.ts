import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storageDriver } from "./test-cache.js";

/**
 * A daemonless container engine for tests: buildah with overlay (or vfs) storage under a directory the test
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

export function startEngine(opts: { imageStores: string[] }): Engine {
  const dir = mkdtempSync(join(tmpdir(), "gopave-engine-"));
  const tmp = join(dir, "tmp");
  mkdirSync(tmp);
  const conf = join(dir, "storage.conf");
  // buildah 1.28 ignores STORAGE_DRIVER: the driver and roots come from this file.
  writeFileSync(
    conf,
    `[storage]\ndriver = "${storageDriver()}"\ngraphroot = "${join(dir, "graph")}"\nrunroot = "${join(dir, "run")}"\n` +
      `[storage.options]\nadditionalimagestores = [${opts.imageStores.map((s) => `"${s}"`).join(", ")}]\n`,
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
  const buildahAsync = (args: string[], cwd?: string) =>
    new Promise<string>((resolve, reject) => {
      execFile("buildah", args, { env, cwd, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
        err
          ? reject(new Error(`buildah ${args.join(" ")}: ${err.message}\n${stderr}`))
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
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
