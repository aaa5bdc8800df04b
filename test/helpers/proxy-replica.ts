import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./cli.js";
import { readMetric } from "./proxy-server.js";

/**
 * One `gopave proxy serve` process of the built CLI (bin/gopave.js, so `npm run build` first), as
 * an operator runs a replica: its own process, listening on a random port of 127.0.0.1, with the
 * storage URL, upstream and config file it is given, and S3 credentials from the environment.
 */
export interface Replica {
  url: string;
  pid: number;
  /** What it printed to stderr (the listening line, routes, errors). */
  stderr(): string;
  /** Its JSON log lines so far. */
  logs(): Record<string, unknown>[];
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** SIGKILL: no shutdown, no cleanup, as a crash or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the graceful shutdown; fails if the exit code is not 0. */
  stop(): Promise<void>;
}

export interface ReplicaOptions {
  storage: string;
  upstream: string;
  config: string;
  /** The environment (credentials, TMPDIR …) on top of PATH. */
  env: Record<string, string>;
  args?: string[];
}

const START_TIMEOUT_MS = 30_000;

export async function startReplica(opts: ReplicaOptions): Promise<Replica> {
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, "bin", "gopave.js"),
      "proxy",
      "serve",
      "--listen",
      "127.0.0.1:0",
      "--storage",
      opts.storage,
      "--upstream",
      opts.upstream,
      "--config",
      opts.config,
      ...(opts.args ?? []),
    ],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8").on("data", (t: string) => (out += t));
  child.stderr?.setEncoding("utf8").on("data", (t: string) => (err += t));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await listening(child, () => err, exited);
  return {
    url,
    pid: child.pid ?? -1,
    stderr: () => err,
    logs: () =>
      out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    metric: (name, labels) => readMetric(url, name, labels),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const { code, signal } = await exited;
      clearTimeout(timer);
      if (code !== 0) {
        throw new Error(`proxy serve ended with ${signal ?? `exit code ${code}`}:\n${err}`);
      }
    },
  };
}

/** The URL from the "gopave proxy listening on URL" line, or the reason it never came. */
async function listening(
  child: ChildProcess,
  stderr: () => string,
  exited: Promise<{ code: number | null; signal: string | null }>,
): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let ended: { code: number | null; signal: string | null } | undefined;
  void exited.then((e) => (ended = e));
  while (Date.now() < deadline) {
    const m = /gopave proxy listening on (http:\/\/\S+)/.exec(stderr());
    if (m?.[1]) return m[1];
    if (ended) {
      throw new Error(
        `proxy serve exited (${ended.signal ?? ended.code}) before listening:\n${stderr()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGKILL");
  throw new Error(`proxy serve did not listen within ${START_TIMEOUT_MS} ms:\n${stderr()}`);
}
