import { statfs } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import type { Finding, Probe, Status } from "../types.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** Below this, downloads and builds start failing. */
export const FAIL_BELOW = 200 * MiB;
/** A module cache for a mid-sized service with tools easily takes a few GiB. */
export const WARN_BELOW = 2 * GiB;

export function diskStatus(free: number): Status {
  return free < FAIL_BELOW ? "fail" : free < WARN_BELOW ? "warn" : "pass";
}

export function formatBytes(n: number): string {
  return n >= GiB ? `${(n / GiB).toFixed(1)} GiB` : `${Math.round(n / MiB)} MiB`;
}

/** statfs of the path or, before the cache exists, of its nearest existing parent. */
async function freeBytes(path: string): Promise<number | undefined> {
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = await statfs(p);
      return s.bavail * s.bsize;
    } catch {
      if (dirname(p) === p) return undefined;
    }
  }
}

/** Free space where GOMODCACHE lives. */
export const diskProbe: Probe = async (ctx) => {
  const goEnv = ctx.machine.goEnv;
  const gopath = goEnv?.GOPATH || ctx.env.GOPATH || join(ctx.env.HOME || homedir(), "go");
  const cache =
    goEnv?.GOMODCACHE ||
    ctx.env.GOMODCACHE ||
    join(gopath.split(delimiter)[0] ?? gopath, "pkg", "mod");
  const free = await freeBytes(cache);
  const base = { id: "disk.modcache", title: "disk space" };
  if (free === undefined) {
    return [
      {
        ...base,
        status: "warn",
        detail: `cannot read free space for ${cache}`,
        fix: "check that the path exists",
      },
    ];
  }
  const status = diskStatus(free);
  const finding: Finding = {
    ...base,
    status,
    detail: `${formatBytes(free)} free for GOMODCACHE ${cache}`,
  };
  if (status !== "pass") {
    finding.fix = `free space on that disk (go clean -modcache empties the module cache; go clean -cache the build cache), or move GOMODCACHE`;
  }
  return [finding];
};
