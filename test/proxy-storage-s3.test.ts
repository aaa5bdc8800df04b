import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { inspect } from "node:util";
import {
  DeleteBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { DestinationStream } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runProxyServe } from "../src/cli/proxy-serve.js";
import { createProxy } from "../src/proxy/index.js";
import type { Proxy } from "../src/proxy/index.js";
import { openStorage } from "../src/proxy/storage/open.js";
import { createS3Storage } from "../src/proxy/storage/s3.js";
import type { S3StorageOptions } from "../src/proxy/storage/s3.js";
import { S3Objects } from "../src/proxy/storage/s3-objects.js";

import type { S3Location } from "../src/proxy/storage/s3-url.js";
import type { Storage, StoredBody } from "../src/proxy/types.js";
import { GopaveError } from "../src/util/errors.js";
import { startLocalUpstream, writeModule } from "./helpers/local-upstream.js";
import { freshGoDirs, isolatedGoEnv, parseDownloadJson, runGo } from "./helpers/proxy-e2e-go.js";
import type { GoDownloadJson } from "./helpers/proxy-e2e-go.js";
import { FakeTarget, FakeVerifier } from "./helpers/proxy-fakes.js";
import { startS3Server } from "./helpers/s3-server.js";
import type { S3TestServer } from "./helpers/s3-server.js";
import {
  goDownload,
  moduleZip,
  putModule,
  readBody,
  storageSuite,
} from "./helpers/storage-suite.js";

const BUCKET = "gopave-test";
let server: S3TestServer;
let prefixes = 0;
const freshPrefix = (what: string) => `${what}-${++prefixes}/`;
const temps: string[] = [];
/** A temp directory removed after the file's tests. */
const temp = (what: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `gopave-s3-${what}-`));
  temps.push(dir);
  return dir;
};

beforeAll(async () => {
  server = await startS3Server();
  await server.createBucket(BUCKET);
});
afterAll(async () => {
  await server?.stop();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function location(prefix: string, bucket = BUCKET): S3Location {
  return {
    bucket,
    prefix,
    region: server.region,
    endpoint: server.endpoint,
    forcePathStyle: true,
  };
}

function make(prefix: string, opts: S3StorageOptions = {}, bucket = BUCKET): Promise<Storage> {
  return createS3Storage(location(prefix, bucket), {
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    ...opts,
  });
}

/** Every key under a prefix (relative to it), sorted. */
async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await server.client.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const o of page.Contents ?? []) keys.push((o.Key ?? "").slice(prefix.length));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

async function stored(s: Storage, module: string, version: string): Promise<StoredBody> {
  const body = await s.get(module, version, "zip");
  if (!body) throw new Error(`${module}@${version}.zip is not stored`);
  return body;
}

async function putRaw(key: string, body: Buffer | string): Promise<void> {
  await server.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

storageSuite("s3 (versitygw)", ({ now }) => make(freshPrefix("suite"), { now }));

describe("S3 storage against versitygw", () => {
  const open: Storage[] = [];
  const track = async (s: Promise<Storage>) => {
    const storage = await s;
    open.push(storage);
    return storage;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it("lays objects out like GOMODCACHE's download cache under the prefix", async () => {
    const prefix = freshPrefix("layout");
    const s = await track(make(prefix));
    const m = "github.com/Azure/Go-Thing";
    await s.putOnce(m, "v1.2.3-RC.1", "info", { data: Buffer.from("{}") });
    await s.putOnce(m, "v1.2.3-RC.1", "mod", { data: Buffer.from("module x\n") });
    await s.putOnce(m, "v1.2.3-RC.1", "zip", { data: Buffer.from("zip") });
    await s.putAnswer("list", m, {
      body: "v1.2.3-RC.1\n",
      status: 200,
      fetchedAt: 1_700_000_000_000,
    });
    await s.putAnswer("latest", m, { body: "{}", status: 200, fetchedAt: 1 });
    await s.putAnswer("notfound", "x", { body: "", status: 404, fetchedAt: 1 });
    await s.putTile("sum.golang.org/tile/8/0/x001/234", Buffer.from("tile"));

    const keys = await keysUnder(prefix);
    const v = "github.com/!azure/!go-!thing/@v";
    expect(keys.filter((k) => !k.startsWith(".gopave/"))).toEqual([
      `${v}/list`,
      `${v}/v1.2.3-!r!c.1.info`,
      `${v}/v1.2.3-!r!c.1.mod`,
      `${v}/v1.2.3-!r!c.1.zip`,
      "sumdb/sum.golang.org/tile/8/0/x001/234",
    ]);
    // gopave's own records: hashed names under .gopave/answers/<kind>/.
    const records = keys.filter((k) => k.startsWith(".gopave/"));
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r).toMatch(/^\.gopave\/answers\/(latest|notfound)\/[0-9a-f]{2}\/[0-9a-f]{64}\.json$/);
    }
    const list = await server.client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}${v}/list` }),
    );
    expect(await list.Body?.transformToString()).toBe("v1.2.3-RC.1\n");
    expect(list.ContentType).toMatch(/^text\/plain/);
    const zip = await server.client.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: `${prefix}${v}/v1.2.3-!r!c.1.zip` }),
    );
    expect(zip.ContentType).toBe("application/zip");
  });

  it("writes a bucket the go command reads once synced to a directory (GOPROXY=file://)", async () => {
    const prefix = freshPrefix("gosync");
    const s = await track(make(prefix));
    await putModule(s, "example.com/Hello", "v1.0.0");
    await s.putAnswer("list", "example.com/Hello", { body: "v1.0.0\n", status: 200, fetchedAt: 1 });
    // What `aws s3 sync s3://bucket/prefix dir` does: every object to the same relative path.
    const dir = temp("sync");
    for (const key of await keysUnder(prefix)) {
      const res = await server.client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: prefix + key }),
      );
      mkdirSync(dirname(join(dir, key)), { recursive: true });
      writeFileSync(join(dir, key), (await res.Body?.transformToByteArray()) ?? new Uint8Array());
    }
    const [got] = goDownload(dir, ["example.com/Hello@v1.0.0"]);
    expect(got?.Error).toBeUndefined();
    expect(got?.Version).toBe("v1.0.0");
    expect(readFileSync(join(got?.Dir ?? "", "lib.go"), "utf8")).toContain("v1.0.0");
  });

  it("reads a @v/list uploaded by another tool, dated by its LastModified", async () => {
    const prefix = freshPrefix("foreign-list");
    const before = Date.now() - 5000;
    await putRaw(`${prefix}example.com/a/@v/list`, "v0.1.0\n");
    const s = await track(make(prefix));
    const answer = await s.getAnswer("list", "example.com/a");
    expect(answer?.body).toBe("v0.1.0\n");
    expect(answer?.status).toBe(200);
    expect(answer?.fetchedAt).toBeGreaterThan(before);
    expect(answer?.fetchedAt).toBeLessThanOrEqual(Date.now() + 5000);
  });

  it("streams a staged file up and consumes it; a file from elsewhere is left alone", async () => {
    const prefix = freshPrefix("sources");
    const s = await track(make(prefix));
    const staging = await s.stagingDir();
    const staged = join(staging, "dl.part");
    writeFileSync(staged, Buffer.alloc(3 << 20, 5));
    await s.putOnce("example.com/a", "v1.0.0", "zip", { path: staged });
    expect(existsSync(staged)).toBe(false);
    expect((await s.get("example.com/a", "v1.0.0", "zip"))?.size).toBe(3 << 20);

    // A redundant staged download is cleaned up too, small or big (a server may refuse a big
    // conditional PUT before reading its body, and close the connection on it).
    for (const size of [5, 16 << 20]) {
      writeFileSync(staged, Buffer.alloc(size, 6));
      await s.putOnce("example.com/a", "v1.0.0", "zip", { path: staged });
      expect(existsSync(staged)).toBe(false);
    }
    const kept = await stored(s, "example.com/a", "v1.0.0");
    expect((await readBody(kept.open())).equals(Buffer.alloc(3 << 20, 5))).toBe(true);

    const outside = join(temp("modcache"), "v1.0.0.zip");
    writeFileSync(outside, "zip B");
    await s.putOnce("example.com/b", "v1.0.0", "zip", { path: outside });
    expect(readFileSync(outside, "utf8")).toBe("zip B");
    const b = await stored(s, "example.com/b", "v1.0.0");
    expect((await readBody(b.open())).toString()).toBe("zip B");
  });

  it("stages in a local temp directory that close() removes", async () => {
    const s = await make(freshPrefix("staging"));
    const staging = await s.stagingDir();
    expect(staging.startsWith(tmpdir())).toBe(true);
    expect(await s.stagingDir()).toBe(staging);
    writeFileSync(join(staging, "left-over.part"), "x");
    await s.close();
    expect(existsSync(staging)).toBe(false);
  });

  it("makes its staging directory again when another process's cleanup removed it", async () => {
    const s = await track(make(freshPrefix("staging-gone")));
    const staging = await s.stagingDir();
    // What a replica starting beside this one does to a staging directory idle for a day.
    rmSync(staging, { recursive: true, force: true });
    expect(await s.stagingDir()).toBe(staging);
    writeFileSync(join(staging, "dl.part"), "zip");
    await s.putOnce("example.com/a", "v1.0.0", "zip", { path: join(staging, "dl.part") });
    expect((await s.get("example.com/a", "v1.0.0", "zip"))?.size).toBe(3);
  });

  it("sends no request until a body is read, and a fresh one per open", async () => {
    const prefix = freshPrefix("lazy");
    const s = await track(make(prefix));
    await s.putOnce("example.com/a", "v1.0.0", "zip", { data: Buffer.from("first") });
    const body = await stored(s, "example.com/a", "v1.0.0");
    const stream = body.open();
    // Replaced behind the storage's back, before the stream is read: the read sees the new
    // object, so the GET was not sent at open().
    await putRaw(`${prefix}example.com/a/@v/v1.0.0.zip`, "other");
    expect((await readBody(stream)).toString()).toBe("other");
    stream.destroy();
    // Opened but never read: no request, no error.
    body.open().destroy();
  });

  it("a stream of an object removed meanwhile fails with the key and the S3 code", async () => {
    const prefix = freshPrefix("gone");
    const s = await track(make(prefix));
    await s.putOnce("example.com/a", "v1.0.0", "zip", { data: Buffer.from("zip") });
    const body = await stored(s, "example.com/a", "v1.0.0");
    expect(await s.evict(0)).toBe(1);
    await expect(readBody(body.open())).rejects.toThrow(
      new RegExp(`s3://${BUCKET}/${prefix}example\\.com/a/@v/v1\\.0\\.0\\.zip.*NoSuchKey`),
    );
  });

  it("evicts zips it never saw by LastModified, leaving records, tiles, .mod and .info", async () => {
    const prefix = freshPrefix("foreign");
    const dir = `${prefix}example.com/a/@v`;
    await putRaw(`${dir}/v1.0.0.zip`, Buffer.alloc(100));
    await putRaw(`${dir}/v1.0.0.mod`, "module example.com/a\n");
    // LastModified has a resolution of a second.
    await new Promise((r) => setTimeout(r, 1100));
    await putRaw(`${dir}/v1.1.0.zip`, Buffer.alloc(100));
    await putRaw(`${dir}/v1.1.0.info`, "{}");
    await putRaw(`${prefix}sumdb/sum.golang.org/tile/8/0/000`, Buffer.alloc(5000));
    await putRaw(`${prefix}.gopave/answers/latest/00/x.json`, Buffer.alloc(5000));
    const s = await track(make(prefix));
    expect(await s.evict(150)).toBe(1);
    expect(await keysUnder(prefix)).toEqual([
      ".gopave/answers/latest/00/x.json",
      "example.com/a/@v/v1.0.0.mod",
      "example.com/a/@v/v1.1.0.info",
      "example.com/a/@v/v1.1.0.zip",
      "sumdb/sum.golang.org/tile/8/0/000",
    ]);
    // A use in this process outranks any LastModified.
    await putRaw(`${dir}/v1.2.0.zip`, Buffer.alloc(100));
    const s2 = await track(make(prefix));
    await s2.get("example.com/a", "v1.1.0", "zip");
    expect(await s2.evict(100)).toBe(1);
    expect((await keysUnder(prefix)).filter((k) => k.endsWith(".zip"))).toEqual([
      "example.com/a/@v/v1.1.0.zip",
    ]);
  });

  it("keeps the first writer when the server does not support conditional writes (501)", async () => {
    const prefix = freshPrefix("no-conditional");
    let conditional = 0;
    const real = server.client;
    const client = {
      send: async (cmd: { input: { IfNoneMatch?: string } }) => {
        if (cmd.input.IfNoneMatch !== undefined) {
          conditional++;
          throw Object.assign(
            new Error("A header you provided implies functionality that is not implemented"),
            {
              name: "NotImplemented",
              $metadata: { httpStatusCode: 501 },
            },
          );
        }
        return real.send(cmd as never);
      },
    } as unknown as S3Client;
    const objects = new S3Objects(client, BUCKET, prefix);
    expect(await objects.writeOnce("a/@v/v1.0.0.mod", { data: "first" })).toBe(true);
    expect(await objects.writeOnce("a/@v/v1.0.0.mod", { data: "second" })).toBe(false);
    // Learnt once: no more conditional attempts after the first 501.
    expect(conditional).toBe(1);
    expect((await objects.read("a/@v/v1.0.0.mod"))?.data.toString()).toBe("first");
  });

  it("retries a conditional PUT that conflicts with one in flight (409) until one wins", async () => {
    const prefix = freshPrefix("conflict");
    const real = server.client;
    /** The first `n` conditional PUTs meet another writer's in flight; `then` runs after them. */
    const conflicting = (n: number, then: () => Promise<void> = async () => undefined) => {
      let left = n;
      return {
        send: async (cmd: { input: { IfNoneMatch?: string } }) => {
          if (cmd.input.IfNoneMatch !== undefined && left > 0) {
            if (--left === 0) await then();
            throw Object.assign(new Error("A conflicting conditional operation is in progress"), {
              name: "ConditionalRequestConflict",
              $metadata: { httpStatusCode: 409 },
            });
          }
          return real.send(cmd as never);
        },
      } as unknown as S3Client;
    };
    // The other writer fails: this one must still store the object (a caller reads it next).
    const lost = new S3Objects(conflicting(3), BUCKET, prefix);
    expect(await lost.writeOnce("a/@v/v1.0.0.zip", { data: "mine" })).toBe(true);
    expect((await lost.read("a/@v/v1.0.0.zip"))?.data.toString()).toBe("mine");
    // The other writer lands: this one finds the object there and leaves it alone.
    const key = `${prefix}b/@v/v1.0.0.zip`;
    const won = new S3Objects(
      conflicting(2, () => putRaw(key, "theirs")),
      BUCKET,
      prefix,
    );
    expect(await won.writeOnce("b/@v/v1.0.0.zip", { data: "mine" })).toBe(false);
    expect((await won.read("b/@v/v1.0.0.zip"))?.data.toString()).toBe("theirs");
  });

  it("answers a second conditional PUT with a precondition failure (what putOnce relies on)", async () => {
    const key = `${freshPrefix("conditional")}k`;
    const put = (body: string) =>
      server.client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, IfNoneMatch: "*" }),
      );
    await put("one");
    await expect(put("two")).rejects.toMatchObject({
      name: "PreconditionFailed",
      $metadata: { httpStatusCode: 412 },
    });
  });

  it("opens s3:// URLs with credentials from the AWS environment", async () => {
    const prefix = freshPrefix("env");
    vi.stubEnv("AWS_ACCESS_KEY_ID", server.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", server.secretAccessKey);
    vi.stubEnv("AWS_SESSION_TOKEN", undefined);
    vi.stubEnv("AWS_PROFILE", undefined);
    const url = `s3://${BUCKET}/${prefix}?endpoint=${server.endpoint}&pathStyle=true`;
    const s = await track(openStorage(url, { cwd: "/", env: { AWS_REGION: server.region } }));
    await s.putOnce("example.com/m", "v1.0.0", "mod", { data: Buffer.from("m") });
    expect(await keysUnder(prefix)).toEqual(["example.com/m/@v/v1.0.0.mod"]);
  });

  it("fails at start-up on a wrong secret key, naming the bucket but never the secret", async () => {
    const wrong = `${server.secretAccessKey.slice(0, -4)}XXXX`;
    vi.stubEnv("AWS_ACCESS_KEY_ID", server.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", wrong);
    vi.stubEnv("AWS_SESSION_TOKEN", undefined);
    vi.stubEnv("AWS_PROFILE", undefined);
    const url = `s3://${BUCKET}/x?endpoint=${server.endpoint}&pathStyle=true`;
    const err = await openStorage(url, { cwd: "/", env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GopaveError);
    const text = (err as GopaveError).format();
    expect(text).toMatch(new RegExp(`s3://${BUCKET}`));
    expect(text).toMatch(/HeadBucket .*Forbidden \(HTTP 403\)/);
    expect(text).toMatch(/AWS_SECRET_ACCESS_KEY/);
    for (const shown of [text, inspect(err, { depth: 10 })]) {
      expect(shown).not.toContain(wrong);
      expect(shown).not.toContain(server.secretAccessKey);
    }

    // An object request has an error body: its S3 code is named too.
    const client = new S3Client({
      region: server.region,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: wrong },
    });
    const objects = new S3Objects(client, BUCKET, "x/");
    const readErr = await objects.read("k").then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    client.destroy();
    expect(readErr?.message).toMatch(
      new RegExp(`GetObject s3://${BUCKET}/x/k failed: SignatureDoesNotMatch \\(HTTP 403\\)`),
    );
    expect(readErr?.message).not.toContain(wrong);
  });

  it("fails at start-up on a missing bucket, saying so", async () => {
    const err = await make("x/", {}, "gopave-no-such-bucket").then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/s3:\/\/gopave-no-such-bucket\/.*NoSuchBucket.*does not exist/);

    vi.stubEnv("AWS_ACCESS_KEY_ID", server.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", server.secretAccessKey);
    const url = `s3://gopave-no-such-bucket/x?endpoint=${server.endpoint}&pathStyle=true`;
    await expect(openStorage(url, { cwd: "/", env: {} })).rejects.toThrow(
      /cannot open storage s3:\/\/gopave-no-such-bucket.*does not exist/,
    );
  });

  it("names the bucket and S3 code when the bucket disappears under a running storage", async () => {
    await server.createBucket("gopave-doomed");
    const s = await track(make("p/", {}, "gopave-doomed"));
    await server.client.send(new DeleteBucketCommand({ Bucket: "gopave-doomed" }));
    await expect(
      s.putOnce("example.com/a", "v1.0.0", "mod", { data: Buffer.from("m") }),
    ).rejects.toThrow(
      /PutObject s3:\/\/gopave-doomed\/p\/example\.com\/a\/@v\/v1\.0\.0\.mod failed: NoSuchBucket/,
    );
  });
});

describe("gopave proxy on S3 storage", () => {
  const M = "example.com/hello";
  const V = "v1.2.0";

  async function startProxy(
    storage: Storage,
    target: FakeTarget,
  ): Promise<{ url: string; proxy: Proxy }> {
    const logStream: DestinationStream = { write: () => undefined };
    const proxy = createProxy(
      {
        routes: [{ pattern: "*", name: "default", target, verify: true }],
        prefetch: false,
        memoryCacheBytes: 0,
      },
      { storage, verifier: new FakeVerifier(), logStream },
    );
    return { url: await proxy.listen(0, "127.0.0.1"), proxy };
  }

  it("fetches a module into S3, then serves it from S3 to a new proxy", async () => {
    const prefix = freshPrefix("proxy");
    const zip = await moduleZip(M, V, { "go.mod": `module ${M}\n`, "hello.go": "package hello\n" });
    const target = new FakeTarget().add(M, V, { zip, mod: `module ${M}\n` });

    const s1 = await make(prefix);
    const first = await startProxy(s1, target);
    for (const f of ["info", "mod", "zip"]) {
      const res = await fetch(`${first.url}/${M}/@v/${V}.${f}`);
      expect(res.status, f).toBe(200);
    }
    await first.proxy.settled();
    await first.proxy.close();
    await s1.close();
    expect(await keysUnder(prefix)).toEqual(
      expect.arrayContaining([`${M}/@v/${V}.info`, `${M}/@v/${V}.mod`, `${M}/@v/${V}.zip`]),
    );

    // A new process on the same bucket/prefix, with the upstream gone: every byte from S3.
    const gone = new FakeTarget();
    gone.override = () => ({ ok: false, notFound: false, status: 503, message: "upstream down" });
    const s2 = await make(prefix);
    const second = await startProxy(s2, gone);
    try {
      const res = await fetch(`${second.url}/${M}/@v/${V}.zip`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(zip)).toBe(true);
      expect(await (await fetch(`${second.url}/${M}/@v/${V}.mod`)).text()).toBe(`module ${M}\n`);
      expect(gone.calls.filter((c) => c.method !== "list" && c.method !== "latest")).toEqual([]);
    } finally {
      await second.proxy.close();
      await s2.close();
    }
  });
});

describe("the go command through `gopave proxy serve` on S3 storage", () => {
  const M = "example.com/Greet";
  const V = "v1.0.0";

  /** `gopave proxy serve` as the CLI runs it (runProxyServe), in this process, on a free port. */
  async function serve(
    storage: string,
    upstream: string,
    goSum: string,
  ): Promise<{ url: string; stop: () => Promise<void> }> {
    const dir = temp("serve");
    const config = join(dir, "proxy.yaml");
    writeFileSync(config, `trustedSums: [${JSON.stringify(goSum)}]\n`);
    let err = "";
    const io = {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
      stdout: () => undefined,
      stderr: (t: string) => void (err += t),
      isTTY: false,
    };
    let exited: Promise<number> | undefined;
    const { url, proxy } = await new Promise<{ url: string; proxy: Proxy }>((resolve, reject) => {
      exited = runProxyServe({ config, listen: "127.0.0.1:0", storage, upstream, route: [] }, io, {
        signals: [],
        onListening: (u, p) => resolve({ url: u, proxy: p }),
      });
      exited.then((code) => reject(new Error(`proxy serve exited with ${code}:\n${err}`)), reject);
    });
    return {
      url,
      stop: async () => {
        await proxy.close();
        await exited;
      },
    };
  }

  async function goDownloadVia(proxyUrl: string): Promise<GoDownloadJson[]> {
    const dirs = freshGoDirs("gopave-s3-go");
    temps.push(dirs.home);
    const env = isolatedGoEnv(dirs, { GOPROXY: proxyUrl, GOSUMDB: "off" });
    const run = await runGo(["mod", "download", "-json", `${M}@${V}`], { cwd: dirs.home, env });
    expect(run.code, run.stderr).toBe(0);
    return parseDownloadJson(run.stdout);
  }

  it("downloads through the proxy into S3, then from S3 alone after a restart", async () => {
    const prefix = freshPrefix("go-e2e");
    const root = temp("upstream");
    await writeModule(root, M, V, {
      "go.mod": `module ${M}\n\ngo 1.21\n`,
      "greet.go": 'package greet\n\n// Hello says hello.\nfunc Hello() string { return "hello" }\n',
    });
    // The go command's own hashes of the module: the proxy trusts exactly these (go.sum mode).
    const [sums] = goDownload(root, [`${M}@${V}`]);
    const goSum = join(root, "trusted.go.sum");
    writeFileSync(goSum, `${M} ${V} ${sums?.Sum}\n${M} ${V}/go.mod ${sums?.GoModSum}\n`);

    vi.stubEnv("AWS_ACCESS_KEY_ID", server.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", server.secretAccessKey);
    vi.stubEnv("AWS_SESSION_TOKEN", undefined);
    vi.stubEnv("AWS_PROFILE", undefined);
    const storage = `s3://${BUCKET}/${prefix}?region=${server.region}&endpoint=${server.endpoint}&pathStyle=true`;
    const upstream = await startLocalUpstream(root);
    try {
      const first = await serve(storage, upstream.url, goSum);
      try {
        const [got] = await goDownloadVia(first.url);
        expect(got?.Sum).toBe(sums?.Sum);
      } finally {
        await first.stop();
      }
      expect(await keysUnder(prefix)).toEqual(
        expect.arrayContaining([
          "example.com/!greet/@v/v1.0.0.info",
          "example.com/!greet/@v/v1.0.0.mod",
          "example.com/!greet/@v/v1.0.0.zip",
        ]),
      );
    } finally {
      await upstream.close();
    }

    // The upstream is gone and the new process has nothing in memory: only S3 can answer.
    const second = await serve(storage, upstream.url, goSum);
    try {
      const [again] = await goDownloadVia(second.url);
      expect(again?.Sum).toBe(sums?.Sum);
      expect(again?.GoModSum).toBe(sums?.GoModSum);
    } finally {
      await second.stop();
    }
  });
});
