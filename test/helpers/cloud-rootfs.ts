import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { requireTools } from "./engines.js";
import { cacheRoot, lockDir } from "./test-cache.js";

const SCRIPT = join(import.meta.dirname, "..", "engines", "devbox", "cloud-rootfs.sh");

/**
 * A Debian 13 root filesystem with cloud-init (test/engines/devbox/cloud-rootfs.sh), built once
 * into the CI cache under a name that carries the script's hash, so a warm run builds nothing and
 * an edited script builds afresh. Containers run on it with `--rootfs DIR:O`, which leaves it as
 * it is.
 */
export function cloudRootfs(): string {
  requireTools("debootstrap");
  const hash = createHash("sha256").update(readFileSync(SCRIPT)).digest("hex").slice(0, 12);
  const dir = join(cacheRoot(), `devbox-rootfs-trixie-${hash}`);
  if (existsSync(join(dir, "usr", "bin", "cloud-init"))) return dir;
  const release = lockDir(`${dir}.lock`, 1_800_000);
  try {
    if (existsSync(join(dir, "usr", "bin", "cloud-init"))) return dir;
    const tmp = `${dir}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    execFileSync("sh", [SCRIPT, tmp], { stdio: "pipe", maxBuffer: 64 << 20 });
    renameSync(tmp, dir);
    return dir;
  } finally {
    release();
  }
}
