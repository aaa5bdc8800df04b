import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The real go command for the proxy's end-to-end tests: asynchronous (an in-process proxy must
 * keep answering while go runs), bounded in time, and in an environment built from nothing so
 * the machine's own GOFLAGS, GOPROXY, GOPRIVATE, go env file and module cache never leak in.
 */

export const GO_TIMEOUT_MS = 120_000;

export interface GoRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `go args…` in cwd; never throws for a non-zero exit (the caller asserts on `code`). */
export function runGo(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<GoRun> {
  return new Promise((resolve, reject) => {
    execFile(
      "go",
      args,
      {
        cwd: opts.cwd,
        env: opts.env,
        timeout: opts.timeoutMs ?? GO_TIMEOUT_MS,
        killSignal: "SIGKILL",
        maxBuffer: 64 << 20,
        encoding: "utf8",
      },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== "number") {
          // Not an exit status: the binary is missing, or the time limit killed it.
          const why = err.killed ? `timed out after ${opts.timeoutMs ?? GO_TIMEOUT_MS} ms` : "";
          reject(new Error(`go ${args.join(" ")}: ${why || err.message}\n${stderr}`));
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
  });
}

/** Throwaway per-run go directories: HOME, GOPATH, a fresh module cache and build cache. */
export interface GoDirs {
  home: string;
  gopath: string;
  modcache: string;
  gocache: string;
}

export function freshGoDirs(prefix = "gopave-e2e-go"): GoDirs {
  const home = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const dirs = {
    home,
    gopath: join(home, "gopath"),
    modcache: join(home, "modcache"),
    gocache: join(home, "gocache"),
  };
  for (const d of [dirs.gopath, dirs.modcache, dirs.gocache]) mkdirSync(d, { recursive: true });
  return dirs;
}

/**
 * An isolated go environment. GOFLAGS is exactly `-mod=mod -modcacherw` (writable module cache
 * directories, so temp dirs can be removed); GOSUMDB defaults to off: verification in these tests
 * is go.sum-based, both in the client (its go.sum) and in gopave (trusted go.sum files).
 */
export function isolatedGoEnv(dirs: GoDirs, vars: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dirs.home,
    TMPDIR: tmpdir(),
    GOPATH: dirs.gopath,
    GOMODCACHE: dirs.modcache,
    GOCACHE: dirs.gocache,
    GOENV: "off",
    GOTOOLCHAIN: "local",
    GOFLAGS: "-mod=mod -modcacherw",
    GOWORK: "off",
    GONOPROXY: "",
    GONOSUMDB: "",
    GOPRIVATE: "",
    GOINSECURE: "",
    GOSUMDB: "off",
    CGO_ENABLED: "0",
    ...vars,
  };
}

/** The lines of a go.sum file as a sorted, de-duplicated list (for set comparisons). */
export function goSumLines(path: string): string[] {
  const text = readFileSync(path, "utf8");
  return [
    ...new Set(
      text
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  ].sort();
}

/** `go mod download -json` prints one JSON object per module, concatenated. */
export interface GoDownloadJson {
  Path: string;
  Version: string;
  Error?: string;
  Info?: string;
  GoMod?: string;
  Zip?: string;
  Sum?: string;
  GoModSum?: string;
}

export function parseDownloadJson(stdout: string): GoDownloadJson[] {
  return stdout
    .split(/\n(?=\{)/)
    .filter((s) => s.trim() !== "")
    .map((s) => JSON.parse(s) as GoDownloadJson);
}
