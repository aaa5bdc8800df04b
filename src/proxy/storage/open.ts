import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { GopaveError } from "../../util/errors.js";
import type { Storage } from "../types.js";
import { createFsStorage } from "./fs.js";

/**
 * The default storage when neither a flag nor a config file names one: a per-user cache
 * directory (XDG base directory rules), so `proxy serve` and `proxy seed` meet without flags.
 */
export function defaultStorageUrl(env: NodeJS.ProcessEnv): string {
  const cache =
    env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)
      ? env.XDG_CACHE_HOME
      : join(env.HOME ?? homedir(), ".cache");
  return pathToFileURL(join(cache, "gopave", "proxy")).href;
}

/** The directory of a `file://` URL or a plain path (relative to `cwd`); undefined for other schemes. */
export function storageDir(url: string, cwd: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url) || /^[a-z]:[\\/]/i.test(url)) return resolve(cwd, url);
  if (!url.startsWith("file:")) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usage(url, "not a valid URL");
  }
  if (parsed.host !== "" && parsed.host !== "localhost") {
    throw usage(url, `file URLs name a local directory; "${parsed.host}" is a host`);
  }
  return fileURLToPath(parsed);
}

/** Opens `--storage URL`: `file:///dir` (or a plain path). S3 is the next backend. */
export async function openStorage(
  url: string,
  opts: { cwd: string; now?: () => number },
): Promise<Storage> {
  const dir = storageDir(url, opts.cwd);
  if (dir === undefined) {
    const scheme = url.slice(0, url.indexOf(":"));
    throw usage(url, `storage scheme "${scheme}:" is not supported (use file:///path/to/dir)`);
  }
  try {
    return await createFsStorage(dir, opts.now ? { now: opts.now } : {});
  } catch (err) {
    throw new GopaveError("IO", `cannot open storage ${dir}: ${(err as Error).message}`);
  }
}

function usage(url: string, why: string): GopaveError {
  return new GopaveError("USAGE", `invalid --storage "${url}": ${why}`, {
    hint: "e.g. --storage file:///var/cache/gopave",
  });
}
