import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "./cli.js";

/**
 * The built CLI's `gopave proxy serve` as a child process on 127.0.0.1 (a random port), so a
 * test can SIGKILL it or watch it fail as an operator would. Needs `npm run build` first.
 */
export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** stdout (the JSON request log) and stderr so far. */
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<string>;
  kill: (signal?: NodeJS.Signals) => Promise<string>;
}

export interface ServeOptions {
  /** The directory for proxy.yaml (and nothing else). */
  dir: string;
  storage: string;
  upstream: string;
  trustedSums: string[];
  /** Extra config file lines (YAML). */
  extraConfig?: string;
  extraArgs?: string[];
}

export const GOPAVE_BIN = join(REPO_ROOT, "bin", "gopave.js");

export async function startServe(opts: ServeOptions): Promise<ServeProcess> {
  const config = join(opts.dir, "proxy.yaml");
  writeFileSync(
    config,
    `trustedSums: ${JSON.stringify(opts.trustedSums)}\n${opts.extraConfig ?? ""}`,
  );
  const child = spawn(
    process.execPath,
    [
      GOPAVE_BIN,
      "proxy",
      "serve",
      "--listen",
      "127.0.0.1:0",
      "--config",
      config,
      "--storage",
      pathToFileURL(opts.storage).href,
      "--upstream",
      opts.upstream,
      ...(opts.extraArgs ?? []),
    ],
    {
      cwd: opts.dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: opts.dir },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8").on("data", (t: string) => void (out += t));
  child.stderr?.setEncoding("utf8").on("data", (t: string) => void (err += t));
  const exited = new Promise<string>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? String(code))),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gopave proxy serve did not listen within 20 s:\n${err}`)),
      20_000,
    );
    const onData = () => {
      const m = /gopave proxy listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        child.stderr?.off("data", onData);
        resolve(m[1]);
      }
    };
    child.stderr?.on("data", onData);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`gopave proxy serve exited (${how}) before listening:\n${err}`));
    });
  });
  return {
    url,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
