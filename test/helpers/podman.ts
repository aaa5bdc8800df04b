import { execFile, execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { composeBinary } from "./compose-cli.js";
import { requireTools, unmountUnder } from "./engines.js";
import { storageDriver } from "./test-cache.js";

/**
 * Rootful podman for tests, under configuration files the test owns (never the machine's
 * global ones): overlay (or vfs) storage in a temporary graph root that also reads the shared stand-in store,
 * the runc runtime (crun does not run on these cgroup v1 hosts), lowered ulimits (the process
 * lacks CAP_SYS_RESOURCE), and networks in the test's own directory. `podman system service`
 * gives the Docker API that the real Compose CLI (DOCKER_HOST) and the devcontainer CLI talk to.
 *
 * Podman schedules healthchecks with systemd timers, and these machines have no systemd: the
 * health ticker stands in for the timer and runs `podman healthcheck run`, which executes the
 * container's own healthcheck and records its result, exactly as the timer would.
 */

export interface Run {
  stdout: string;
  stderr: string;
}

export interface Podman {
  dir: string;
  /** For podman, buildah and the Compose CLI: storage, configuration and DOCKER_HOST. */
  env: NodeJS.ProcessEnv;
  podman: (args: string[]) => string;
  podmanAsync: (args: string[]) => Promise<string>;
  /** The real Compose CLI against the service; the environment is only `env` and `extra`. */
  compose: (cwd: string, args: string[], extra?: NodeJS.ProcessEnv) => Promise<Run>;
  /**
   * Runs a container's healthcheck once, as the engine's timer would: false when it fails or
   * outlasts `timeoutMs` (podman 4.3's `healthcheck run` does not enforce the check's timeout;
   * an engine counts a check that outlasts it as failed).
   */
  healthcheck: (id: string, timeoutMs?: number) => Promise<boolean>;
  /** Runs every container's healthcheck each `everyMs` until stopped. */
  healthTicker: (everyMs?: number) => { stop: () => Promise<void> };
  /**
   * An address of this machine on a bridge only this machine's containers reach, kept up by an
   * idle container of `image` until close: where a server on the host that a running container
   * must reach listens (127.0.0.1 inside a container is the container's own), without listening
   * on the machine's external addresses.
   */
  hostBridge: (image: string) => Promise<string>;
  close: () => Promise<void>;
}

function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string) {
  return new Promise<Run>((resolve, reject) => {
    execFile(cmd, args, { env, cwd, maxBuffer: 256 << 20 }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`${cmd} ${args.join(" ")}: ${err.message}\n${stdout}\n${stderr}`))
        : resolve({ stdout, stderr }),
    );
  });
}

function hostAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((a) => (a ?? []).map((x) => x.address));
}

const ipv4 = (a: string) => a.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);

/** The first 172.31.N.0/24 (N from 200) that no network of this machine's interfaces overlaps. */
function freeSubnet(): string {
  const nets = Object.values(networkInterfaces()).flatMap((a) =>
    (a ?? []).flatMap((x) => {
      const [addr, bits] = (x.cidr ?? "").split("/");
      if (x.family !== "IPv4" || !addr) return [];
      const size = 2 ** (32 - Number(bits));
      const start = Math.floor(ipv4(addr) / size) * size;
      return [[start, start + size] as const];
    }),
  );
  for (let n = 200 + (process.pid % 50); n < 255; n++) {
    const start = ipv4(`172.31.${n}.0`);
    if (!nets.some(([a, b]) => start < b && a < start + 256)) return `172.31.${n}`;
  }
  throw new Error("no free 172.31.N.0/24 subnet on this machine for a host-only bridge");
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: "/_ping", timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

export async function startPodman(opts: { imageStores: string[] }): Promise<Podman> {
  requireTools("podman", "buildah", "runc");
  const dir = mkdtempSync(join(tmpdir(), "gopave-podman-"));
  const tmp = join(dir, "tmp");
  const home = join(dir, "home");
  const dockerConfig = join(dir, "docker");
  for (const d of [tmp, home, join(dockerConfig, "cli-plugins")]) mkdirSync(d, { recursive: true });
  // The same binary as a docker CLI plugin, for a `docker` client where there is one.
  symlinkSync(composeBinary(), join(dockerConfig, "cli-plugins", "docker-compose"));
  // podman takes $DOCKER_CONFIG/config.json as its auth file and `podman run` fails when it is
  // missing ("stat …/config.json: no such file or directory"): an empty one, no credentials.
  writeFileSync(join(dockerConfig, "config.json"), "{}\n");
  const stores = opts.imageStores.map((s) => `"${s}"`).join(", ");
  writeFileSync(
    join(dir, "storage.conf"),
    `[storage]\ndriver = "${storageDriver()}"\ngraphroot = "${join(dir, "graph")}"\nrunroot = "${join(dir, "run")}"\n` +
      `[storage.options]\nadditionalimagestores = [${stores}]\n`,
  );
  writeFileSync(
    join(dir, "containers.conf"),
    `[containers]\ndefault_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]\n` +
      `[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n` +
      `[network]\nnetwork_config_dir = "${join(dir, "networks")}"\n`,
  );
  const socket = join(dir, "podman.sock");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: home,
    CONTAINERS_STORAGE_CONF: join(dir, "storage.conf"),
    CONTAINERS_CONF: join(dir, "containers.conf"),
    // Builds through the service run their steps with chroot isolation on the host's network,
    // so a GOPROXY on the host's loopback is reachable from RUN steps.
    BUILDAH_ISOLATION: "chroot",
    TMPDIR: tmp,
    DOCKER_HOST: `unix://${socket}`,
    DOCKER_CONFIG: dockerConfig,
    // No BuildKit here: the Compose CLI uses the engine's own builder (podman's, which is buildah
    // and supports RUN --mount=type=cache) through the Docker API's build endpoint.
    DOCKER_BUILDKIT: "0",
    COMPOSE_BAKE: "false",
  };
  const service: ChildProcess = spawn(
    "podman",
    ["system", "service", "--time=0", `unix://${socket}`],
    { env, stdio: ["ignore", "ignore", "pipe"] },
  );
  let serviceLog = "";
  service.stderr?.on("data", (d: Buffer) => {
    serviceLog = (serviceLog + d.toString()).slice(-20_000);
  });
  const deadline = Date.now() + 30_000;
  while (!(existsSync(socket) && (await ping(socket)))) {
    if (service.exitCode !== null || Date.now() > deadline) {
      service.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`podman system service did not come up:\n${serviceLog}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  const podman = (args: string[]) =>
    execFileSync("podman", args, { env, encoding: "utf8", maxBuffer: 64 << 20 });
  const podmanAsync = async (args: string[]) => (await runAsync("podman", args, env)).stdout;
  const healthcheck = (id: string, timeoutMs = 10_000) =>
    new Promise<boolean>((resolve) => {
      let late = false;
      const child = execFile("podman", ["healthcheck", "run", id], { env }, (err) => {
        clearTimeout(timer);
        resolve(!late && err === null);
      });
      // Told to stop, podman may still exit 0: a late check counts as failed whatever it says.
      const timer = setTimeout(() => {
        late = true;
        child.kill("SIGKILL");
      }, timeoutMs);
    });

  return {
    dir,
    env,
    podman,
    podmanAsync,
    compose: (cwd, args, extra = {}) => runAsync(composeBinary(), args, { ...env, ...extra }, cwd),
    healthcheck,
    healthTicker(everyMs = 1000) {
      let stopped = false;
      const loop = (async () => {
        while (!stopped) {
          const ps = await podmanAsync(["ps", "--format", "{{.ID}} {{.Status}}"]).catch(() => "");
          const ids = ps
            .split("\n")
            .filter((l) => /\((starting|healthy|unhealthy)\)/.test(l))
            .map((l) => l.split(" ")[0] ?? "");
          // A failing check exits non-zero: that is its result, recorded by podman.
          await Promise.all(ids.map((id) => healthcheck(id)));
          await new Promise((r) => setTimeout(r, everyMs));
        }
      })();
      return {
        stop: async () => {
          stopped = true;
          await loop;
        },
      };
    },
    async hostBridge(image) {
      // The network's own bridge device and subnet, both free on this machine: podman picks the
      // next of its own networks' names, and another podman on the machine would pick the same.
      const name = `gopave-host-${process.pid}`;
      const subnet = freeSubnet();
      mkdirSync(join(dir, "networks"), { recursive: true });
      writeFileSync(
        join(dir, "networks", `${name}.json`),
        JSON.stringify({
          name,
          id: createHash("sha256").update(name).digest("hex"),
          driver: "bridge",
          network_interface: `gph${process.pid}`.slice(0, 15),
          created: new Date().toISOString(),
          subnets: [{ subnet: `${subnet}.0/24`, gateway: `${subnet}.1` }],
          ipv6_enabled: false,
          internal: false,
          dns_enabled: false,
          ipam_options: { driver: "host-local" },
        }),
      );
      const address = `${subnet}.1`;
      await podmanAsync([
        "run",
        "-d",
        "--network",
        name,
        "--name",
        name,
        image,
        "sleep",
        "infinity",
      ]);
      const deadline = Date.now() + 10_000;
      while (!hostAddresses().includes(address)) {
        if (Date.now() > deadline) throw new Error(`the bridge of ${name} did not come up`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return address;
    },
    async close() {
      await podmanAsync(["rm", "--all", "--force", "--time", "0"]).catch(() => "");
      await podmanAsync(["volume", "rm", "--all", "--force"]).catch(() => "");
      await podmanAsync(["network", "prune", "--force"]).catch(() => "");
      service.kill("SIGTERM");
      await new Promise((r) => (service.exitCode !== null ? r(null) : service.once("exit", r)));
      // Builds through the Docker API that keep their step containers (Tilt's) leave buildah
      // containers, with their overlay mounts, that `podman rm` does not see.
      await runAsync("buildah", ["rm", "--all"], env).catch(() => undefined);
      unmountUnder(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
