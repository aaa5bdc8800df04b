import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/cli.js";
import { modulePath, startLocalUpstream, writeModule } from "./helpers/local-upstream.js";
import type { LocalUpstream } from "./helpers/local-upstream.js";
import { rewriteZip } from "./helpers/proxy-e2e-zip.js";
import { startReplica } from "./helpers/proxy-replica.js";
import type { Replica } from "./helpers/proxy-replica.js";
import { startS3Server } from "./helpers/s3-server.js";
import type { S3TestServer } from "./helpers/s3-server.js";
import { goDownload } from "./helpers/storage-suite.js";
import { startTcpRelay } from "./helpers/tcp-relay.js";
import type { TcpRelay } from "./helpers/tcp-relay.js";

/**
 * Several `gopave proxy serve` processes (the built CLI) on ONE versitygw bucket, over one local
 * upstream whose modules gopave verifies against a go.sum the real go command wrote. What a team
 * running replicas relies on: racing cold requests store each object once (conditional PUT, seen
 * in the S3 server's own access log) and every replica serves the upstream's exact bytes; a
 * replica SIGKILLed mid-download or mid-upload leaves no partial object and loses nothing;
 * `gopave proxy verify` finds an object corrupted in the bucket and `--purge` lets it be fetched
 * again. Run `npm run build` first: the replicas are separate processes of bin/gopave.js.
 */

const BUCKET = "gopave-replicas";
const FILES = ["info", "mod", "zip"] as const;
type File = (typeof FILES)[number];

interface ModuleVersion {
  module: string;
  version: string;
}

/** Small modules for the races: several modules, several versions each. */
const RACED: ModuleVersion[] = [
  "example.com/Race/alpha",
  "example.com/race/beta",
  "example.com/race/Gamma",
  "example.com/race/delta",
].flatMap((module) => ["v1.0.0", "v1.1.0", "v1.2.0-RC.1"].map((version) => ({ module, version })));
/** Modules with zips of several MB (incompressible content), for kills mid-transfer. */
const BIG: ModuleVersion[] = [0, 1, 2, 3].map((i) => ({
  module: `example.com/big/m${i}`,
  version: "v1.0.0",
}));
const BIG_BYTES = 4 << 20;
/** How fast the relays pass bytes, so a transfer of a big zip takes seconds. */
const SLOW_BYTES_PER_SECOND = 1 << 20;

let s3: S3TestServer;
let upstream: LocalUpstream;
let root: string;
let goSum: string;
let config: string;
const temps: string[] = [];
const running: Replica[] = [];
const relays: TcpRelay[] = [];

const temp = (what: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `gopave-replicas-${what}-`));
  temps.push(dir);
  return dir;
};

beforeAll(async () => {
  s3 = await startS3Server({ accessLog: true });
  await s3.createBucket(BUCKET);
  root = temp("upstream");
  for (const { module, version } of RACED) {
    await writeModule(root, module, version, {
      "go.mod": `module ${module}\n\ngo 1.21\n`,
      "lib.go": `package lib\n\n// Version is this module's version.\nconst Version = "${version}"\n`,
    });
  }
  for (const { module, version } of BIG) {
    await writeModule(root, module, version, {
      "go.mod": `module ${module}\n\ngo 1.21\n`,
      "lib.go": "package lib\n",
      // Base64 of random bytes deflates to about 3/4: the zip stays several MB.
      "blob.txt": randomBytes((BIG_BYTES * 4) / 3).toString("base64"),
    });
  }
  // The go command's own hashes of every module: what the replicas trust (go.sum mode).
  const sums = goDownload(
    root,
    [...RACED, ...BIG].map((m) => `${m.module}@${m.version}`),
  );
  const lines = sums.flatMap((s) => {
    if (s.Error || !s.Sum || !s.GoModSum) throw new Error(`go mod download: ${JSON.stringify(s)}`);
    return [`${s.Path} ${s.Version} ${s.Sum}`, `${s.Path} ${s.Version}/go.mod ${s.GoModSum}`];
  });
  goSum = join(root, "trusted.go.sum");
  writeFileSync(goSum, `${lines.join("\n")}\n`);
  config = join(root, "proxy.yaml");
  writeFileSync(config, `trustedSums: [${JSON.stringify(goSum)}]\n`);
  upstream = await startLocalUpstream(root);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.kill()));
  await Promise.all(relays.splice(0).map((r) => r.close()));
});

afterAll(async () => {
  await upstream?.close();
  await s3?.stop();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function storageUrl(prefix: string, endpoint = s3.endpoint): string {
  return `s3://${BUCKET}/${prefix}?region=${s3.region}&endpoint=${endpoint}&pathStyle=true`;
}

/** What a replica's environment holds: S3 credentials the AWS way, and a TMPDIR of its own. */
function replicaEnv(tmp: string): Record<string, string> {
  return {
    HOME: tmp,
    TMPDIR: tmp,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

async function replica(
  prefix: string,
  opts: { tmp?: string; s3Endpoint?: string; upstream?: string; args?: string[] } = {},
): Promise<Replica> {
  const r = await startReplica({
    storage: storageUrl(prefix, opts.s3Endpoint),
    upstream: opts.upstream ?? upstream.url,
    config,
    env: replicaEnv(opts.tmp ?? temp("replica")),
    ...(opts.args ? { args: opts.args } : {}),
  });
  running.push(r);
  return r;
}

function nth<T>(list: T[], i: number): T {
  const item = list[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
}

const sha256 = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const md5 = (b: Buffer): string => createHash("md5").update(b).digest("hex");

/** The upstream's bytes of one file, read from its directory. */
function upstreamBytes(m: ModuleVersion, file: File): Buffer {
  return readFileSync(join(root, ...modulePath(m.module, m.version, file).split("/").slice(1)));
}

/** The object key of a module file, relative to the storage prefix (the URL path, unescaped). */
const keyOf = (m: ModuleVersion, file: File): string =>
  modulePath(m.module, m.version, file).slice(1);

async function get(base: string, m: ModuleVersion, file: File): Promise<Buffer> {
  const res = await fetch(`${base}${modulePath(m.module, m.version, file)}`);
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) {
    throw new Error(`${base}: ${m.module}@${m.version}.${file}: ${res.status} ${body.toString()}`);
  }
  return body;
}

interface Listed {
  key: string;
  size: number;
  etag: string;
  lastModified: number;
}

/**
 * Every object under a prefix, by the S3 API (relative keys, sorted), but the replicas'
 * heartbeat records (`.gopave/replicas/`, rewritten by design; see the status page).
 */
async function listBucket(prefix: string): Promise<Listed[]> {
  const out: Listed[] = [];
  let token: string | undefined;
  do {
    const page = await s3.client.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const o of page.Contents ?? []) {
      if ((o.Key ?? "").startsWith(`${prefix}.gopave/replicas/`)) continue;
      out.push({
        key: (o.Key ?? "").slice(prefix.length),
        size: o.Size ?? -1,
        etag: (o.ETag ?? "").replaceAll('"', ""),
        lastModified: o.LastModified?.getTime() ?? -1,
      });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

async function objectBytes(key: string): Promise<Buffer> {
  const res = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from((await res.Body?.transformToByteArray()) ?? []);
}

/** Which module file a relative key is, if any. */
function moduleFileOf(key: string): { m: ModuleVersion; file: File } | undefined {
  for (const m of [...RACED, ...BIG]) {
    for (const file of FILES) if (keyOf(m, file) === key) return { m, file };
  }
  return undefined;
}

/**
 * Every object under the prefix is a module file whose bytes are exactly the upstream's: no
 * partial upload, no temp object, nothing else. Returns the module files found.
 */
async function expectOnlyCompleteObjects(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for (const o of await listBucket(prefix)) {
    const named = moduleFileOf(o.key);
    expect(named, `unexpected object ${o.key} in the bucket`).toBeDefined();
    if (!named) continue;
    const want = upstreamBytes(named.m, named.file);
    expect(o.size, o.key).toBe(want.length);
    expect(sha256(await objectBytes(prefix + o.key)), o.key).toBe(sha256(want));
    keys.push(o.key);
  }
  return keys;
}

/** The S3 server's PUTs of objects under `prefix`: the HTTP status of each, by relative key. */
function putsUnder(prefix: string): Map<string, number[]> {
  const puts = new Map<string, number[]>();
  for (const line of s3.accessLog().split("\n")) {
    // owner bucket [time] ip requester request-id operation key uri status …
    const m = /^\S+ (\S+) \[[^\]]*\] \S+ \S+ \S+ (\S+) (\S+) \S+ (\d{3}) /.exec(line);
    if (!m || m[1] !== BUCKET || m[2] !== "s3_PutObject" || !m[3]?.startsWith(prefix)) continue;
    const key = m[3].slice(prefix.length);
    if (key.startsWith(".gopave/replicas/")) continue; // heartbeats: rewritten by design
    puts.set(key, [...(puts.get(key) ?? []), Number(m[4])]);
  }
  return puts;
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The S3 backend's local staging directories in a replica's TMPDIR. */
/** The per-process staging directories (host-pid-random) of the S3 backends using `tmp`. */
const stagingDirs = (tmp: string): string[] => {
  try {
    return readdirSync(join(tmp, "gopave-s3-staging"));
  } catch {
    return [];
  }
};

/** `gopave proxy verify` of the built CLI on the bucket prefix, trusting the go.sum. */
function proxyVerify(
  prefix: string,
  extra: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const tmp = temp("verify");
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, "bin", "gopave.js"),
      "proxy",
      "verify",
      "--storage",
      storageUrl(prefix),
      "--go-sum",
      goSum,
      ...extra,
    ],
    { cwd: tmp, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...replicaEnv(tmp) } },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
  child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

describe("gopave proxy replicas on one S3 bucket", () => {
  it.each([2, 3])(
    "%i replicas racing cold requests store each object once and serve identical bytes",
    async (n) => {
      const prefix = `race-${n}/`;
      const replicas = await Promise.all(Array.from({ length: n }, () => replica(prefix)));
      // Every answer waits a moment upstream, so all replicas miss before the first one stores.
      for (const m of RACED)
        for (const f of FILES) upstream.delay(modulePath(m.module, m.version, f), 250);
      upstream.resetCounts();

      for (const m of RACED) {
        // One round: the same cold .info/.mod/.zip at every replica at once, two clients each.
        const round = replicas.flatMap((r) =>
          FILES.flatMap((file) =>
            [0, 1].map(async () => ({ file, body: await get(r.url, m, file) })),
          ),
        );
        for (const { file, body } of await Promise.all(round)) {
          expect(sha256(body), `${m.module}@${m.version}.${file}`).toBe(
            sha256(upstreamBytes(m, file)),
          );
        }
      }

      // Stores run in the background of the answers: wait until every replica that fetched a
      // file has tried to store it (each fetch is followed by one conditional PUT).
      const keys = RACED.flatMap((m) => FILES.map((f) => keyOf(m, f)));
      const fetchesOf = (key: string) => upstream.count(`/${key}`);
      await until("a PUT for every fetch of every object", () => {
        const puts = putsUnder(prefix);
        return keys.every((k) => (puts.get(k)?.length ?? 0) >= fetchesOf(k));
      });
      const puts = putsUnder(prefix);
      let fetches = 0;
      let refused = 0;
      for (const m of RACED) {
        for (const file of FILES) {
          const key = keyOf(m, file);
          const statuses = puts.get(key) ?? [];
          // Exactly one PUT created the object; every other replica's was refused (412).
          expect(
            statuses.filter((s) => s === 200),
            key,
          ).toHaveLength(1);
          expect(
            statuses.filter((s) => s !== 200 && s !== 412),
            key,
          ).toEqual([]);
          refused += statuses.length - 1;
          const fetched = fetchesOf(key);
          expect(statuses, key).toHaveLength(fetched);
          expect(fetched, key).toBeGreaterThanOrEqual(1);
          expect(fetched, key).toBeLessThanOrEqual(n);
          fetches += fetched;
        }
      }
      // The race really happened: replicas fetched the same files and lost the PUT to another.
      expect(fetches).toBeGreaterThan(keys.length);
      expect(refused).toBeGreaterThan(0);
      // gopave's own metrics agree with the upstream's count of fetches.
      for (const file of FILES) {
        let counted = 0;
        for (const r of replicas) {
          counted += await r.metric("gopave_proxy_upstream_request_duration_seconds_count", {
            endpoint: file,
            result: "ok",
          });
        }
        const seen = RACED.reduce(
          (sum, m) => sum + upstream.count(modulePath(m.module, m.version, file)),
          0,
        );
        expect(counted, file).toBe(seen);
      }

      // The bucket holds exactly those objects, each the upstream's bytes (ETag = MD5).
      const listed = await listBucket(prefix);
      expect(listed.map((o) => o.key)).toEqual([...keys].sort());
      for (const o of listed) {
        const named = moduleFileOf(o.key);
        expect(o.etag, o.key).toBe(named && md5(upstreamBytes(named.m, named.file)));
      }
      expect(await expectOnlyCompleteObjects(prefix)).toHaveLength(keys.length);

      // Later requests, to every replica and a new one: nothing is fetched or written again, and
      // no object changes (LastModified has a resolution of a second: wait past it first).
      await new Promise((r) => setTimeout(r, 1100));
      const late = await replica(prefix);
      upstream.resetCounts();
      await Promise.all(
        [...replicas, late].flatMap((r) =>
          RACED.flatMap((m) =>
            FILES.map(async (file) =>
              expect(sha256(await get(r.url, m, file))).toBe(sha256(upstreamBytes(m, file))),
            ),
          ),
        ),
      );
      expect([...upstream.counts().keys()].filter((p) => /\.(info|mod|zip)$/.test(p))).toEqual([]);
      expect(await listBucket(prefix)).toEqual(listed);
      expect(putsUnder(prefix)).toEqual(puts);
      await Promise.all([...replicas, late].map((r) => r.stop()));
    },
  );

  it("a replica SIGKILLed mid-download or mid-upload loses nothing and leaves no partial object", async () => {
    const prefix = "kill/";
    const others = await Promise.all([replica(prefix), replica(prefix)]);
    const victimTmp = temp("victim");
    const zipBytes = (ms: ModuleVersion[]) =>
      ms.reduce((n, m) => n + upstreamBytes(m, "zip").length, 0);

    // 1. Killed while its upstream is still sending the zips (a slowed upstream).
    const slowUpstream = await startTcpRelay(upstream.url, {
      bytesPerSecond: SLOW_BYTES_PER_SECOND,
    });
    relays.push(slowUpstream);
    const first = BIG.slice(0, 2);
    let victim = await replica(prefix, { tmp: victimTmp, upstream: slowUpstream.url });
    const cut1 = first.map((m) =>
      get(victim.url, m, "zip").then(
        () => "complete",
        () => "cut",
      ),
    );
    await until(
      "the zips half-way down from the upstream",
      () => slowUpstream.received() > 1 << 20,
    );
    await victim.kill();
    expect(slowUpstream.received()).toBeLessThan(zipBytes(first));
    expect(await Promise.all(cut1)).toEqual(["cut", "cut"]);
    const [crashed = "none"] = stagingDirs(victimTmp);
    expect(stagingDirs(victimTmp)).toEqual([crashed]);
    const crashedZips = readdirSync(join(victimTmp, "gopave-s3-staging", crashed));
    expect(
      crashedZips.filter((f) => f.endsWith(".zip")),
      "partial downloads left",
    ).not.toEqual([]);

    // 2. Killed while it uploads the zips to the bucket (a slowed S3 connection).
    const slowS3 = await startTcpRelay(s3.endpoint, { bytesPerSecond: SLOW_BYTES_PER_SECOND });
    relays.push(slowS3);
    const second = BIG.slice(2);
    victim = await replica(prefix, { tmp: victimTmp, s3Endpoint: slowS3.url });
    const uploadsFrom = slowS3.sent();
    const served = await Promise.all(second.map((m) => get(victim.url, m, "zip")));
    expect(served.map(sha256)).toEqual(second.map((m) => sha256(upstreamBytes(m, "zip"))));
    await until("the zips half-way up to the bucket", () => slowS3.sent() - uploadsFrom > 1 << 20);
    await victim.kill();
    expect(slowS3.sent() - uploadsFrom).toBeLessThan(zipBytes(second));
    // The server has seen every upload end; less than both zips went up, so at least one was cut
    // and did not become an object (one whose upload finished before the kill is whole: checked
    // with every object below).
    await until("the uploads ended", () => {
      const puts = putsUnder(prefix);
      return second.every((m) => (puts.get(keyOf(m, "zip"))?.length ?? 0) > 0);
    });
    const cut = second.filter((m) => !(putsUnder(prefix).get(keyOf(m, "zip")) ?? []).includes(200));
    expect(cut.length, "an upload cut by the kill").toBeGreaterThan(0);
    const afterKills = await expectOnlyCompleteObjects(prefix);
    for (const m of [...first, ...cut]) expect(afterKills).not.toContain(keyOf(m, "zip"));

    // The first killed process's staging directory (its partial downloads, never in the
    // bucket) was removed when the second started on the same host: its owner no longer runs.
    const [crashed2 = "none"] = stagingDirs(victimTmp);
    expect(stagingDirs(victimTmp)).toEqual([crashed2]);
    expect(crashed2).not.toBe(crashed);

    // 3. Nothing is lost: the other replicas, and the victim restarted, serve every file.
    victim = await replica(prefix, { tmp: victimTmp });
    expect((await fetch(`${victim.url}/readyz`)).status).toBe(200);
    const kept = stagingDirs(victimTmp);
    expect(kept).not.toContain(crashed2);
    expect(kept).toHaveLength(1);
    for (const r of [...others, victim]) {
      await Promise.all(
        BIG.flatMap((m) =>
          FILES.map(async (file) =>
            expect(sha256(await get(r.url, m, file)), `${r.url} ${m.module}.${file}`).toBe(
              sha256(upstreamBytes(m, file)),
            ),
          ),
        ),
      );
    }
    const keys = BIG.flatMap((m) => FILES.map((f) => keyOf(m, f)));
    await until("every file stored", () => {
      const puts = putsUnder(prefix);
      return keys.every((k) => puts.get(k)?.includes(200));
    });
    expect(await expectOnlyCompleteObjects(prefix)).toEqual([...keys].sort());
    for (const [key, statuses] of putsUnder(prefix)) {
      expect(
        statuses.filter((s) => s === 200),
        key,
      ).toHaveLength(1);
    }
    const verify = await proxyVerify(prefix);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain(`${BIG.length * 2} files in`);
    expect(verify.stdout).toContain(`${BIG.length * 2} verified`);
  });

  it("an object corrupted in the bucket is reported by proxy verify, purged, and fetched again", async () => {
    const prefix = "corrupt/";
    const zipped = nth(RACED, 0);
    const modded = nth(RACED, 4);
    let r = await replica(prefix);
    for (const m of [zipped, modded]) {
      for (const file of FILES) await get(r.url, m, file);
    }
    const keys = [zipped, modded].flatMap((m) => FILES.map((f) => keyOf(m, f)));
    await until("every file stored", () => {
      const puts = putsUnder(prefix);
      return keys.every((k) => puts.get(k)?.includes(200));
    });

    // Planted behind gopave's back: a well-formed zip with one changed source file, a go.mod
    // with an added line. Only a checksum tells them from the real thing.
    const badZip = await rewriteZip(upstreamBytes(zipped, "zip"), (name, data) =>
      name.endsWith("lib.go") ? Buffer.from(`${data.toString()}\nfunc Backdoor() {}\n`) : data,
    );
    const plant = (key: string, body: Buffer) =>
      s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: prefix + key, Body: body }));
    await plant(keyOf(zipped, "zip"), badZip);
    await plant(
      keyOf(modded, "mod"),
      Buffer.concat([upstreamBytes(modded, "mod"), Buffer.from("// x\n")]),
    );

    const report = await proxyVerify(prefix);
    expect(report.code, report.stderr).toBe(1);
    expect(report.stdout).toContain(`failed: ${zipped.module}@${zipped.version} (.zip)`);
    expect(report.stdout).toContain(`failed: ${modded.module}@${modded.version} (.mod)`);
    expect(report.stdout).toContain("4 files in");
    expect(report.stdout).toContain("2 verified");
    expect(report.stdout).toContain("2 failed");

    const purge = await proxyVerify(prefix, ["--purge"]);
    expect(purge.code, purge.stderr).toBe(1);
    expect(purge.stdout).toContain(`purged: ${zipped.module}@${zipped.version} (.zip)`);
    expect(purge.stdout).toContain(`purged: ${modded.module}@${modded.version} (.mod)`);
    const left = (await listBucket(prefix)).map((o) => o.key);
    expect(left).not.toContain(keyOf(zipped, "zip"));
    expect(left).not.toContain(keyOf(modded, "mod"));
    expect(left).toHaveLength(keys.length - 2);
    const clean = await proxyVerify(prefix);
    expect(clean.code, clean.stdout).toBe(0);
    expect(clean.stdout).toContain("2 files in");

    // A replica with nothing in memory fetches the purged files again, verified, once.
    await r.stop();
    r = await replica(prefix);
    upstream.resetCounts();
    expect(sha256(await get(r.url, zipped, "zip"))).toBe(sha256(upstreamBytes(zipped, "zip")));
    expect(sha256(await get(r.url, modded, "mod"))).toBe(sha256(upstreamBytes(modded, "mod")));
    expect(upstream.count(`/${keyOf(zipped, "zip")}`)).toBe(1);
    expect(upstream.count(`/${keyOf(modded, "mod")}`)).toBe(1);
    await until("the refetched files stored", async () => {
      const listed = (await listBucket(prefix)).map((o) => o.key);
      return listed.length === keys.length;
    });
    expect(await expectOnlyCompleteObjects(prefix)).toEqual([...keys].sort());
    const after = await proxyVerify(prefix);
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toContain("4 verified");
  });
});
