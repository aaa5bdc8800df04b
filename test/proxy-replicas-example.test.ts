import { execFile, execFileSync, spawn } from "node:child_process";
import type { ExecFileException } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProxyConfig, resolveProxyConfig } from "../src/proxy/config.js";
import { parseS3Url } from "../src/proxy/storage/s3-url.js";
import { REPO_ROOT, gopave } from "./helpers/cli.js";
import { composeBinary } from "./helpers/compose-cli.js";
import { startLocalUpstream } from "./helpers/local-upstream.js";
import { startReplica } from "./helpers/proxy-replica.js";
import { schemaErrors } from "./helpers/schemas.js";
import { findVersitygw, startS3Server } from "./helpers/s3-server.js";
import type { S3TestServer } from "./helpers/s3-server.js";

/**
 * examples/proxy-replicas, without a container engine: `gopave check` passes on its Dockerfile
 * and compose.yaml, the real Compose CLI and the official compose schema accept the compose
 * file, the files agree with each other (ports, config path, credentials, health checks), and
 * the parts that run outside a container do run: the bucket script against versitygw started
 * with the compose file's own arguments, `proxy serve` with the example's config, and the
 * image's HEALTHCHECK command against it. Run `npm run build` first (bin/gopave.js).
 */

const EXAMPLE = join(REPO_ROOT, "examples", "proxy-replicas");
const VARS = { S3_SECRET_KEY: "example-secret-for-config", GOPAVE_UPSTREAM: "http://127.0.0.1:9" };

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment?: Record<string, string>;
  ports?: { target: number; published: string; host_ip?: string }[];
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

/** `docker compose config --format json` of the example with the required variables set. */
function composeConfig(vars: Record<string, string> = VARS): {
  services: Record<string, ComposeService>;
} {
  const out = execFileSync(composeBinary(), ["config", "--format", "json"], {
    cwd: EXAMPLE,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir(), ...vars },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return JSON.parse(out) as { services: Record<string, ComposeService> };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((done) => srv.listen(0, "127.0.0.1", done));
  const { port } = srv.address() as AddressInfo;
  await new Promise((done) => srv.close(done));
  return port;
}

function service(services: Record<string, ComposeService>, name: string): ComposeService {
  const s = services[name];
  if (!s) throw new Error(`compose.yaml has no service ${name}`);
  return s;
}

const dockerfile = readFileSync(join(EXAMPLE, "Dockerfile"), "utf8");
const exposed = Number(/^EXPOSE (\d+)$/m.exec(dockerfile)?.[1]);
const proxyYaml = readFileSync(join(EXAMPLE, "proxy.yaml"), "utf8");
const proxyConfig = resolveProxyConfig(loadProxyConfig(proxyYaml, "proxy.yaml"), EXAMPLE, {
  route: [],
});

describe("examples/proxy-replicas", () => {
  it("passes gopave check (the Dockerfile, its .dockerignore and compose.yaml all checked)", async () => {
    const r = await gopave(EXAMPLE, ["check", "--format", "json"]);
    const report = JSON.parse(r.stdout) as { findings: unknown[]; files: { path: string }[] };
    expect(report.findings).toEqual([]);
    expect(report.files.map((f) => f.path).sort()).toEqual([
      "Dockerfile",
      "Dockerfile.dockerignore",
      "compose.yaml",
    ]);
    expect(r.code, r.stdout).toBe(0);
  });

  it("is accepted by the Compose CLI and the official compose schema", () => {
    const out = execFileSync(composeBinary(), ["config", "-q"], {
      cwd: EXAMPLE,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir(), ...VARS },
      encoding: "utf8",
    });
    expect(out).toBe("");
    const raw = parse(readFileSync(join(EXAMPLE, "compose.yaml"), "utf8"), { merge: true });
    expect(schemaErrors("compose", raw)).toEqual([]);
  });

  it("refuses to start without the secret key or the upstream, naming what to set", () => {
    for (const missing of Object.keys(VARS)) {
      const vars = Object.fromEntries(Object.entries(VARS).filter(([k]) => k !== missing));
      let stderr = "";
      try {
        composeConfig(vars);
      } catch (err) {
        stderr = String((err as { stderr?: string }).stderr);
      }
      expect(stderr, missing).toContain(`required variable ${missing} is missing a value`);
    }
  });

  it("runs two replicas on their own ports, sharing the config, bucket and credentials", () => {
    const { services } = composeConfig();
    const replicas = Object.entries(services).filter(([, s]) =>
      (s.command ?? []).includes("--upstream"),
    );
    expect(replicas.map(([name]) => name).sort()).toEqual(["gopave-a", "gopave-b"]);
    const s3 = service(services, "s3");
    const bucket = service(services, "create-bucket");
    const published = new Set<string>();
    for (const [name, r] of replicas) {
      expect(r.image, name).toBe("gopave-proxy:local");
      expect(resolve(r.build?.context ?? "")).toBe(REPO_ROOT);
      expect(existsSync(join(REPO_ROOT, r.build?.dockerfile ?? "-"))).toBe(true);
      expect(r.command?.slice(-1)).toEqual([VARS.GOPAVE_UPSTREAM]);
      // The config path on the command line is the mounted proxy.yaml.
      const config = r.command?.[(r.command?.indexOf("--config") ?? -2) + 1];
      const mount = r.volumes?.find((v) => v.target === config);
      expect(mount?.source).toBe(join(EXAMPLE, "proxy.yaml"));
      expect(mount?.read_only).toBe(true);
      // Each on its own loopback port, to the port the proxy listens on and the image exposes.
      expect(r.ports).toHaveLength(1);
      const [port] = r.ports ?? [];
      expect(port?.host_ip).toBe("127.0.0.1");
      expect(port?.target).toBe(proxyConfig.listen.port);
      expect(port?.target).toBe(exposed);
      published.add(port?.published ?? "");
      // The credentials the S3 server was started with.
      expect(r.environment?.AWS_ACCESS_KEY_ID).toBe(s3.environment?.ROOT_ACCESS_KEY_ID);
      expect(r.environment?.AWS_SECRET_ACCESS_KEY).toBe(VARS.S3_SECRET_KEY);
      expect(s3.environment?.ROOT_SECRET_ACCESS_KEY).toBe(VARS.S3_SECRET_KEY);
      expect(r.depends_on?.["create-bucket"]?.condition).toBe("service_completed_successfully");
    }
    expect(published.size).toBe(2);
    expect(bucket.environment?.AWS_SECRET_ACCESS_KEY).toBe(VARS.S3_SECRET_KEY);
    // Waiting for a service to be healthy needs a healthcheck on it.
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        if (condition === "service_healthy") {
          expect(service(services, dep).healthcheck, `${name} → ${dep}`).toBeDefined();
        }
      }
    }
    // The bucket the script creates is the one proxy.yaml stores in, on the s3 service.
    const location = parseS3Url(proxyConfig.storage ?? "", {});
    expect(bucket.environment?.BUCKET).toBe(location.bucket);
    expect(location.endpoint).toBe(bucket.environment?.S3_ENDPOINT);
    expect(new URL(location.endpoint ?? "").hostname).toBe("s3");
  });

  it("builds the proxy image from files the repository has, non-root, health-checked", () => {
    const ignore = readFileSync(join(EXAMPLE, "Dockerfile.dockerignore"), "utf8");
    const sent = new Set([...ignore.matchAll(/^!(\S+?)\/?$/gm)].map((m) => m[1]));
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const src of (m[1] ?? "").split(" ")) {
        expect(existsSync(join(REPO_ROOT, src)), src).toBe(true);
        // The ignore file starts from "*": each source must be let back in.
        expect(sent, `${src} is not in the build context`).toContain(src);
      }
    }
    const stages = dockerfile.split(/^FROM /m);
    const runtime = stages[stages.length - 1] ?? "";
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/readyz/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["gopave", "proxy", "serve"\]$/m);
  });
});

describe("examples/proxy-replicas' parts, run here", () => {
  let s3: S3TestServer;
  const temps: string[] = [];
  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(async () => {
    await s3?.stop();
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  });

  it("versitygw takes the compose file's arguments and answers its health check", async () => {
    const s = service(composeConfig().services, "s3");
    const dir = mkdtempSync(join(tmpdir(), "gopave-example-s3-"));
    temps.push(dir);
    const port = await freePort();
    // The container's volumes and port, moved to this machine's temp dir and loopback.
    const mounts = new Set((s.volumes ?? []).map((v) => v.target));
    const args = (s.command ?? []).map((a) =>
      a === ":7070" ? `127.0.0.1:${port}` : mounts.has(a) ? join(dir, a) : a,
    );
    expect(args.filter((a) => a.startsWith(dir))).toHaveLength(mounts.size);
    for (const a of args) if (a.startsWith(dir)) mkdirSync(a, { recursive: true });
    const health = (s.healthcheck?.test ?? []).find((t) => t.startsWith("http://"));
    const url = new URL(health ?? "http://-/");
    const child = spawn(findVersitygw(), args, {
      env: { ...process.env, ...s.environment },
      stdio: "ignore",
    });
    try {
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        status = await fetch(`http://127.0.0.1:${port}${url.pathname}`).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("creates the bucket once, and finds it there the second time", async () => {
    const bucket = service(composeConfig().services, "create-bucket");
    const run = () =>
      new Promise<{ code: number; out: string }>((done) =>
        execFile(
          process.execPath,
          [join(EXAMPLE, "create-bucket.mjs")],
          {
            env: {
              PATH: process.env.PATH ?? "/usr/bin:/bin",
              ...bucket.environment,
              AWS_ACCESS_KEY_ID: s3.accessKeyId,
              AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
              S3_ENDPOINT: s3.endpoint,
            },
          },
          (err: ExecFileException | null, stdout, stderr) =>
            done({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }),
        ),
      );
    const first = await run();
    expect(first).toEqual({ code: 0, out: `created bucket ${bucket.environment?.BUCKET}\n` });
    await s3.client.send(new HeadBucketCommand({ Bucket: bucket.environment?.BUCKET }));
    const again = await run();
    expect(again).toEqual({ code: 0, out: `bucket ${bucket.environment?.BUCKET} exists\n` });
  });

  it("proxy serve runs with the example's config; the image's HEALTHCHECK command sees it ready", async () => {
    const location = parseS3Url(proxyConfig.storage ?? "", {});
    await s3.createBucket(location.bucket).catch(() => undefined);
    const empty = mkdtempSync(join(tmpdir(), "gopave-example-upstream-"));
    temps.push(empty);
    const upstream = await startLocalUpstream(empty);
    const home = mkdtempSync(join(tmpdir(), "gopave-example-home-"));
    temps.push(home);
    // The config file as mounted, but the storage on this machine's versitygw (no "s3" host here)
    // and the listener on loopback (tests never listen on every interface).
    const replica = await startReplica({
      config: join(EXAMPLE, "proxy.yaml"),
      storage: `s3://${location.bucket}/${location.prefix}?endpoint=${s3.endpoint}&pathStyle=true&region=${s3.region}`,
      upstream: upstream.url,
      env: {
        HOME: home,
        TMPDIR: home,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: "true",
      },
    });
    const cmd = /^HEALTHCHECK .*CMD (\[.*\])$/m.exec(dockerfile.replace(/\\\n\s*/g, ""))?.[1];
    const healthcheck = JSON.parse(cmd ?? "[]") as string[];
    const port = new URL(replica.url).port;
    const probe = () =>
      new Promise<number>((done) => {
        const [bin, ...args] = healthcheck.map((a) => a.replace(`:${exposed}/`, `:${port}/`));
        expect(bin).toBe("node");
        execFile(process.execPath, args, (err) => done(err ? Number(err.code ?? 1) : 0));
      });
    try {
      expect(await probe()).toBe(0);
    } finally {
      await replica.stop();
      await upstream.close();
    }
    expect(await probe()).toBe(1);
  });
});
