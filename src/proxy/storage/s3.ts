import { mkdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import type {
  CachedAnswer,
  HeartbeatRecord,
  ModuleFile,
  Storage,
  StoredBody,
  StoredFile,
  StorageUsage,
} from "../types.js";
import type { AnswerKind } from "./answer-records.js";
import { claimStaging } from "./fs-staging.js";
import type { Staging } from "./fs-staging.js";
import { isUnder } from "./fs-write.js";
import { META_DIR, SUMDB_DIR, moduleFileKey, parseStoredFileKey, tileKey } from "./keys.js";
import { s3Heartbeats, s3Usage } from "./s3-status.js";
import { S3Answers } from "./s3-answers.js";
import { S3Objects } from "./s3-objects.js";
import type { ListedObject } from "./s3-objects.js";
import { S3ZipRecency } from "./s3-recency.js";
import type { S3Location } from "./s3-url.js";

export interface S3StorageOptions {
  /** The clock for zip recency (tests inject one). */
  now?: () => number;
  /** How long not-found records are kept; default a day (their TTL is minutes). */
  notFoundKeepMs?: number;
  /**
   * Fixed credentials, for tests only: the CLI never passes any, so the SDK's default chain
   * (environment, shared config and profiles, web identity, instance or task role) applies.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

const MAX_SOCKETS = 256;

const quiet = (): void => undefined;
const SILENT = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

/**
 * The S3 backend: the filesystem backend's layout under a bucket prefix — GOMODCACHE's download
 * cache for modules (so the bucket can be served statically, or `aws s3 sync`ed into a directory
 * that `GOPROXY=file://` reads), tiles under `sumdb/`, gopave's records under `.gopave/`.
 * Downloads are staged in a local temp directory and streamed up from there.
 */
export async function createS3Storage(
  location: S3Location,
  opts: S3StorageOptions = {},
): Promise<Storage> {
  const now = opts.now ?? Date.now;
  // The SDK warns on Node 20 that its releases from 2027 on will need Node 22. gopave pins a
  // release that supports Node 20 (package.json), so for its users the warning is noise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const client = new S3Client({
    region: location.region,
    forcePathStyle: location.forcePathStyle,
    // A bucket in another region than configured still works (one redirect, then cached).
    followRegionRedirects: true,
    requestHandler: {
      // A dead endpoint fails a request instead of hanging it; a slow zip stream is fine as
      // long as bytes keep coming.
      connectionTimeout: 10_000,
      socketTimeout: 60_000,
      // A busy proxy streams many zips at once; the SDK's default of 50 sockets would queue them.
      httpAgent: { keepAlive: true, maxSockets: MAX_SOCKETS },
      httpsAgent: { keepAlive: true, maxSockets: MAX_SOCKETS },
    },
    // Without a logger the SDK writes some warnings to the console itself (e.g. on a streamed
    // PUT that a server refuses early, which writeOnce handles); every failure reaches gopave as
    // an error anyway.
    logger: SILENT,
    ...(location.endpoint ? { endpoint: location.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  });
  const objects = new S3Objects(client, location.bucket, location.prefix);
  try {
    await objects.checkBucket();
  } catch (err) {
    client.destroy();
    throw err;
  }
  const answers = new S3Answers(objects, opts.notFoundKeepMs ?? 24 * 60 * 60 * 1000);
  const recency = new S3ZipRecency(
    { zips: () => storedZips(objects), remove: (key) => objects.remove(key) },
    now,
  );
  const beats = s3Heartbeats(objects);
  // Local temp files of downloads on their way to the bucket; one directory per process, and
  // those of dead processes are removed at start (see fs-staging.ts), not at the first download:
  // a restarted replica may serve from the bucket for a long time before it downloads anything.
  const staging: Staging = await claimStaging(join(tmpdir(), "gopave-s3-staging"));
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new Error(`storage s3://${location.bucket}/${location.prefix} is closed`);
  };

  return {
    remote: true,
    async get(module: string, version: string, file: ModuleFile): Promise<StoredBody | undefined> {
      ensureOpen();
      const key = moduleFileKey(module, version, file);
      const size = await objects.size(key);
      if (size === undefined) return undefined;
      if (file === "zip") recency.used(key, size);
      return { size, open: () => objects.stream(key) };
    },

    async putOnce(module, version, file, source): Promise<void> {
      ensureOpen();
      const key = moduleFileKey(module, version, file);
      // A download in our staging dir is ours to consume; a user's module cache file is not.
      const consume = "path" in source && isUnder(staging.dir, source.path);
      try {
        const usedAt = now();
        const wrote = await objects.writeOnce(key, source);
        if (wrote && file === "zip") {
          recency.used(
            key,
            "data" in source ? source.data.length : await fileSize(source.path),
            usedAt,
          );
        }
      } finally {
        if (consume) await rm(source.path, { force: true });
      }
    },

    async getAnswer(kind: AnswerKind, key: string): Promise<CachedAnswer | undefined> {
      ensureOpen();
      return answers.get(kind, key);
    },

    async putAnswer(kind: AnswerKind, key: string, answer: CachedAnswer): Promise<void> {
      ensureOpen();
      await answers.put(kind, key, answer);
    },

    async getTile(key: string): Promise<Buffer | undefined> {
      ensureOpen();
      return (await objects.read(tileKey(key)))?.data;
    },

    async putTile(key: string, data: Buffer): Promise<void> {
      ensureOpen();
      await objects.writeOnce(tileKey(key), { data });
    },

    async *storedFiles(): AsyncGenerator<StoredFile> {
      ensureOpen();
      for (const top of await objects.topLevel("")) {
        if (top === `${META_DIR}/` || top === `${SUMDB_DIR}/`) continue;
        for await (const o of objects.list(top)) {
          const named = parseStoredFileKey(o.key);
          if (named) yield named;
        }
      }
    },

    async remove(module: string, version: string, file: ModuleFile): Promise<void> {
      ensureOpen();
      await objects.remove(moduleFileKey(module, version, file));
    },

    async stagingDir(): Promise<string> {
      ensureOpen();
      // A sibling process on another host may clear it after a day idle: recreate it.
      await mkdir(staging.dir, { recursive: true });
      return staging.dir;
    },

    async evict(maxBytes: number): Promise<number> {
      ensureOpen();
      if (Number.isNaN(maxBytes) || maxBytes < 0) {
        throw new RangeError(`invalid cache size cap ${maxBytes}`);
      }
      return recency.evict(maxBytes);
    },

    async usage(limit: number): Promise<StorageUsage> {
      ensureOpen();
      return s3Usage(objects, limit);
    },

    async putHeartbeat(id: string, text: string): Promise<void> {
      ensureOpen();
      await beats.put(id, text);
    },

    async heartbeats(limit: number): Promise<HeartbeatRecord[]> {
      ensureOpen();
      return beats.list(limit);
    },

    async removeHeartbeat(id: string): Promise<void> {
      ensureOpen();
      await beats.remove(id);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await answers.settle();
        await staging.release();
      } finally {
        client.destroy();
      }
    },
  };
}

/**
 * The zips in the bucket prefix, skipping gopave's records and the tiles (one delimited listing
 * of the top level, then a full listing of each module host's "directory").
 */
async function* storedZips(objects: S3Objects): AsyncGenerator<ListedObject> {
  for (const top of await objects.topLevel("")) {
    if (top === `${META_DIR}/` || top === `${SUMDB_DIR}/`) continue;
    for await (const o of objects.list(top)) {
      if (/\/@v\/[^/]+\.zip$/.test(o.key)) yield o;
    }
  }
}

async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}
