import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { CONTENT_TYPE } from "../protocol/content.js";
import { isS3NotFound, s3Error, s3ErrorCode, s3ErrorStatus } from "./s3-errors.js";

/** How often a conditional PUT that conflicts with one in flight is retried, and the first wait. */
const CONFLICT_RETRIES = 6;
const CONFLICT_BACKOFF_MS = 50;

/** Socket errors of a request whose connection the server closed before reading it all. */
const CUT_OFF: ReadonlySet<string> = new Set(["EPIPE", "ECONNRESET"]);

/** Bytes to upload: a buffer, or a local file streamed with its length (big zips stay on disk). */
export type UploadSource = { data: Buffer | string } | { path: string };

export interface ObjectBytes {
  data: Buffer;
  lastModified: Date | undefined;
  metadata: Record<string, string>;
}

export interface ListedObject {
  /** Relative to the storage prefix. */
  key: string;
  size: number;
  lastModified: Date | undefined;
}

/**
 * One bucket prefix as a key-value store of relative keys ('/'-separated, already validated by
 * keys.ts). Every failure becomes an S3StorageError naming the bucket/key and the S3 error code.
 */
export class S3Objects {
  /** Unknown until a server answers a conditional PUT; false once one said it cannot. */
  private conditionalWrites: boolean | undefined;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string,
  ) {}

  /** Fails fast at start-up on a missing bucket, bad credentials or an unreachable endpoint. */
  async checkBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      // HEAD has no error body: a 404 here can only mean the bucket itself.
      const e =
        s3ErrorStatus(err) === 404
          ? Object.assign(new Error("no such bucket"), {
              name: "NoSuchBucket",
              $metadata: { httpStatusCode: 404 },
            })
          : err;
      throw s3Error("HeadBucket", this.bucket, this.prefix, e);
    }
  }

  /** The object's size, or undefined when there is none. */
  async size(key: string): Promise<number | undefined> {
    try {
      const res = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      return res.ContentLength ?? 0;
    } catch (err) {
      if (isS3NotFound(err)) return undefined;
      throw s3Error("HeadObject", this.bucket, this.prefix + key, err);
    }
  }

  /**
   * A stream of the object that sends its GET only when first read, so a body that is never
   * opened costs nothing, and each open is a fresh request. Destroying it aborts the request.
   */
  stream(key: string): Readable {
    const abort = new AbortController();
    const out = Readable.from(this.chunks(key, abort.signal), { objectMode: false });
    out.once("close", () => abort.abort());
    return out;
  }

  private async *chunks(key: string, signal: AbortSignal): AsyncGenerator<Buffer> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
        { abortSignal: signal },
      );
      if (!(res.Body instanceof Readable)) throw new Error("the response has no body stream");
      for await (const chunk of res.Body) yield chunk as Buffer;
    } catch (err) {
      throw s3Error("GetObject", this.bucket, this.prefix + key, err);
    }
  }

  /** The whole object with its metadata, or undefined when there is none. For small records. */
  async read(key: string): Promise<ObjectBytes | undefined> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      const data = Buffer.from((await res.Body?.transformToByteArray()) ?? []);
      return { data, lastModified: res.LastModified, metadata: res.Metadata ?? {} };
    } catch (err) {
      if (isS3NotFound(err)) return undefined;
      throw s3Error("GetObject", this.bucket, this.prefix + key, err);
    }
  }

  /** Writes (or replaces) an object. */
  async write(key: string, source: UploadSource, metadata?: Record<string, string>): Promise<void> {
    try {
      await this.put(key, source, metadata ? { Metadata: metadata } : {});
    } catch (err) {
      throw s3Error("PutObject", this.bucket, this.prefix + key, err);
    }
  }

  private put(
    key: string,
    source: UploadSource,
    extra: { Metadata?: Record<string, string>; IfNoneMatch?: string },
  ): Promise<unknown> {
    return withUpload(source, (body) =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          ContentType: contentType(key),
          ...body,
          ...extra,
        }),
      ),
    );
  }

  /**
   * Creates an object unless one exists: first writer wins, nothing is ever overwritten. S3's
   * conditional PUT (If-None-Match: *) makes that atomic; a server that answers it with 501
   * (older S3-compatible servers) gets HEAD-then-PUT instead, where two racing writers may both
   * write — harmless here, as both hold bytes verified against the same checksum. Returns whether
   * this call wrote the object.
   */
  async writeOnce(key: string, source: UploadSource): Promise<boolean> {
    for (let conflicts = 0; this.conditionalWrites !== false; conflicts++) {
      try {
        await this.put(key, source, { IfNoneMatch: "*" });
        this.conditionalWrites = true;
        return true;
      } catch (err) {
        const code = s3ErrorCode(err);
        const status = s3ErrorStatus(err);
        // 412: it exists.
        if (status === 412 || code === "PreconditionFailed") return false;
        // 409: another conditional write of it is in flight (S3 answers so rather than wait).
        // That write may still fail, and a caller that reads the object right after (a zip too
        // big for memory) must find it: ask again until it exists or this write lands.
        if (status === 409 || code === "ConditionalRequestConflict") {
          if (conflicts >= CONFLICT_RETRIES) return false;
          await sleep(CONFLICT_BACKOFF_MS * 2 ** conflicts);
          continue;
        }
        // A server may refuse the PUT as soon as it has the headers and close the connection
        // while the body is still being sent (versitygw does): then the object exists.
        if (CUT_OFF.has(code) && (await this.size(key)) !== undefined) return false;
        if (status !== 501 && code !== "NotImplemented") {
          throw s3Error("PutObject", this.bucket, this.prefix + key, err);
        }
        this.conditionalWrites = false;
      }
    }
    if ((await this.size(key)) !== undefined) return false;
    await this.write(key, source);
    return true;
  }

  /** Removes an object; removing one that is not there is not an error (S3 answers 204). */
  async remove(key: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
    } catch (err) {
      if (isS3NotFound(err)) return;
      throw s3Error("DeleteObject", this.bucket, this.prefix + key, err);
    }
  }

  /** Every object under `under` (relative), page by page. */
  async *list(under: string): AsyncGenerator<ListedObject> {
    for await (const page of this.pages(under, undefined)) {
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined || !o.Key.startsWith(this.prefix)) continue;
        yield {
          key: o.Key.slice(this.prefix.length),
          size: o.Size ?? 0,
          lastModified: o.LastModified,
        };
      }
    }
  }

  /** The "directories" right under `under` (relative, each ending in "/"). */
  async topLevel(under: string): Promise<string[]> {
    const dirs: string[] = [];
    for await (const page of this.pages(under, "/")) {
      for (const p of page.CommonPrefixes ?? []) {
        if (p.Prefix?.startsWith(this.prefix)) dirs.push(p.Prefix.slice(this.prefix.length));
      }
    }
    return dirs;
  }

  private async *pages(under: string, delimiter: string | undefined) {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + under,
            ...(delimiter ? { Delimiter: delimiter } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
      } catch (err) {
        throw s3Error("ListObjectsV2", this.bucket, this.prefix + under, err);
      }
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

/** What a static web server would send, so the bucket itself can be served as a GOPROXY. */
function contentType(key: string): string {
  if (key.endsWith(".info") || key.endsWith(".json")) return CONTENT_TYPE.info;
  if (key.endsWith(".zip")) return CONTENT_TYPE.zip;
  if (key.endsWith(".mod") || key.endsWith("/list")) return CONTENT_TYPE.mod;
  return "application/octet-stream";
}

/**
 * Runs a PUT with `source` as its body: files are streamed with an explicit length, never read
 * into memory, and their descriptor is closed however the request ends.
 */
async function withUpload<T>(
  source: UploadSource,
  send: (body: { Body: Buffer | string | Readable; ContentLength: number }) => Promise<T>,
): Promise<T> {
  if ("data" in source) {
    return send({ Body: source.data, ContentLength: Buffer.byteLength(source.data) });
  }
  const { size } = await stat(source.path);
  const file = createReadStream(source.path);
  try {
    return await send({ Body: file, ContentLength: size });
  } finally {
    file.destroy();
  }
}
