import { copyFile, readFile, stat } from "node:fs/promises";
import { canonicalVersion, checkModulePath, escapeVersion } from "../../gomod/module-escape.js";
import { StorageWriteError, isStorageFull } from "../storage/write-error.js";
import type { Target, UpstreamResult } from "../types.js";
import { classifyGoFailure, failure, goErrorText, notFound } from "./direct/classify.js";
import { directGoEnv } from "./direct/go-env.js";
import { parseJsonSequence } from "./direct/json-sequence.js";
import { runGoProcess } from "./direct/run-go.js";
import { createSemaphore } from "./direct/semaphore.js";
import { createWorkspace } from "./direct/workspace.js";
import type { Workspace } from "./direct/workspace.js";

export interface DirectTargetOptions {
  /** Go commands running at once; more wait. Default 4. */
  concurrency?: number;
  /** The server's environment (default process.env); credentials and VCS settings come from it. */
  env?: NodeJS.ProcessEnv;
  /** Per go command; the process group is killed when it runs out. Default 300 s. */
  timeoutMs?: number;
  /**
   * Refuses hosts a public route must not reach (loopback, link-local, private). Called with a
   * module path's first element before go runs; a throw becomes a 403 error.
   */
  ssrfCheck?: (host: string) => Promise<void>;
  /**
   * Skip the checksum database (GONOSUMDB=*, GOPRIVATE=*). Defaults to true when no ssrfCheck is
   * given: the router passes one for public routes only.
   */
  private?: boolean;
  /** The go binary. Default "go" from the environment's PATH. */
  goBinary?: string;
}

export interface DirectTarget extends Target {
  /** Removes the private GOPATH; later calls create a fresh one. */
  close(): Promise<void>;
}

/** What `go mod download -json` prints per module. */
interface DownloadJson {
  Path?: string;
  Version?: string;
  Info?: string;
  GoMod?: string;
  Zip?: string;
  Error?: string;
}

interface ListJson {
  Path?: string;
  Version?: string;
  Time?: string;
  Versions?: string[];
}

const DEFAULT_TIMEOUT_MS = 300_000;
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** Version queries a proxy .info endpoint answers 404 for, as other proxies do. */
const RELATIVE_QUERIES = new Set(["latest", "upgrade", "patch"]);

type Failure = Extract<UpstreamResult<never>, { ok: false }>;

/**
 * The `direct` route target: the real go command with GOPROXY=direct, so modules come from
 * their VCS exactly as a go client without a proxy would fetch them (go-import meta tags, git,
 * GOINSECURE, netrc/GOAUTH), in a private GOPATH, with bounded concurrency and timeouts.
 */
export function createDirectTarget(opts: DirectTargetOptions = {}): DirectTarget {
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const isPrivate = opts.private ?? opts.ssrfCheck === undefined;
  const goBinary = opts.goBinary ?? "go";
  const slots = createSemaphore(opts.concurrency ?? 4);
  let ws: Workspace | undefined;

  const workspace = (): Workspace => (ws ??= createWorkspace());

  /** Runs go after the path and host checks; the JSON values it printed, or why not. */
  async function go(
    module: string,
    args: string[],
    signal: AbortSignal,
  ): Promise<{ ok: true; values: unknown[] } | { ok: false; failure: Failure }> {
    const refused = await checkHost(module, opts.ssrfCheck);
    if (refused) return { ok: false, failure: refused };
    let release: () => void;
    try {
      release = await slots.acquire(signal);
    } catch {
      return { ok: false, failure: failure(undefined, "request aborted") };
    }
    try {
      const w = workspace();
      const r = await runGoProcess({
        goBinary,
        args,
        cwd: w.cwd,
        env: directGoEnv(env, w, isPrivate),
        timeoutMs,
        signal,
        maxOutputBytes: MAX_OUTPUT_BYTES,
      });
      if (r.spawnError) return { ok: false, failure: failure(503, r.spawnError) };
      if (r.stopped === "timeout") {
        return {
          ok: false,
          failure: failure(504, `go ${args[0]} ${args[1]} timed out after ${timeoutMs} ms`),
        };
      }
      if (r.stopped === "aborted")
        return { ok: false, failure: failure(undefined, "request aborted") };
      if (r.stopped === "output-limit") {
        return { ok: false, failure: failure(502, "go command printed too much output") };
      }
      let values: unknown[];
      try {
        values = parseJsonSequence(r.stdout);
      } catch {
        values = [];
      }
      // -json reports per-module errors inside the object; go list reports them on stderr.
      const inline = values
        .map((v) => (v as DownloadJson).Error)
        .find((e): e is string => typeof e === "string");
      if (inline !== undefined) return { ok: false, failure: classifyGoFailure(inline) };
      if (r.code !== 0) {
        const text = goErrorText(r.stderr) || `go exited with status ${r.code ?? "unknown"}`;
        return { ok: false, failure: classifyGoFailure(text) };
      }
      return { ok: true, values };
    } finally {
      release();
    }
  }

  async function download(
    module: string,
    version: string,
    signal: AbortSignal,
  ): Promise<UpstreamResult<DownloadJson>> {
    const r = await go(module, ["mod", "download", "-json", `${module}@${version}`], signal);
    if (!r.ok) return r.failure;
    const found = r.values.find((v) => (v as DownloadJson).Path === module) as
      DownloadJson | undefined;
    if (!found?.Info || !found.GoMod || !found.Zip) {
      return failure(502, `go mod download printed no files for ${module}@${version}`);
    }
    return { ok: true, value: found };
  }

  /** Canonical-version requests (.mod, .zip) and their validation, shared. */
  async function downloadCanonical(
    module: string,
    version: string,
    signal: AbortSignal,
  ): Promise<UpstreamResult<DownloadJson>> {
    const bad = checkRequest(module, version);
    if (bad) return bad;
    if (canonicalVersion(version) !== version) {
      return notFound(`${module}@${version}: not a canonical version`);
    }
    return download(module, version, signal);
  }

  return {
    name: "direct",

    async list(module, signal) {
      const bad = checkRequest(module, undefined);
      if (bad) return bad;
      const r = await go(module, ["list", "-m", "-json", "-versions", module], signal);
      if (!r.ok) return r.failure;
      const found = r.values.find((v) => (v as ListJson).Path === module) as ListJson | undefined;
      const versions = (found?.Versions ?? []).filter((v) => typeof v === "string");
      return { ok: true, value: versions.map((v) => `${v}\n`).join("") };
    },

    async latest(module, signal) {
      const bad = checkRequest(module, undefined);
      if (bad) return bad;
      const r = await go(module, ["list", "-m", "-json", `${module}@latest`], signal);
      if (!r.ok) return r.failure;
      const found = r.values.find((v) => (v as ListJson).Path === module) as ListJson | undefined;
      if (!found?.Version) return failure(502, `go list printed no version for ${module}@latest`);
      const info = found.Time
        ? { Version: found.Version, Time: found.Time }
        : { Version: found.Version };
      return { ok: true, value: JSON.stringify(info) };
    },

    async info(module, version, signal) {
      const bad = checkRequest(module, version);
      if (bad) return bad;
      if (RELATIVE_QUERIES.has(version)) return notFound(`${module}@${version}: not a version`);
      const r = await download(module, version, signal);
      if (!r.ok) return r;
      return readOutput(r.value.Info as string, "info");
    },

    async mod(module, version, signal) {
      const r = await downloadCanonical(module, version, signal);
      if (!r.ok) return r;
      return readOutput(r.value.GoMod as string, "go.mod");
    },

    async zip(module, version, dest, signal) {
      const r = await downloadCanonical(module, version, signal);
      if (!r.ok) return r;
      try {
        await copyFile(r.value.Zip as string, dest);
        return { ok: true, value: { size: (await stat(dest)).size } };
      } catch (e) {
        // `dest` is in the storage's staging directory: a full volume is the storage's (507).
        if (isStorageFull(e)) throw new StorageWriteError(dest, e);
        return failure(500, `copying the downloaded zip: ${(e as Error).message}`);
      }
    },

    async close() {
      ws?.remove();
      ws = undefined;
    },
  };
}

/**
 * Re-checks what reaches the command line even though the server validated it: a version
 * starting with "-" or "/" has been enough to run code through git and hg (CVE-2025-68119).
 */
function checkRequest(module: string, version: string | undefined): Failure | undefined {
  const pathProblem = checkModulePath(module);
  if (pathProblem) return failure(400, pathProblem);
  if (version === undefined) return undefined;
  if (version.startsWith("-") || version.startsWith("/")) {
    return failure(400, `version "${version}" invalid: disallowed version string`);
  }
  try {
    escapeVersion(version);
  } catch (e) {
    return failure(400, (e as Error).message);
  }
  return undefined;
}

async function checkHost(
  module: string,
  ssrfCheck: DirectTargetOptions["ssrfCheck"],
): Promise<Failure | undefined> {
  if (!ssrfCheck) return undefined;
  const host = module.split("/", 1)[0] ?? module;
  try {
    await ssrfCheck(host);
    return undefined;
  } catch (e) {
    return failure(403, `refusing to fetch ${module} directly: ${(e as Error).message}`);
  }
}

async function readOutput(path: string, what: string): Promise<UpstreamResult<Buffer>> {
  try {
    return { ok: true, value: await readFile(path) };
  } catch (e) {
    return failure(500, `reading the downloaded ${what}: ${(e as Error).message}`);
  }
}
