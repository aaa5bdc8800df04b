// Servers of the proxy benchmark: `gopave proxy serve` (the built CLI, one Node process) and
// Debian's nginx serving a GOPROXY file tree statically (the upstream, and the warm reference).
// All on 127.0.0.1, started and stopped by pid. goproxy and Athens are in peers.mjs.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO_ROOT } from "./modules.mjs";

const BIN = join(REPO_ROOT, "bin", "gopave.js");

export function waitExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return Promise.race([
    new Promise((resolve) => child.once("exit", () => resolve(true))),
    sleep(ms).then(() => false),
  ]);
}

export async function stopChild(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  process.kill(child.pid, signal);
  if (!(await waitExit(child, 15_000))) {
    process.kill(child.pid, "SIGKILL");
    await waitExit(child, 5_000);
  }
}

/**
 * `gopave proxy serve --listen 127.0.0.1:0` with go.sum-based verification (config trustedSums),
 * request log lines to `<dir>/gopave.log`. Resolves once it printed its URL.
 */
/**
 * NODE_OPTIONS of the gopave variants: what the proxy's container image sets (see the README's
 * proxy section); the variant "gopave, V8 defaults" runs without it.
 */
export const GOPAVE_NODE_OPTIONS = "--max-semi-space-size=2";

export async function startGopave({
  dir,
  storage,
  upstream,
  trustedSums,
  args = [],
  bin = BIN,
  nodeOptions = GOPAVE_NODE_OPTIONS,
  nodeArgs = [],
}) {
  const config = join(dir, "gopave-proxy.yaml");
  writeFileSync(
    config,
    `trustedSums:\n${trustedSums.map((s) => `  - ${JSON.stringify(s)}\n`).join("")}`,
  );
  const log = openSync(join(dir, "gopave.log"), "a");
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      bin,
      "proxy",
      "serve",
      "--config",
      config,
      "--listen",
      "127.0.0.1:0",
      "--storage",
      storage,
      "--upstream",
      upstream,
      ...args,
    ],
    // Nothing from the machine's Go settings: with trustedSums and no GOSUMDB, gopave verifies
    // against the go.sum lines only (no checksum database, no network).
    {
      env: { PATH: process.env.PATH, HOME: dir, NODE_OPTIONS: nodeOptions },
      stdio: ["ignore", log, "pipe"],
    },
  );
  closeSync(log);
  let err = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gopave did not start:\n${err}`)), 20_000);
    child.stderr.on("data", (d) => {
      err += d;
      const m = /gopave proxy listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`gopave exited with ${code}:\n${err}`));
    });
  });
  child.stderr.resume();
  return { url, pid: child.pid, storage, stop: () => stopChild(child, "SIGTERM") };
}

export async function freePort() {
  const s = createServer();
  await new Promise((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/**
 * nginx's configuration for a static GOPROXY tree at `root`: sendfile on, keep-alive
 * connections not recycled during a run, an access log (gopave keeps a request log too).
 */
export function nginxConfig({ dir, root, port, workers }) {
  const user = process.getuid?.() === 0 ? "user root;\n" : "";
  return `${user}worker_processes ${workers};
daemon off;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "nginx-error.log")} warn;
events { worker_connections 4096; }
http {
  types { application/json info; text/plain mod; application/zip zip; }
  default_type text/plain;
  charset utf-8;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 65;
  access_log ${join(dir, "nginx-access.log")};
  client_body_temp_path ${join(dir, "nginx-body")};
  proxy_temp_path ${join(dir, "nginx-proxy")};
  fastcgi_temp_path ${join(dir, "nginx-fastcgi")};
  uwsgi_temp_path ${join(dir, "nginx-uwsgi")};
  scgi_temp_path ${join(dir, "nginx-scgi")};
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location / { try_files $uri =404; }
  }
}
`;
}

/** nginx in the foreground with nginxConfig(); resolves { url, pid, config, stop }. */
export async function startNginx({ dir, root, workers }) {
  const port = await freePort();
  const conf = join(dir, "nginx.conf");
  const config = nginxConfig({ dir, root, port, workers });
  writeFileSync(conf, config);
  const child = spawn("nginx", ["-p", dir, "-e", join(dir, "nginx-error.log"), "-c", conf], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) {
      let log = "";
      try {
        log = readFileSync(join(dir, "nginx-error.log"), "utf8");
      } catch {
        // no log yet
      }
      throw new Error(`nginx exited with ${child.exitCode}:\n${err}${log}`);
    }
    try {
      await fetch(`${url}/`);
      return { url, pid: child.pid, config, stop: () => stopChild(child, "SIGQUIT") };
    } catch {
      await sleep(100);
    }
  }
  await stopChild(child, "SIGTERM");
  throw new Error(`nginx did not start:\n${err}`);
}
