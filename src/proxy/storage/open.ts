import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { GopaveError } from "../../util/errors.js";
import type { Storage } from "../types.js";
import { createFsStorage } from "./fs.js";
import { parseS3Url, redactS3Url } from "./s3-url.js";

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

/**
 * Opens `--storage URL`:
 * - `file:///dir` or a plain path: the filesystem backend (fs.ts);
 * - `s3://BUCKET[/PREFIX][?region=R&endpoint=URL&pathStyle=true]`: the S3 backend (s3.ts), with
 *   credentials from the AWS default chain, never from the URL (see s3-url.ts).
 * Both keep the same layout. The S3 SDK is imported only for `s3://`, so every other command
 * starts without loading it. A bucket that is missing or unusable fails here, at start-up.
 */
export async function openStorage(
  url: string,
  opts: { cwd: string; now?: () => number; env?: NodeJS.ProcessEnv },
): Promise<Storage> {
  if (/^s3:/i.test(url)) return openS3(url, opts.env ?? process.env, opts.now);
  const dir = storageDir(url, opts.cwd);
  if (dir === undefined) {
    const scheme = url.slice(0, url.indexOf(":"));
    throw usage(
      url,
      `storage scheme "${scheme}:" is not supported (use file:///path/to/dir or s3://bucket/prefix)`,
    );
  }
  try {
    return await createFsStorage(dir, opts.now ? { now: opts.now } : {});
  } catch (err) {
    throw new GopaveError("IO", `cannot open storage ${dir}: ${(err as Error).message}`);
  }
}

async function openS3(
  url: string,
  env: NodeJS.ProcessEnv,
  now: (() => number) | undefined,
): Promise<Storage> {
  const location = parseS3Url(url, env);
  const { createS3Storage } = await import("./s3.js");
  try {
    return await createS3Storage(location, now ? { now } : {});
  } catch (err) {
    // The message names the bucket, the S3 error code and a fix; never the credentials.
    throw new GopaveError(
      "IO",
      `cannot open storage ${redactS3Url(url)}: ${(err as Error).message}`,
    );
  }
}

function usage(url: string, why: string): GopaveError {
  return new GopaveError("USAGE", `invalid --storage "${url}": ${why}`, {
    hint: "e.g. --storage file:///var/cache/gopave or --storage s3://my-bucket/gopave?region=eu-west-1",
  });
}
