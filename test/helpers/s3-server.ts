import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";

/** The pinned S3 server the tests run against (also installed by .ci/run). */
export const VERSITYGW_VERSION = "v1.8.0";
export const VERSITYGW_INSTALL = `GOTOOLCHAIN=local go install github.com/versity/versitygw/cmd/versitygw@${VERSITYGW_VERSION}`;

/** A real S3-compatible server (versitygw over a temp directory) on 127.0.0.1. */
export interface S3TestServer {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A client with the server's credentials, for setting up and inspecting buckets. */
  client: S3Client;
  /** Creates a bucket (path style: the server has no virtual-host DNS). */
  createBucket(name: string): Promise<void>;
  /** Everything the server wrote to stdout/stderr so far (for failure messages). */
  output(): string;
  /**
   * The server's access log so far (one line per S3 request, with the operation, key and HTTP
   * status, in S3's server access log format); empty unless started with `accessLog: true`.
   */
  accessLog(): string;
  stop(): Promise<void>;
}

/**
 * versitygw on PATH or in `$(go env GOPATH)/bin`. Missing is a loud failure, never a skip: the
 * S3 backend is only as tested as the server it runs against.
 */
export function findVersitygw(): string {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  try {
    const gopath = execFileSync("go", ["env", "GOPATH"], { encoding: "utf8" }).trim();
    for (const p of gopath.split(delimiter)) if (p) dirs.push(join(p, "bin"));
  } catch {
    // No go command: PATH is all there is.
  }
  for (const dir of dirs) {
    const bin = join(dir, "versitygw");
    try {
      accessSync(bin, constants.X_OK);
      return bin;
    } catch {
      // Not here.
    }
  }
  throw new Error(
    `versitygw (the S3 server these tests run against) is not installed; install it with:\n  ${VERSITYGW_INSTALL}`,
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts versitygw's POSIX backend on a fresh temp directory with random root credentials, and
 * waits until it answers S3 requests. Metadata goes to a sidecar directory, so the temp file
 * system need not support user xattrs.
 */
export async function startS3Server(opts: { accessLog?: boolean } = {}): Promise<S3TestServer> {
  const bin = findVersitygw();
  const base = mkdtempSync(join(tmpdir(), "gopave-s3-"));
  const data = join(base, "data");
  const meta = join(base, "meta");
  mkdirSync(data);
  mkdirSync(meta);
  const accessLog = join(base, "access.log");
  const accessKeyId = `GOPAVE${randomBytes(7).toString("hex").toUpperCase()}`;
  const secretAccessKey = randomBytes(30).toString("base64url");
  const region = "us-east-1";

  let lastError = "";
  // A free port can be taken between probing and binding it: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    let out = "";
    const child = spawn(
      bin,
      [
        "--port",
        `127.0.0.1:${port}`,
        "--region",
        region,
        "--quiet",
        ...(opts.accessLog ? ["--access-log", accessLog] : []),
        "posix",
        "--sidecar",
        meta,
        data,
      ],
      {
        // Credentials through the environment, so they never show in a process listing.
        env: {
          ...process.env,
          ROOT_ACCESS_KEY_ID: accessKeyId,
          ROOT_SECRET_ACCESS_KEY: secretAccessKey,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    if (await answers(endpoint, child)) {
      const client = new S3Client({
        region,
        endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId, secretAccessKey },
      });
      return {
        endpoint,
        region,
        accessKeyId,
        secretAccessKey,
        client,
        createBucket: async (name) => {
          await client.send(new CreateBucketCommand({ Bucket: name }));
        },
        output: () => out,
        accessLog: () => (existsSync(accessLog) ? readFileSync(accessLog, "utf8") : ""),
        stop: async () => {
          client.destroy();
          await stopChild(child);
          rmSync(base, { recursive: true, force: true });
        },
      };
    }
    lastError = out;
    await stopChild(child);
  }
  rmSync(base, { recursive: true, force: true });
  throw new Error(`versitygw (${bin}) did not start:\n${lastError}`);
}

/** Polls until the server answers HTTP (any status: unsigned requests get 403) or exits. */
async function answers(endpoint: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1000) });
      return true;
    } catch {
      await sleep(50);
    }
  }
  return false;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
